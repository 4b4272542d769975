//! The semantic roles the UI draws with, and a theme: one style per role.

use std::collections::HashMap;

use ratatui::style::Style;

macro_rules! roles {
    ($($var:ident => $name:literal, $fallback:ident;)+) => {
        /// Semantic roles the UI draws with.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum Role { $($var),+ }
        impl Role {
            pub const ALL: &'static [Role] = &[$(Role::$var),+];
            pub fn name(self) -> &'static str { match self { $(Role::$var => $name),+ } }
            /// The role used when a theme does not set this one (`Text` is the root).
            pub fn fallback(self) -> Role { match self { $(Role::$var => Role::$fallback),+ } }
            pub fn from_name(s: &str) -> Option<Role> { match s { $($name => Some(Role::$var),)+ _ => None } }
        }
    };
}

roles! {
    Text => "text", Text;
    Muted => "muted", Text;
    Title => "title", Text;
    Border => "border", Muted;
    BorderFocused => "border_focused", Title;
    Selection => "selection", Text;
    Unread => "unread", Text;
    SlaOk => "sla_ok", Text;
    SlaWarn => "sla_warn", Text;
    SlaBreached => "sla_breached", Text;
    SlaPaused => "sla_paused", Muted;
    StatusBar => "status_bar", Text;
    Error => "error", Text;
    Demo => "demo", Title;
    Key => "key", Title;
    SearchMatch => "search_match", Key;
    ChannelMastodon => "channel_mastodon", Muted;
    ChannelBluesky => "channel_bluesky", Muted;
    ChannelFeed => "channel_feed", Muted;
    ChannelDemo => "channel_demo", Muted;
}

/// A theme: a style for each role (after fallbacks), built by `parse`.
#[derive(Debug, Clone)]
pub struct Theme {
    pub name: String,
    pub(super) styles: HashMap<Role, Style>,
}

impl Theme {
    pub fn style(&self, role: Role) -> Style {
        self.styles.get(&role).copied().unwrap_or_default()
    }
}
