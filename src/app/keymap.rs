//! Key specs ("ctrl-r", "G", "enter") and the map from key presses to actions.

use std::collections::HashMap;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::Action;

/// A key press in a normalized form that can be hashed and written in config.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct KeySpec {
    pub code: KeyCode,
    pub ctrl: bool,
    pub alt: bool,
}

impl KeySpec {
    /// Parse `"ctrl-r"`, `"alt-x"`, `"G"`, `"?"`, `"enter"`, `"f1"`, `"space"`, ...
    pub fn parse(spec: &str) -> Result<KeySpec, String> {
        let mut ctrl = false;
        let mut alt = false;
        let mut rest = spec;
        loop {
            if let Some(r) = rest.strip_prefix("ctrl-") {
                ctrl = true;
                rest = r;
            } else if let Some(r) = rest.strip_prefix("alt-") {
                alt = true;
                rest = r;
            } else {
                break;
            }
        }
        let code = match rest {
            "enter" => KeyCode::Enter,
            "tab" => KeyCode::Tab,
            "backtab" => KeyCode::BackTab,
            "esc" => KeyCode::Esc,
            "space" => KeyCode::Char(' '),
            "backspace" => KeyCode::Backspace,
            "delete" => KeyCode::Delete,
            "up" => KeyCode::Up,
            "down" => KeyCode::Down,
            "left" => KeyCode::Left,
            "right" => KeyCode::Right,
            "home" => KeyCode::Home,
            "end" => KeyCode::End,
            "pageup" => KeyCode::PageUp,
            "pagedown" => KeyCode::PageDown,
            f if f.len() > 1 && f.starts_with('f') && f[1..].parse::<u8>().is_ok() => {
                KeyCode::F(f[1..].parse::<u8>().map_err(|e| e.to_string())?)
            }
            c if c.chars().count() == 1 => KeyCode::Char(c.chars().next().unwrap_or(' ')),
            _ => return Err(format!("unknown key {spec:?}")),
        };
        Ok(KeySpec { code, ctrl, alt })
    }

    /// Normalize a terminal key event (shift is folded into the character).
    pub fn from_event(ev: &KeyEvent) -> KeySpec {
        let code = match ev.code {
            KeyCode::Char(c) if ev.modifiers.contains(KeyModifiers::CONTROL) => {
                KeyCode::Char(c.to_ascii_lowercase())
            }
            other => other,
        };
        KeySpec {
            code,
            ctrl: ev.modifiers.contains(KeyModifiers::CONTROL),
            alt: ev.modifiers.contains(KeyModifiers::ALT),
        }
    }
}

/// Key presses to actions for the inbox.
#[derive(Debug, Clone)]
pub struct Keymap {
    map: HashMap<KeySpec, Action>,
}

impl Default for Keymap {
    fn default() -> Self {
        let mut map = HashMap::new();
        for &action in Action::ALL {
            for key in action.default_keys() {
                if let Ok(spec) = KeySpec::parse(key) {
                    map.insert(spec, action);
                }
            }
        }
        Keymap { map }
    }
}

impl Keymap {
    pub fn action_for(&self, ev: &KeyEvent) -> Option<Action> {
        self.map.get(&KeySpec::from_event(ev)).copied()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_default_key_parses() {
        for &a in Action::ALL {
            for k in a.default_keys() {
                assert!(KeySpec::parse(k).is_ok(), "{k} of {a:?}");
            }
        }
    }

    #[test]
    fn default_keys_do_not_collide() {
        let mut seen = HashMap::new();
        for &a in Action::ALL {
            for k in a.default_keys() {
                let spec = KeySpec::parse(k).expect("parses");
                if let Some(prev) = seen.insert(spec, a) {
                    panic!("{k} is bound to both {prev:?} and {a:?}");
                }
            }
        }
    }

    #[test]
    fn maps_events() {
        let km = Keymap::default();
        let ev = KeyEvent::new(KeyCode::Char('G'), KeyModifiers::SHIFT);
        assert_eq!(km.action_for(&ev), Some(Action::Last));
        let ev = KeyEvent::new(KeyCode::Char('d'), KeyModifiers::CONTROL);
        assert_eq!(km.action_for(&ev), Some(Action::PageDown));
        let ev = KeyEvent::new(KeyCode::Char('d'), KeyModifiers::NONE);
        assert_eq!(km.action_for(&ev), Some(Action::Done));
    }
}
