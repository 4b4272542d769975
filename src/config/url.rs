//! The URL rule for every remote host in the config and the account commands: https, or
//! plain http to loopback only.

/// An address typed without a scheme (`mastodon.social`, `bsky.example:8443/`) means https;
/// plain http is never assumed, it has to be written (and is for loopback only).
pub fn assume_https(url: &str) -> String {
    let url = url.trim();
    if url.contains("://") {
        url.to_string()
    } else {
        format!("https://{url}")
    }
}

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
        // Non-http schemes (imap://, smtp://) leave an IP address as a "domain".
        Some(url::Host::Domain(d)) => {
            d.eq_ignore_ascii_case("localhost")
                || d.trim_start_matches('[')
                    .trim_end_matches(']')
                    .parse::<std::net::IpAddr>()
                    .is_ok_and(|ip| ip.is_loopback())
        }
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    }
}

/// A mail server's URL: one of `schemes` (`imaps`/`imap`, `smtps`/`smtp`) and a host. The
/// clear-text schemes mean STARTTLS, required, except to loopback (see the email channel).
pub fn check_mail_url(url: &str, schemes: &[&str]) -> Result<(), String> {
    let u = reqwest::Url::parse(url).map_err(|e| format!("{url:?} is not a URL: {e}"))?;
    if !schemes.contains(&u.scheme()) {
        return Err(format!(
            "{url:?}: unsupported scheme {:?}; use {}",
            u.scheme(),
            schemes.join(":// or ") + "://"
        ));
    }
    if u.host().is_none() {
        return Err(format!("{url:?} names no host"));
    }
    Ok(())
}

/// The URL's host is this machine.
pub fn is_loopback_url(url: &str) -> bool {
    reqwest::Url::parse(url).is_ok_and(|u| is_loopback(&u))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_address_without_a_scheme_is_https() {
        assert_eq!(assume_https("mastodon.social"), "https://mastodon.social");
        assert_eq!(assume_https(" localhost:8080/ "), "https://localhost:8080/");
        assert_eq!(assume_https("http://127.0.0.1:9"), "http://127.0.0.1:9");
        assert_eq!(check_url(&assume_https("mastodon.social")), Ok(()));
    }
}
