//! Serves the built client through `tower-http`'s `ServeDir`: brotli or gzip files made at
//! build time are sent to browsers that accept them, hashed assets are cached for a year, and
//! every other path is answered with the `index.html` (never cached) of the build that shows it
//! (`domain::bundle`: the physician's first pages at the root, their other pages, the door's and
//! the staff's in their folders),
//! so that the client's router takes it (SPA fallback). The Content-Security-Policy allows
//! Trunk's inline loaders by their hashes, never `unsafe-inline`.

use std::path::Path;

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::Request;
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use base64::Engine;
use domain::bundle::Bundle;
use sha2::{Digest, Sha256};
use tower_http::services::ServeDir;

/// Trunk names built files `name-<hash>…`, the hash a 64-bit number in hex without leading
/// zeros (so sometimes fewer than 16 digits); those files never change and can be cached for
/// good.
fn is_hashed(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path);
    name.split(['-', '_', '.'])
        .any(|part| (12..=16).contains(&part.len()) && part.chars().all(|c| c.is_ascii_hexdigit()))
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

/// The built client: a router for every path outside `/api`, and the CSP its page needs.
pub struct Client {
    /// Serves files, falls back to the page.
    pub router: Router,
    /// The Content-Security-Policy that the page works under.
    pub csp: String,
}

/// The page of each build, read once; a build that is missing is answered by the physician's
/// (a development build of all audiences at the root shows every page).
#[derive(Clone)]
struct Pages {
    physician: Bytes,
    records: Bytes,
    door: Bytes,
    staff: Bytes,
}

impl Pages {
    fn read(dir: &Path) -> Pages {
        let read = |bundle: Bundle| std::fs::read(dir.join(bundle.dir()).join("index.html")).ok();
        let physician = read(Bundle::Physician).map(Bytes::from).unwrap_or_else(|| {
            tracing::warn!(dir = %dir.display(), "no built client found; API only");
            Bytes::from(not_built())
        });
        let or_physician = |b: Option<Vec<u8>>| b.map(Bytes::from).unwrap_or(physician.clone());
        Pages {
            records: or_physician(read(Bundle::Records)),
            door: or_physician(read(Bundle::Door)),
            staff: or_physician(read(Bundle::Staff)),
            physician,
        }
    }

    fn of(&self, bundle: Bundle) -> &Bytes {
        match bundle {
            Bundle::Physician => &self.physician,
            Bundle::Records => &self.records,
            Bundle::Door => &self.door,
            Bundle::Staff => &self.staff,
        }
    }
}

/// Reads each build's `index.html` once (for the fallback and the CSP) and serves the folder.
pub fn client(dir: &Path) -> Client {
    let pages = Pages::read(dir);
    let all: String = Bundle::ALL
        .iter()
        .map(|b| String::from_utf8_lossy(pages.of(*b)).into_owned())
        .collect();
    let csp = content_security_policy(&all);
    let page = move |request: Request| {
        let pages = pages.clone();
        async move {
            let html = pages.of(Bundle::of_path(request.uri().path())).clone();
            (
                StatusCode::OK,
                [
                    (
                        header::CONTENT_TYPE,
                        HeaderValue::from_static("text/html; charset=utf-8"),
                    ),
                    (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
                ],
                Body::from(html),
            )
                .into_response()
        }
    };
    let files = ServeDir::new(dir)
        .precompressed_br()
        .precompressed_gzip()
        .append_index_html_on_directories(false)
        .fallback(axum::routing::get(page.clone()));
    let router = Router::new()
        .route("/", axum::routing::get(page.clone()))
        .route("/index.html", axum::routing::get(page))
        .fallback_service(files)
        .layer(middleware::from_fn(cache_by_name));
    Client { router, csp }
}

/// Hashed files are immutable; other files are revalidated; the page sets its own.
async fn cache_by_name(request: Request, next: Next) -> Response {
    let hashed = is_hashed(request.uri().path());
    let mut response = next.run(request).await;
    if response.status().is_success() && !response.headers().contains_key(header::CACHE_CONTROL) {
        let value = if hashed {
            "public, max-age=31536000, immutable"
        } else {
            "no-cache"
        };
        response
            .headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static(value));
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trunk_hashed_names_are_recognised() {
        assert!(is_hashed("app-2c4f7e1d9a3b5c6d_bg.wasm"));
        assert!(is_hashed("style-2c4f7e1d9a3b5c6d.css"));
        // A hash whose first hex digit would be 0 has 15 digits.
        assert!(is_hashed("_door/app-ca0440d872f911a_bg.wasm"));
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
