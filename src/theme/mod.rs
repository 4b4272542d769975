//! Themes: semantic roles mapped to styles. (Skeleton: the theme helper fills this in.)

use ratatui::style::Style;

/// Semantic roles the UI draws with. Themes map roles to styles, with fallbacks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Role {
    Text,
    Muted,
    Title,
    Border,
    BorderFocused,
    Selection,
    Unread,
    SlaOk,
    SlaWarn,
    SlaBreached,
    SlaPaused,
    StatusBar,
    Error,
    Demo,
    Key,
    ChannelMastodon,
    ChannelBluesky,
    ChannelFeed,
    ChannelDemo,
}

#[derive(Debug, Clone)]
pub struct Theme {
    pub name: String,
}

impl Theme {
    pub fn style(&self, _role: Role) -> Style {
        Style::default()
    }
    pub fn monochrome() -> Theme {
        Theme {
            name: "monochrome".into(),
        }
    }
}
