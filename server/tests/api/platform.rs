//! Health, errors, the SPA fallback and security headers.

use reqwest::StatusCode;

use crate::helpers::{TestApp, json, rendered};

#[tokio::test]
async fn health_reports_the_database_is_reachable() {
    let app = TestApp::spawn().await;
    let (status, body) = json(
        app.client()
            .get(app.url("/api/health"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["status"], "ok");
}

#[tokio::test]
async fn liveness_and_readiness_answer_for_load_balancers() {
    let app = TestApp::spawn().await;
    let get = async |path: &str| json(app.client().get(app.url(path)).send().await.unwrap()).await;
    let (status, body) = get("/api/health/live").await;
    assert_eq!((status, &body["status"]), (StatusCode::OK, &"live".into()));
    let (status, body) = get("/api/health/ready").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["database"], "ok");
    assert_eq!(body["documents"], "ok");
}

#[tokio::test]
async fn readiness_is_503_while_the_document_folder_cannot_be_read() {
    let app = TestApp::spawn().await;
    let server::storage::Location::Folder(dir) = &app.documents else {
        return; // The bucket's case is in instances.rs.
    };
    std::fs::remove_dir_all(dir).unwrap();
    std::fs::write(dir, b"not a folder").unwrap();
    let (status, body) = json(
        app.client()
            .get(app.url("/api/health/ready"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{body}");
    assert_eq!(body["documents"], "unavailable");
}

#[tokio::test]
async fn an_unknown_api_path_answers_json_404_never_the_html_page() {
    let app = TestApp::spawn().await;
    let r = app
        .client()
        .get(app.url("/api/no/such/thing"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.headers()["content-type"], "application/json");
    let (status, body) = json(r).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(body["error"]["code"], "not_found");
    assert!(rendered(&body["error"]["message"], domain::Lang::Ja).contains("見つかりません"));
}

#[tokio::test]
async fn other_paths_fall_back_to_the_client_page_which_is_never_cached() {
    let app = TestApp::spawn().await;
    let r = app
        .client()
        .get(app.url("/mypage/credits"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.headers()["cache-control"], "no-store");
    assert!(
        r.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
}

#[tokio::test]
async fn every_response_carries_the_security_headers() {
    let app = TestApp::spawn().await;
    let r = app
        .client()
        .get(app.url("/api/health"))
        .send()
        .await
        .unwrap();
    let h = r.headers();
    let csp = h["content-security-policy"].to_str().unwrap();
    assert!(csp.contains("frame-ancestors 'none'"));
    let scripts = csp
        .split(';')
        .find(|d| d.trim().starts_with("script-src"))
        .unwrap();
    assert!(!scripts.contains("unsafe-inline"));
    assert_eq!(h["x-content-type-options"], "nosniff");
    assert_eq!(h["referrer-policy"], "same-origin");
}

#[tokio::test]
async fn a_malformed_body_gets_the_json_error_shape() {
    let app = TestApp::spawn().await;
    let r = app
        .client()
        .post(app.url("/api/auth/login"))
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .unwrap();
    let (status, body) = json(r).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["error"]["code"], "bad_request");
}

#[tokio::test]
async fn responses_are_compressed_when_the_browser_accepts_it() {
    let app = TestApp::spawn().await;
    let client = reqwest::Client::new();
    let r = client
        .get(app.url("/mypage"))
        .header("accept-encoding", "gzip")
        .send()
        .await
        .unwrap();
    // The fallback page is tiny without a built client; compression applies to larger bodies,
    // so ask for a JSON list that is large enough instead when the demo is loaded.
    assert_eq!(r.status(), StatusCode::OK);
    let demo = TestApp::spawn_with(true).await;
    let r = client
        .get(demo.url("/api/sessions"))
        .header("accept-encoding", "gzip")
        .send()
        .await
        .unwrap();
    assert_eq!(
        r.headers()
            .get("content-encoding")
            .map(|v| v.to_str().unwrap()),
        Some("gzip")
    );
}

#[tokio::test]
async fn built_files_are_sent_precompressed_and_hashed_ones_are_cached_for_good() {
    let dist = tempfile::tempdir().unwrap();
    let index = "<!doctype html><script type=\"module\">import init from '/app-0123456789abcdef.js';init();</script>";
    std::fs::write(dist.path().join("index.html"), index).unwrap();
    let js = "export default function init() {}\n".repeat(50);
    std::fs::write(dist.path().join("app-0123456789abcdef.js"), &js).unwrap();
    // What the build writes beside each file (the bytes need not be real brotli for this test).
    std::fs::write(
        dist.path().join("app-0123456789abcdef.js.br"),
        b"brotli bytes",
    )
    .unwrap();
    std::fs::write(
        dist.path().join("sw.js"),
        "self.addEventListener('fetch', () => {});",
    )
    .unwrap();
    let dist_dir = dist.path().to_path_buf();
    let app = TestApp::spawn_configured(false, move |s| s.dist_dir = dist_dir).await;
    let client = reqwest::Client::builder()
        .no_brotli()
        .no_gzip()
        .build()
        .unwrap();
    let get = |path: &str, encoding: &str| {
        client
            .get(app.url(path))
            .header("accept-encoding", encoding)
            .send()
    };
    let r = get("/app-0123456789abcdef.js", "br, gzip").await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.headers()["content-encoding"], "br");
    assert_eq!(
        r.headers()["cache-control"],
        "public, max-age=31536000, immutable"
    );
    assert!(
        r.headers()["content-type"]
            .to_str()
            .unwrap()
            .contains("javascript")
    );
    assert_eq!(r.bytes().await.unwrap().as_ref(), b"brotli bytes");
    let r = get("/app-0123456789abcdef.js", "identity").await.unwrap();
    assert!(r.headers().get("content-encoding").is_none());
    assert_eq!(r.text().await.unwrap(), js);
    let r = get("/sw.js", "identity").await.unwrap();
    assert_eq!(r.headers()["cache-control"], "no-cache");
    for path in ["/", "/index.html", "/mypage/history"] {
        let r = get(path, "identity").await.unwrap();
        assert_eq!(r.status(), StatusCode::OK, "{path}");
        assert_eq!(r.headers()["cache-control"], "no-store", "{path}");
        let csp = r.headers()["content-security-policy"]
            .to_str()
            .unwrap()
            .to_owned();
        assert!(
            csp.contains("'sha256-"),
            "{path}: the inline loader is allowed by hash"
        );
        assert_eq!(r.text().await.unwrap(), index, "{path}");
    }
    assert_eq!(
        get("/no-such-file-0123456789abcdef.js", "identity")
            .await
            .unwrap()
            .headers()["cache-control"],
        "no-store",
        "an unknown path gets the page, never cached"
    );
}

#[tokio::test]
async fn the_api_description_is_openapi_3_1_and_names_every_operation_with_the_domain_types() {
    let app = TestApp::spawn().await;
    let (status, headers, body) = app.api().get_raw("/api/openapi.json").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers["content-type"], "application/json");
    let doc: serde_json::Value = serde_json::from_slice(&body).expect("JSON");
    assert!(doc["openapi"].as_str().unwrap().starts_with("3.1"));
    assert_eq!(doc["servers"][0]["url"], "/api");
    let paths = doc["paths"].as_object().expect("paths");
    let operations: usize = paths
        .values()
        .map(|p| p.as_object().map_or(0, |o| o.len()))
        .sum();
    assert!(operations >= 80, "{operations} operations");
    let login = &paths["/auth/login"]["post"];
    assert_eq!(
        login["requestBody"]["content"]["application/json"]["schema"]["$ref"],
        "#/components/schemas/LoginRequest"
    );
    assert_eq!(
        login["responses"]["200"]["content"]["application/json"]["schema"]["$ref"],
        "#/components/schemas/LoginAnswer"
    );
    assert_eq!(
        login["responses"]["default"]["content"]["application/json"]["schema"]["$ref"],
        "#/components/schemas/ErrorBody"
    );
    let schemas = doc["components"]["schemas"].as_object().expect("schemas");
    for name in [
        "MyPage",
        "Decision",
        "ApplicationForm",
        "ScanRequest",
        "AuditEntry",
        "Role",
    ] {
        assert!(schemas.contains_key(name), "{name} is described");
    }
    // A code enum lists its codes.
    assert!(
        schemas["Role"]["enum"]
            .as_array()
            .expect("codes")
            .contains(&serde_json::json!("prefectural_staff"))
    );
}
