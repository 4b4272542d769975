//! Connecting an account: app registration and the out-of-band authorization-code flow,
//! which works over SSH (the user opens the URL anywhere and pastes the code back).

use serde::Deserialize;

use super::api::Account;
use super::http::Api;
use crate::channels::ChannelError;

pub const OOB: &str = "urn:ietf:wg:oauth:2.0:oob";
pub const SCOPES: &str = "read write:statuses write:conversations";

#[derive(Debug, Clone, Deserialize)]
pub struct AppRegistration {
    pub client_id: String,
    pub client_secret: String,
}

fn malformed(what: &str, e: serde_json::Error) -> ChannelError {
    ChannelError::Malformed(format!("{what}: {e}"))
}

/// `POST /api/v1/apps`.
pub async fn register_app(
    instance: &str,
    client_name: &str,
) -> Result<AppRegistration, ChannelError> {
    let api = Api::new(instance, None)?;
    let form = [
        ("client_name", client_name),
        ("redirect_uris", OOB),
        ("scopes", SCOPES),
        ("website", "https://tinbox.invalid"),
    ];
    let page = api.post_form("/api/v1/apps", &form, None).await?;
    serde_json::from_slice(&page.body).map_err(|e| malformed("app registration", e))
}

/// The page where the user approves tinbox and gets a code.
pub fn authorize_url(instance: &str, app: &AppRegistration) -> Result<String, ChannelError> {
    let api = Api::new(instance, None)?;
    let mut u = api.url("/oauth/authorize");
    u.query_pairs_mut()
        .append_pair("client_id", &app.client_id)
        .append_pair("redirect_uri", OOB)
        .append_pair("response_type", "code")
        .append_pair("scope", SCOPES);
    Ok(u.to_string())
}

/// `POST /oauth/token` with the pasted code; returns the access token.
pub async fn exchange_code(
    instance: &str,
    app: &AppRegistration,
    code: &str,
) -> Result<String, ChannelError> {
    #[derive(Deserialize)]
    struct Token {
        access_token: String,
    }
    let api = Api::new(instance, None)?;
    let form = [
        ("grant_type", "authorization_code"),
        ("code", code.trim()),
        ("client_id", app.client_id.as_str()),
        ("client_secret", app.client_secret.as_str()),
        ("redirect_uri", OOB),
        ("scope", SCOPES),
    ];
    let page = api.post_form("/oauth/token", &form, None).await?;
    let t: Token = serde_json::from_slice(&page.body).map_err(|e| malformed("token", e))?;
    Ok(t.access_token)
}

/// `GET /api/v1/accounts/verify_credentials`: proves the token works.
pub async fn verify_credentials(instance: &str, token: &str) -> Result<Account, ChannelError> {
    let api = Api::new(instance, Some(token.to_string()))?;
    let page = api
        .get(api.url("/api/v1/accounts/verify_credentials"))
        .await?;
    serde_json::from_slice(&page.body).map_err(|e| malformed("verify_credentials", e))
}
