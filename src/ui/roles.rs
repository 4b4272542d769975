//! Which theme role colours a channel's marker and a timer, wherever they are drawn.

use crate::model::ChannelKind;
use crate::sla::TimerState;
use crate::theme::Role;

/// The theme role of a channel's marker.
pub fn channel_role(c: ChannelKind) -> Role {
    match c {
        ChannelKind::Mastodon => Role::ChannelMastodon,
        ChannelKind::Bluesky => Role::ChannelBluesky,
        // Email shares the feed's muted marker until the theme gives it a role of its own.
        ChannelKind::Feed | ChannelKind::Email => Role::ChannelFeed,
        ChannelKind::Demo => Role::ChannelDemo,
        // No theme role of their own yet: every channel marker is muted alike.
        ChannelKind::Facebook | ChannelKind::Instagram => Role::ChannelFeed,
        ChannelKind::X => Role::ChannelFeed,
        ChannelKind::Youtube => Role::ChannelFeed,
    }
}

/// The role that colours a timer.
pub fn timer_role(s: TimerState) -> Role {
    match s {
        TimerState::Ok => Role::SlaOk,
        TimerState::Warn => Role::SlaWarn,
        TimerState::Breached => Role::SlaBreached,
        TimerState::Paused | TimerState::None => Role::SlaPaused,
    }
}
