//! Serves the built client: hashed assets cached for a year, `index.html` never cached, every
//! other path answered with `index.html` so the client's router can take it (SPA fallback).
//! The Content-Security-Policy allows Trunk's inline loader by its hash, never `unsafe-inline`.

use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;

use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use base64::Engine;
use sha2::{Digest, Sha256};

/// The client files, read once at start-up.
#[derive(Debug, Default)]
pub struct Assets {
    // Bytes: every response shares the one copy read at start-up.
    files: HashMap<String, (Bytes, &'static str)>,
    index: Bytes,
    /// The Content-Security-Policy that the index page works under.
    pub csp: String,
}

fn content_type(path: &str) -> &'static str {
    match path.rsplit('.').next().unwrap_or("") {
        "html" => "text/html; charset=utf-8",
        "js" => "text/javascript; charset=utf-8",
        "wasm" => "application/wasm",
        "css" => "text/css; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "ico" => "image/x-icon",
        "json" | "webmanifest" => "application/json",
        "txt" => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

/// Trunk names built files `name-<16 hex>…`; those never change and can be cached for good.
fn is_hashed(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path);
    name.split(['-', '_', '.'])
        .any(|part| part.len() == 16 && part.chars().all(|c| c.is_ascii_hexdigit()))
}

/// Hashes of inline `<script>` elements, for the CSP.
fn inline_script_hashes(html: &str) -> Vec<String> {
    let mut hashes = Vec::new();
    let mut rest = html;
    while let Some(start) = rest.find("<script") {
        let after = &rest[start..];
        let Some(tag_end) = after.find('>') else {
            break;
        };
        let tag = &after[..tag_end];
        let body_start = tag_end + 1;
        let Some(close) = after[body_start..].find("</script>") else {
            break;
        };
        let body = &after[body_start..body_start + close];
        if !tag.contains(" src=") && !body.trim().is_empty() {
            let digest = Sha256::digest(body.as_bytes());
            hashes.push(format!(
                "'sha256-{}'",
                base64::engine::general_purpose::STANDARD.encode(digest)
            ));
        }
        rest = &after[body_start + close..];
    }
    hashes
}

/// The policy: own origin only, wasm compilation allowed, inline scripts only by hash.
pub fn content_security_policy(index_html: &str) -> String {
    let hashes = inline_script_hashes(index_html).join(" ");
    format!(
        "default-src 'self'; script-src 'self' 'wasm-unsafe-eval' {hashes}; style-src 'self' 'unsafe-inline'; \
         img-src 'self' data: blob:; media-src 'self' blob:; connect-src 'self'; font-src 'self'; \
         object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
    )
}

/// The page shown when the client is not built (for whoever runs the server).
fn not_built() -> String {
    use domain::{Lang, i18n::t};
    format!(
        "<!doctype html><meta charset=utf-8><title>Nintei</title><p lang=ja>{}<p lang=en>{}",
        t(Lang::Ja, "web.not_built"),
        t(Lang::En, "web.not_built")
    )
}

impl Assets {
    /// Reads every file of the dist folder; a missing folder gives a page that says to build.
    pub fn load(dir: &Path) -> Assets {
        let mut files = HashMap::new();
        let mut stack = vec![dir.to_path_buf()];
        while let Some(d) = stack.pop() {
            let Ok(entries) = std::fs::read_dir(&d) else {
                continue;
            };
            for entry in entries.flatten() {
                let path = entry.path();
                if path.is_dir() {
                    stack.push(path);
                } else if let (Ok(rel), Ok(bytes)) = (path.strip_prefix(dir), std::fs::read(&path))
                {
                    let key = rel.to_string_lossy().replace('\\', "/");
                    let ct = content_type(&key);
                    files.insert(key, (Bytes::from(bytes), ct));
                }
            }
        }
        let index = files
            .remove("index.html")
            .map(|(b, _)| b)
            .unwrap_or_else(|| {
                tracing::warn!(dir = %dir.display(), "no built client found; API only");
                Bytes::from(not_built())
            });
        let csp = content_security_policy(&String::from_utf8_lossy(&index));
        Assets { files, index, csp }
    }
}

/// Answers every path outside `/api`.
pub async fn serve(State(assets): State<Arc<Assets>>, uri: Uri) -> Response {
    let path = uri.path().trim_start_matches('/');
    if let Some((bytes, ct)) = assets.files.get(path) {
        let cache = if is_hashed(path) {
            "public, max-age=31536000, immutable"
        } else {
            "no-cache"
        };
        return (
            StatusCode::OK,
            [
                (header::CONTENT_TYPE, HeaderValue::from_static(ct)),
                (header::CACHE_CONTROL, HeaderValue::from_static(cache)),
            ],
            Body::from(bytes.clone()),
        )
            .into_response();
    }
    (
        StatusCode::OK,
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/html; charset=utf-8"),
            ),
            (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
        ],
        Body::from(assets.index.clone()),
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trunk_hashed_names_are_recognised() {
        assert!(is_hashed("app-2c4f7e1d9a3b5c6d_bg.wasm"));
        assert!(is_hashed("style-2c4f7e1d9a3b5c6d.css"));
        assert!(!is_hashed("favicon.png"));
    }

    #[test]
    fn inline_loader_scripts_are_allowed_by_hash_only() {
        let csp = content_security_policy(
            "<script type=\"module\">import init from '/a.js';</script><script src=\"/x.js\"></script>",
        );
        let scripts = csp
            .split(';')
            .find(|d| d.trim().starts_with("script-src"))
            .unwrap();
        assert_eq!(
            scripts.matches("'sha256-").count(),
            1,
            "one inline script, one hash"
        );
        assert!(!scripts.contains("unsafe-inline"));
    }
}
