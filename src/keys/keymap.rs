//! Key specs ("ctrl-r", "G", "enter") and the map from key presses to actions.
//! `config` builds the one keymap from the defaults and `[keys]` with [`Keymap::bind`].

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

/// What a key press means, given the keys of a sequence typed so far.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Lookup {
    Action(Action),
    /// The start of a sequence (`g` of `g g`): wait for the next key.
    Pending(Vec<KeySpec>),
    None,
}

/// Key presses (and sequences such as `g g`) to actions for the inbox: the defaults, with
/// the config's `[keys]` on top.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Keymap {
    /// The action and the keys as written (for the help screen).
    map: HashMap<Vec<KeySpec>, (Action, String)>,
}

impl Default for Keymap {
    fn default() -> Self {
        let mut map = HashMap::new();
        for &action in Action::ALL {
            for key in action.default_keys() {
                if let Ok(spec) = KeySpec::parse(key) {
                    map.insert(vec![spec], (action, key.to_string()));
                }
            }
        }
        Keymap { map }
    }
}

impl Keymap {
    /// The defaults with `bindings` (keys, action name) on top; a key bound here loses its
    /// default action, and a key that starts a sequence (`"g i" = "filter"`) is no longer an
    /// action by itself. Errors name the key or the action.
    pub fn with_bindings(bindings: &[(String, String)]) -> Result<Keymap, String> {
        let mut km = Keymap::default();
        for (key, name) in bindings {
            km.bind(key, name)?;
        }
        Ok(km)
    }

    /// Bind the keys `key` (`"ctrl-r"`, `"g i"`) to the action named `name` (`"none"`
    /// unbinds), over what is bound already. Errors name the key or the action.
    pub fn bind(&mut self, key: &str, name: &str) -> Result<(), String> {
        let seq = key
            .split_whitespace()
            .map(KeySpec::parse)
            .collect::<Result<Vec<_>, _>>()?;
        if seq.is_empty() {
            return Err(format!("{key:?}: no key"));
        }
        if seq.len() > 3 {
            return Err(format!("{key:?}: at most three keys in a sequence"));
        }
        if name == "none" {
            self.map.remove(&seq);
            return Ok(());
        }
        let action = Action::from_name(name).ok_or_else(|| {
            let names: Vec<_> = Action::ALL.iter().map(|a| a.name()).collect();
            format!(
                "{key:?} = {name:?}: unknown action (actions: {}, or \"none\")",
                names.join(", ")
            )
        })?;
        // Every shorter start of the sequence becomes a prefix, not an action.
        for n in 1..seq.len() {
            self.map.remove(&seq[..n]);
        }
        self.map
            .retain(|k, _| !(k.len() > seq.len() && k.starts_with(&seq)));
        let written = seq_label(key);
        self.map.insert(seq, (action, written));
        Ok(())
    }

    /// A single key press with nothing typed before it.
    pub fn action_for(&self, ev: &KeyEvent) -> Option<Action> {
        match self.lookup(&[], ev) {
            Lookup::Action(a) => Some(a),
            _ => None,
        }
    }

    /// `ev` after the keys `pending` of a sequence.
    pub fn lookup(&self, pending: &[KeySpec], ev: &KeyEvent) -> Lookup {
        let mut seq = pending.to_vec();
        seq.push(KeySpec::from_event(ev));
        if let Some((a, _)) = self.map.get(&seq) {
            return Lookup::Action(*a);
        }
        if self
            .map
            .keys()
            .any(|k| k.len() > seq.len() && k.starts_with(&seq))
        {
            return Lookup::Pending(seq);
        }
        if pending.is_empty() {
            Lookup::None
        } else {
            // Not a sequence after all: the key counts on its own.
            self.lookup(&[], ev)
        }
    }

    /// The keys bound to `action`, as shown on screen, in a stable order.
    pub fn labels_for(&self, action: Action) -> Vec<String> {
        let defaults = action.default_keys();
        let mut keys: Vec<&String> = self
            .map
            .values()
            .filter(|(a, _)| *a == action)
            .map(|(_, k)| k)
            .collect();
        // Defaults first, in their documented order; then the user's own.
        keys.sort_by_key(|k| {
            (
                defaults.iter().position(|d| d == k).unwrap_or(usize::MAX),
                (*k).clone(),
            )
        });
        keys.into_iter()
            .map(|k| {
                k.split_whitespace()
                    .map(super::action::key_label)
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .collect()
    }
}

/// `"g  g"` → `"g g"`.
fn seq_label(key: &str) -> String {
    key.split_whitespace().collect::<Vec<_>>().join(" ")
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
                if let Some(prev) = seen.insert(vec![spec], a) {
                    panic!("{k} is bound to both {prev:?} and {a:?}");
                }
            }
        }
    }

    #[test]
    fn config_bindings_override_defaults_and_errors_name_the_problem() {
        let km = Keymap::with_bindings(&[
            ("ctrl-r".into(), "reply".into()),
            ("d".into(), "none".into()),
            ("D".into(), "done".into()),
        ])
        .expect("valid");
        assert_eq!(
            km.action_for(&KeyEvent::new(KeyCode::Char('r'), KeyModifiers::CONTROL)),
            Some(Action::Reply)
        );
        assert_eq!(
            km.action_for(&KeyEvent::new(KeyCode::Char('d'), KeyModifiers::NONE)),
            None,
            "unbound"
        );
        assert_eq!(km.labels_for(Action::Done), vec!["D".to_string()]);
        assert_eq!(
            km.labels_for(Action::Reply),
            vec!["r".to_string(), "ctrl-r".to_string()]
        );
        assert_eq!(
            km.labels_for(Action::Down),
            vec!["j".to_string(), "↓".to_string()]
        );
        let e =
            Keymap::with_bindings(&[("ctrl-r".into(), "rpely".into())]).expect_err("bad action");
        assert!(e.contains("rpely") && e.contains("reply"), "{e}");
        assert!(
            Keymap::with_bindings(&[("hyper-x".into(), "reply".into())])
                .expect_err("bad key")
                .contains("hyper-x")
        );
    }

    #[test]
    fn sequences_wait_for_their_next_key() {
        let km = Keymap::with_bindings(&[
            ("g g".into(), "first".into()),
            ("g i".into(), "filter".into()),
        ])
        .expect("valid");
        let g = KeyEvent::new(KeyCode::Char('g'), KeyModifiers::NONE);
        let i = KeyEvent::new(KeyCode::Char('i'), KeyModifiers::NONE);
        let j = KeyEvent::new(KeyCode::Char('j'), KeyModifiers::NONE);
        let Lookup::Pending(after_g) = km.lookup(&[], &g) else {
            panic!("g starts a sequence now")
        };
        assert_eq!(km.lookup(&after_g, &g), Lookup::Action(Action::First));
        assert_eq!(km.lookup(&after_g, &i), Lookup::Action(Action::Filter));
        // g then j: not a sequence; j moves down on its own.
        assert_eq!(km.lookup(&after_g, &j), Lookup::Action(Action::Down));
        assert_eq!(km.labels_for(Action::First), vec!["Home", "g g"]);
        assert!(
            Keymap::with_bindings(&[("g q x y".into(), "first".into())])
                .expect_err("too long")
                .contains("three")
        );
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
