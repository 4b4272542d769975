//! X's PIN-based (out-of-band) OAuth 1.0a flow for command-line apps: a request token with
//! `oauth_callback=oob`, the user opens the authorize address anywhere (works over SSH) and
//! types the PIN X shows, which is exchanged for the user's access token and secret.

use std::time::Duration;

use reqwest::Url;

use super::oauth1::{self, Keys, Stamp};
use crate::channels::ChannelError;
use crate::channels::net::{api_client_with, network_message, read_capped};

/// The user's credentials at the end of the flow.
#[derive(Clone)]
pub struct Access {
    pub token: String,
    pub secret: String,
    pub user_id: String,
    pub screen_name: String,
}

fn endpoint(api: &str, path: &str) -> Result<Url, ChannelError> {
    crate::config::check_url(api).map_err(ChannelError::Rejected)?;
    Url::parse(&format!("{}/{path}", api.trim_end_matches('/')))
        .map_err(|e| ChannelError::Rejected(e.to_string()))
}

/// A signed POST without a body; the form-encoded answer's fields.
async fn post(
    url: Url,
    keys: &Keys,
    extra: &[(&str, &str)],
) -> Result<Vec<(String, String)>, ChannelError> {
    let auth = oauth1::header(keys, "POST", url.as_str(), &[], extra, &Stamp::now());
    let req = api_client_with(Duration::from_secs(30))?
        .post(url)
        .header(reqwest::header::AUTHORIZATION, auth);
    let (resp, _permit) = crate::channels::net::send(req)
        .await
        .map_err(|e| ChannelError::Network(network_message(&e)))?;
    let status = resp.status().as_u16();
    let body = read_capped(resp, 64 * 1024, "X's token answer").await?;
    let text = String::from_utf8_lossy(&body).into_owned();
    if !(200..300).contains(&status) {
        let why = super::api::problem_in(&body).map_or(text, |p| p.text());
        return Err(match status {
            401 | 403 => ChannelError::Auth(why),
            _ => ChannelError::Rejected(format!("HTTP {status}: {why}")),
        });
    }
    Ok(oauth1::parse_form(&text))
}

fn field(fields: &[(String, String)], name: &str) -> Result<String, ChannelError> {
    fields
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.clone())
        .ok_or_else(|| ChannelError::Malformed(format!("X's token answer has no {name}")))
}

/// Step 1: a request token (and its secret) for the app.
pub async fn request_token(
    api: &str,
    consumer_key: &str,
    consumer_secret: &str,
) -> Result<(String, String), ChannelError> {
    let keys = Keys {
        consumer_key: consumer_key.into(),
        consumer_secret: consumer_secret.into(),
        token: String::new(),
        token_secret: String::new(),
    };
    let f = post(
        endpoint(api, "oauth/request_token")?,
        &keys,
        &[("oauth_callback", "oob")],
    )
    .await?;
    Ok((field(&f, "oauth_token")?, field(&f, "oauth_token_secret")?))
}

/// Step 2: where the user approves the app and reads the PIN.
pub fn authorize_url(api: &str, request_token: &str) -> Result<Url, ChannelError> {
    let mut u = endpoint(api, "oauth/authorize")?;
    u.query_pairs_mut()
        .append_pair("oauth_token", request_token);
    Ok(u)
}

/// Step 3: the PIN for the user's access token.
pub async fn access_token(
    api: &str,
    consumer_key: &str,
    consumer_secret: &str,
    request: (&str, &str),
    pin: &str,
) -> Result<Access, ChannelError> {
    let keys = Keys {
        consumer_key: consumer_key.into(),
        consumer_secret: consumer_secret.into(),
        token: request.0.into(),
        token_secret: request.1.into(),
    };
    let f = post(
        endpoint(api, "oauth/access_token")?,
        &keys,
        &[("oauth_verifier", pin.trim())],
    )
    .await?;
    Ok(Access {
        token: field(&f, "oauth_token")?,
        secret: field(&f, "oauth_token_secret")?,
        user_id: field(&f, "user_id").unwrap_or_default(),
        screen_name: field(&f, "screen_name").unwrap_or_default(),
    })
}
