//! Editing a reply in the user's own editor (`$VISUAL`, `$EDITOR`, else `vi`).

use std::io::Write;

/// Write `text` to a private temp file, run the editor on it, and read it back.
pub async fn edit(text: &str) -> Result<String, String> {
    let editor = std::env::var("VISUAL")
        .ok()
        .filter(|v| !v.trim().is_empty())
        .or_else(|| {
            std::env::var("EDITOR")
                .ok()
                .filter(|v| !v.trim().is_empty())
        })
        .unwrap_or_else(|| "vi".into());
    let mut file = tempfile::Builder::new()
        .prefix("tinbox-reply-")
        .suffix(".txt")
        .tempfile()
        .map_err(|e| format!("cannot create a temporary file: {e}"))?;
    file.write_all(text.as_bytes())
        .and_then(|_| file.flush())
        .map_err(|e| e.to_string())?;
    let path = file.path().to_path_buf();
    // Through the shell, so EDITOR="code --wait" works; the path is passed as an argument.
    let status = tokio::process::Command::new("sh")
        .arg("-c")
        .arg(format!("{editor} \"$1\""))
        .arg("sh")
        .arg(&path)
        .status()
        .await
        .map_err(|e| format!("cannot run {editor}: {e}"))?;
    if !status.success() {
        return Err(format!("{editor} exited with {status}"));
    }
    std::fs::read_to_string(&path).map_err(|e| format!("cannot read the edited text: {e}"))
}
