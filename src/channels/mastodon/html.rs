//! Mastodon status content to readable plain text.

use super::api::Status;
use crate::html::to_text;
use crate::sanitize;

/// The full text of a status as shown in the inbox: content warning first, the text, then
/// media and poll options.
pub fn status_text(s: &Status) -> String {
    let mut parts = Vec::new();
    if let Some(cw) = s
        .spoiler_text
        .as_deref()
        .map(str::trim)
        .filter(|c| !c.is_empty())
    {
        parts.push(format!("CW: {}", sanitize::one_line(cw)));
    }
    let body = to_text(s.content.as_deref().unwrap_or(""));
    if !body.is_empty() {
        parts.push(body);
    }
    for m in &s.media_attachments {
        let kind = match m.kind.as_deref() {
            Some("gifv") => "gif",
            Some(k) if !k.is_empty() && k != "unknown" => k,
            _ => "attachment",
        };
        match m
            .description
            .as_deref()
            .map(str::trim)
            .filter(|d| !d.is_empty())
        {
            Some(d) => parts.push(format!("[{kind}: {}]", sanitize::one_line(d))),
            None => parts.push(format!("[{kind}]")),
        }
    }
    if let Some(poll) = &s.poll {
        let opts: Vec<String> = poll
            .options
            .iter()
            .map(|o| format!("○ {}", sanitize::one_line(&o.title)))
            .collect();
        if !opts.is_empty() {
            parts.push(opts.join("\n"));
        }
    }
    parts.join("\n")
}
