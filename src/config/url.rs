//! The URL rule for every remote host in the config and the account commands: https, or
//! plain http to loopback only.

/// https, or plain http for loopback hosts only (tests, local servers).
pub fn check_url(url: &str) -> Result<(), String> {
    let u = reqwest::Url::parse(url).map_err(|e| format!("{url:?} is not a URL: {e}"))?;
    match u.scheme() {
        "https" => Ok(()),
        "http" if is_loopback(&u) => Ok(()),
        "http" => Err(format!(
            "{url:?} must use https (plain http is only allowed for loopback addresses)"
        )),
        other => Err(format!("{url:?}: unsupported scheme {other:?}; use https")),
    }
}

fn is_loopback(u: &reqwest::Url) -> bool {
    match u.host() {
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    }
}
