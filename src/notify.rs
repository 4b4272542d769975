//! Notifications through the terminal (they travel over SSH and through tmux): the bell,
//! OSC 9 or OSC 777 desktop notifications, or an external command. Per event, configurable.

use std::collections::BTreeMap;
use std::io::Write;

use serde::Serialize;

/// What happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Event {
    Dm,
    Mention,
    Warn,
    Breach,
    /// A rule's alert or a spike.
    Alert,
}

impl Event {
    pub const ALL: [Event; 5] = [
        Event::Dm,
        Event::Mention,
        Event::Warn,
        Event::Breach,
        Event::Alert,
    ];
    pub fn name(self) -> &'static str {
        match self {
            Event::Dm => "dm",
            Event::Mention => "mention",
            Event::Warn => "warn",
            Event::Breach => "breach",
            Event::Alert => "alert",
        }
    }
}

/// How to tell the user.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    Off,
    Bell,
    Osc9,
    Osc777,
    Command,
}

impl std::str::FromStr for Method {
    type Err = String;
    fn from_str(s: &str) -> Result<Method, String> {
        match s {
            "off" => Ok(Method::Off),
            "bell" => Ok(Method::Bell),
            "osc9" => Ok(Method::Osc9),
            "osc777" => Ok(Method::Osc777),
            "command" => Ok(Method::Command),
            other => Err(format!("{other:?}: use off, bell, osc9, osc777 or command")),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    pub methods: BTreeMap<Event, Method>,
    /// For `command`: run through `sh -c` with the message in `TINBOX_EVENT`, `TINBOX_TITLE`
    /// and `TINBOX_BODY`; a command that names none of them gets the message appended after
    /// `--` (a display name starting with `-` is then no option).
    pub command: Option<String>,
}

impl Default for Settings {
    /// A bell for new DMs and breaches; the rest off.
    fn default() -> Self {
        let methods = Event::ALL
            .iter()
            .map(|e| {
                (
                    *e,
                    if matches!(e, Event::Dm | Event::Breach | Event::Alert) {
                        Method::Bell
                    } else {
                        Method::Off
                    },
                )
            })
            .collect();
        Settings {
            methods,
            command: None,
        }
    }
}

impl Settings {
    pub fn method(&self, e: Event) -> Method {
        self.methods.get(&e).copied().unwrap_or(Method::Off)
    }
}

/// The bytes that notify through the terminal. The text is cleaned first: a remote post
/// must never be able to end the sequence and write its own.
pub fn sequence(method: Method, text: &str) -> Option<String> {
    let text = crate::fmt::truncate(&crate::sanitize::one_line(text), 120);
    match method {
        Method::Bell => Some("\u{7}".into()),
        Method::Osc9 => Some(format!("\u{1b}]9;{text}\u{7}")),
        Method::Osc777 => Some(format!("\u{1b}]777;notify;tinbox;{text}\u{7}")),
        Method::Off | Method::Command => None,
    }
}

/// Inside tmux an OSC sequence stops at tmux unless it is wrapped for passthrough
/// (`ESC P tmux; …ESC doubled… ESC \`, honoured with `set -g allow-passthrough on`, tmux ≥
/// 3.3). The bell needs no wrapping: tmux forwards it itself.
pub fn for_tmux(seq: &str) -> String {
    if seq == "\u{7}" {
        return seq.to_string();
    }
    format!(
        "\u{1b}Ptmux;{}\u{1b}\\",
        seq.replace('\u{1b}', "\u{1b}\u{1b}")
    )
}

/// Deliver one notification (terminal sequences to `out`, or the external command).
pub fn deliver(settings: &Settings, event: Event, text: &str, out: &mut dyn Write) {
    let method = settings.method(event);
    if let Some(mut seq) = sequence(method, text) {
        if std::env::var_os("TMUX").is_some_and(|v| !v.is_empty()) {
            seq = for_tmux(&seq);
        }
        let _ = out.write_all(seq.as_bytes()).and_then(|_| out.flush());
    } else if let (Method::Command, Some(cmd)) = (method, &settings.command) {
        let _ = command(cmd, event, text)
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn();
    }
}

/// The notification command for `event`. The message starts with a remote display name,
/// which may start with `--`: it goes in the environment, and as an argument only after
/// `--`, never where a program reads options.
fn command(cmd: &str, event: Event, text: &str) -> std::process::Command {
    let message = crate::sanitize::one_line(text);
    let mut c = std::process::Command::new("sh");
    if cmd.contains("TINBOX_") {
        c.arg("-c").arg(cmd);
    } else {
        c.arg("-c")
            .arg(format!("{cmd} -- \"$1\""))
            .arg("sh")
            .arg(&message);
    }
    c.env("TINBOX_EVENT", event.name())
        .env("TINBOX_TITLE", title(event))
        .env("TINBOX_BODY", &message);
    c
}

/// A short fixed title per event (no remote text in it).
fn title(event: Event) -> &'static str {
    match event {
        Event::Dm => "tinbox: new DM",
        Event::Mention => "tinbox: new mention",
        Event::Warn => "tinbox: waiting",
        Event::Breach => "tinbox: response time breached",
        Event::Alert => "tinbox: alert",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sequences_are_clean() {
        assert_eq!(sequence(Method::Bell, "x").as_deref(), Some("\u{7}"));
        assert_eq!(
            sequence(Method::Osc9, "New DM from Zoë").as_deref(),
            Some("\u{1b}]9;New DM from Zoë\u{7}")
        );
        let evil = "hi\u{7}\u{1b}]52;c;cHduZWQ=\u{7}\u{1b}[2J";
        let s = sequence(Method::Osc777, evil).expect("seq");
        assert_eq!(
            s, "\u{1b}]777;notify;tinbox;hi\u{7}",
            "a remote text cannot inject its own sequence"
        );
        assert_eq!(sequence(Method::Off, "x"), None);
    }

    #[test]
    fn tmux_passthrough_wraps_osc_and_leaves_the_bell() {
        let seq = sequence(Method::Osc9, "New DM").expect("seq");
        assert_eq!(
            for_tmux(&seq),
            "\u{1b}Ptmux;\u{1b}\u{1b}]9;New DM\u{7}\u{1b}\\"
        );
        assert_eq!(for_tmux("\u{7}"), "\u{7}");
        // A hostile text cannot end the wrapper early: it was cleaned before.
        let evil = sequence(Method::Osc777, "a\u{1b}\\b\u{1b}Ptmux;x").expect("seq");
        assert_eq!(for_tmux(&evil).matches("\u{1b}\\").count(), 1);
    }

    #[test]
    fn defaults_and_parsing() {
        let d = Settings::default();
        assert_eq!(
            (
                d.method(Event::Dm),
                d.method(Event::Mention),
                d.method(Event::Breach)
            ),
            (Method::Bell, Method::Off, Method::Bell)
        );
        assert_eq!("osc9".parse::<Method>(), Ok(Method::Osc9));
        assert!("loud".parse::<Method>().is_err());
    }

    /// The file `cmd` writes, once it is there (the command runs in the background).
    fn run_and_read(cmd: &str, text: &str) -> String {
        let dir = tempfile::tempdir().expect("tmp");
        let file = dir.path().join("got");
        let mut s = Settings::default();
        s.methods.insert(Event::Dm, Method::Command);
        s.command = Some(cmd.replace("FILE", &file.display().to_string()));
        deliver(&s, Event::Dm, text, &mut std::io::sink());
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
        loop {
            let got = std::fs::read_to_string(&file).unwrap_or_default();
            if !got.is_empty() {
                return got;
            }
            assert!(
                std::time::Instant::now() < deadline,
                "the command did not run"
            );
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
    }

    #[test]
    fn command_runs_with_the_message() {
        // Changed with issue 22: the message is no longer a bare `$1`; a command reads it
        // from the environment (or gets it after `--`).
        assert_eq!(
            run_and_read(
                "printf '%s|%s|%s.' \"$TINBOX_EVENT\" \"$TINBOX_TITLE\" \"$TINBOX_BODY\" > FILE",
                "New DM\u{1b}[31m from Zoë"
            ),
            "dm|tinbox: new DM|New DM from Zoë."
        );
    }

    #[test]
    fn a_name_starting_with_dashes_is_no_option() {
        // A display name such as `--help` or `-o file` comes first in a mention's message.
        let got = run_and_read("printf '[%s]' > FILE", "--output=/tmp/x: hi.");
        assert_eq!(
            got, "[--][--output=/tmp/x: hi.]",
            "the message follows `--`"
        );
    }
}
