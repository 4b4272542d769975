//! The password of a team store, looked up the way PostgreSQL users expect: in the URL, from
//! the configured `password_cmd`, from `PGPASSWORD`, or from the password file (`PGPASSFILE`,
//! else `~/.pgpass`; ignored, as libpq does, when others can read it).

use std::path::{Path, PathBuf};

/// Where the password came from (for `tinbox db` messages; never the password itself).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    Url,
    Command,
    Env,
    File(PathBuf),
    None,
}

/// The parts of a `postgres://` URL a password file is matched on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    pub host: String,
    pub port: u16,
    pub db: String,
    pub user: String,
}

impl Target {
    /// Read the target from the URL, with libpq's defaults (localhost, 5432, db = user,
    /// user = the login name). `Err` names what is wrong with the URL.
    pub fn from_url(url: &str) -> Result<(Target, bool), String> {
        let u = url::Url::parse(url).map_err(|e| format!("not a valid URL: {e}"))?;
        if !matches!(u.scheme(), "postgres" | "postgresql") {
            return Err("must start with postgres://".into());
        }
        let user = match u.username() {
            "" => login_name(),
            name => percent_decode(name),
        };
        let db = match u.path().trim_start_matches('/') {
            "" => user.clone(),
            d => percent_decode(d),
        };
        let target = Target {
            host: u.host_str().unwrap_or("localhost").to_string(),
            port: u.port().unwrap_or(5432),
            db,
            user,
        };
        Ok((target, u.password().is_some()))
    }
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && let (Some(h), Some(l)) = (hex(bytes[i + 1]), hex(bytes[i + 2]))
        {
            out.push((h * 16 + l) as u8);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The login name (libpq's default user).
pub fn login_name() -> String {
    std::env::var("USER")
        .or_else(|_| std::env::var("LOGNAME"))
        .unwrap_or_else(|_| "postgres".into())
}

/// Find the password for `url`: `(None, Source::Url)` when the URL carries it.
pub fn lookup(url: &str, password_cmd: Option<&str>) -> Result<(Option<String>, Source), String> {
    let (target, in_url) = Target::from_url(url)?;
    if in_url {
        return Ok((None, Source::Url));
    }
    if let Some(cmd) = password_cmd {
        let pw = crate::secrets::run_secret_command("store.password_cmd", cmd)
            .map_err(|e| e.to_string())?;
        return Ok((Some(pw), Source::Command));
    }
    if let Some(pw) = std::env::var("PGPASSWORD").ok().filter(|p| !p.is_empty()) {
        return Ok((Some(pw), Source::Env));
    }
    let file = std::env::var_os("PGPASSFILE")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| Path::new(&h).join(".pgpass")));
    if let Some(file) = file
        && let Some(pw) = from_file(&file, &target)
    {
        return Ok((Some(pw), Source::File(file)));
    }
    Ok((None, Source::None))
}

/// The password for `target` in a password file, if the file is private and has a match.
pub fn from_file(path: &Path, target: &Target) -> Option<String> {
    use std::os::unix::fs::PermissionsExt;
    let meta = std::fs::metadata(path).ok()?;
    if meta.permissions().mode() & 0o077 != 0 {
        tracing::warn!(
            "ignoring {}: others can read it (chmod 600 it)",
            path.display()
        );
        return None;
    }
    let text = std::fs::read_to_string(path).ok()?;
    find(&text, target)
}

/// The first matching line of a password file (`host:port:db:user:password`, `*` matches
/// anything, `\:` and `\\` escape).
pub fn find(text: &str, target: &Target) -> Option<String> {
    let port = target.port.to_string();
    let wanted = [
        target.host.as_str(),
        port.as_str(),
        target.db.as_str(),
        target.user.as_str(),
    ];
    text.lines()
        .filter(|l| !l.trim_start().starts_with('#') && !l.trim().is_empty())
        .find_map(|line| {
            let fields = split(line);
            if fields.len() != 5 {
                return None;
            }
            let host_ok = |f: &str, want: &str| {
                f == "*" || f == want || (f == "localhost" && want == "127.0.0.1")
            };
            let matches = fields[..4]
                .iter()
                .zip(wanted)
                .enumerate()
                .all(|(i, (f, w))| {
                    if i == 0 {
                        host_ok(f, w)
                    } else {
                        f == "*" || f == w
                    }
                });
            matches.then(|| fields[4].clone())
        })
}

fn split(line: &str) -> Vec<String> {
    let mut fields = vec![String::new()];
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                if let Some(n) = chars.next()
                    && let Some(f) = fields.last_mut()
                {
                    f.push(n);
                }
            }
            ':' => fields.push(String::new()),
            c => {
                if let Some(f) = fields.last_mut() {
                    f.push(c);
                }
            }
        }
    }
    fields
}

/// The URL without its password, for messages and logs.
pub fn redact(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut u) if u.password().is_some() => {
            let _ = u.set_password(Some("***"));
            u.to_string()
        }
        Ok(u) => u.to_string(),
        Err(_) => "(invalid URL)".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn target() -> Target {
        Target {
            host: "db.example".into(),
            port: 5432,
            db: "tinbox".into(),
            user: "kim".into(),
        }
    }

    #[test]
    fn url_defaults_follow_libpq() {
        let (t, pw) = Target::from_url("postgres://kim@db.example/tinbox").expect("url");
        assert_eq!(t, target());
        assert!(!pw);
        let (t, pw) = Target::from_url("postgresql://kim:se%3Acret@10.0.0.5:6000").expect("url");
        assert_eq!(
            (t.host.as_str(), t.port, t.db.as_str()),
            ("10.0.0.5", 6000, "kim")
        );
        assert!(pw);
        assert!(Target::from_url("mysql://x@y/z").is_err());
    }

    #[test]
    fn password_file_lines_match_with_wildcards_and_escapes() {
        let file = "# team db\n\
                    other.host:5432:tinbox:kim:wrong\n\
                    db.example:*:tinbox:kim:pa\\:ss\\\\word\n\
                    *:*:*:*:fallback\n";
        assert_eq!(find(file, &target()).as_deref(), Some("pa:ss\\word"));
        let mut t = target();
        t.user = "sam".into();
        assert_eq!(find(file, &t).as_deref(), Some("fallback"));
        assert_eq!(find("db.example:5432:tinbox:kim\n", &target()), None);
    }

    #[test]
    fn a_password_file_others_can_read_is_ignored() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().expect("tmp");
        let path = dir.path().join("pgpass");
        std::fs::write(&path, "*:*:*:*:secret\n").expect("write");
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).expect("chmod");
        assert_eq!(from_file(&path, &target()), None);
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).expect("chmod");
        assert_eq!(from_file(&path, &target()).as_deref(), Some("secret"));
    }

    #[test]
    fn redacted_urls_hide_the_password() {
        let r = redact("postgres://kim:hunter2@db/tinbox");
        assert!(!r.contains("hunter2"), "{r}");
        assert!(r.contains("kim"), "{r}");
    }
}
