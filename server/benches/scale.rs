//! `make bench-scale`: the hot requests at 3,400 and at 340,000 physicians, on SQLite and on
//! PostgreSQL (issue #12). For each database and size it seeds a fresh database with
//! `nintei admin seed-scale`, starts the release server on it and measures:
//!
//! - My Page (`GET /api/mypage`) at a fixed arrival rate (open loop: each request is due at its
//!   own time and its latency counts from then, so a stalled server cannot hide its queue), 64
//!   physicians in turn: p50, p99 and the requests per second served;
//! - My Page closed loop with 16 connections: the most requests per second;
//! - the review queue of the largest prefecture (Tokyo's staff) and of JMA, and the nationwide
//!   session search from a year ago, one request after another: p50 and p99 (the seed makes
//!   at least 2,000 applications and 2,000 sessions, so each of these answers a full page at
//!   every size and the figures compare the same work on tables of different sizes);
//! - posting a session that 1,000 physicians attended.
//!
//! Then it prints each figure's ratio (340,000 ÷ 3,400; target at most 1.2) and exits non-zero
//! when a ratio is over. Settings (environment): `NINTEI_BIN` (the release binary),
//! `BENCH_DATABASES` (`sqlite,postgres`), `BENCH_SIZES` (`3400,340000`), `BENCH_RATE` (500),
//! `BENCH_SECONDS` (10), `BENCH_PG_URL` (`postgres://postgres@127.0.0.1:5432`, a server where
//! the database `nintei_scale` may be dropped and made again).

use std::collections::BTreeMap;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{FixedOffset, Utc};
use reqwest::Client;
use serde_json::{Value, json};

const PASSWORD: &str = "nintei-demo-2026";
const PHYSICIANS_SIGNED_IN: u32 = 64;
const CLOSED_LOOP_CONNECTIONS: usize = 16;
const SEQUENTIAL_REQUESTS: usize = 200;
const ATTENDEES: u32 = 1_000;
const RATIO_TARGET: f64 = 1.2;

type Figures = BTreeMap<&'static str, f64>;

#[tokio::main]
async fn main() {
    let bin = std::env::var("NINTEI_BIN").unwrap_or_else(|_| "target/release/nintei".into());
    let databases = env_list("BENCH_DATABASES", "sqlite,postgres");
    let sizes: Vec<u32> = env_list("BENCH_SIZES", "3400,340000")
        .iter()
        .map(|s| s.parse().expect("BENCH_SIZES: numbers"))
        .collect();
    let rate: u32 = env_num("BENCH_RATE", 500);
    let seconds: u64 = env_num("BENCH_SECONDS", 10);
    let pg = std::env::var("BENCH_PG_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432".into());

    let mut all: Vec<(String, u32, Figures)> = Vec::new();
    for database in &databases {
        for &size in &sizes {
            println!("== {database}, {size} physicians");
            let figures = run(&bin, database, &pg, size, rate, seconds).await;
            for (name, value) in &figures {
                println!("   {name:<34} {value:>10.2}");
            }
            all.push((database.clone(), size, figures));
        }
    }

    let mut over = false;
    println!(
        "\n== ratios ({} ÷ {}; target ≤ {RATIO_TARGET})",
        sizes[sizes.len() - 1],
        sizes[0]
    );
    for database in &databases {
        let of = |size: u32| {
            all.iter()
                .find(|(d, s, _)| d == database && *s == size)
                .map(|(_, _, f)| f)
        };
        let (Some(small), Some(large)) = (of(sizes[0]), of(sizes[sizes.len() - 1])) else {
            continue;
        };
        for (name, small_value) in small {
            let large_value = large[name];
            // Throughput: smaller is worse, so the ratio is turned round.
            let ratio = if name.ends_with("req/s") {
                small_value / large_value
            } else {
                large_value / small_value
            };
            // Figures under half a millisecond move with the clock's grain, not the data.
            let meaningful = name.ends_with("req/s") || small_value.max(large_value) >= 0.5;
            let flag = if ratio > RATIO_TARGET && meaningful {
                over = true;
                "  OVER"
            } else {
                ""
            };
            println!(
                "   {database:<9} {name:<34} {small_value:>9.2} → {large_value:>9.2}   {ratio:>5.2}×{flag}"
            );
        }
    }
    if over {
        std::process::exit(1);
    }
}

fn env_list(name: &str, default: &str) -> Vec<String> {
    std::env::var(name)
        .unwrap_or_else(|_| default.into())
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

fn env_num<T: std::str::FromStr>(name: &str, default: T) -> T {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// The server under test; stopped when dropped.
struct Server {
    child: Child,
    base: String,
    _dir: tempfile::TempDir,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

async fn run(bin: &str, database: &str, pg: &str, size: u32, rate: u32, seconds: u64) -> Figures {
    let dir = tempfile::tempdir().expect("temporary folder");
    let url = match database {
        "sqlite" => format!("sqlite://{}/nintei.sqlite?mode=rwc", dir.path().display()),
        "postgres" => {
            let admin = format!("{pg}/postgres");
            psql(&admin, "DROP DATABASE IF EXISTS nintei_scale WITH (FORCE)");
            psql(&admin, "CREATE DATABASE nintei_scale");
            format!("{pg}/nintei_scale")
        }
        other => panic!("BENCH_DATABASES: unknown database {other}"),
    };
    let env = |c: &mut Command| {
        c.env("DATABASE_URL", &url)
            .env("NINTEI_DATA_DIR", dir.path())
            .env("NINTEI_STAFF_TWO_FACTOR", "false")
            .env("NINTEI_TRUST_FORWARDED", "true")
            .env("RUST_LOG", "warn");
    };
    let mut seed = Command::new(bin);
    seed.args(["admin", "seed-scale", "--physicians", &size.to_string()]);
    env(&mut seed);
    let out = seed.output().expect("run nintei admin seed-scale");
    assert!(
        out.status.success(),
        "seed-scale failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    println!("   seeded: {}", String::from_utf8_lossy(&out.stdout).trim());

    let port = free_port();
    let mut serve = Command::new(bin);
    serve
        .arg("serve")
        .env("NINTEI_LISTEN", format!("127.0.0.1:{port}"))
        .env("NINTEI_DIST_DIR", dir.path().join("no-client"))
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    env(&mut serve);
    let server = Server {
        child: serve.spawn().expect("start nintei serve"),
        base: format!("http://127.0.0.1:{port}"),
        _dir: dir,
    };
    wait_healthy(&server.base).await;

    let mut physicians = Vec::new();
    for i in 0..PHYSICIANS_SIGNED_IN {
        let n = i * (size / PHYSICIANS_SIGNED_IN);
        physicians.push(sign_in(&server.base, &format!("scale{n}@example.jp"), i).await);
    }
    let tokyo = sign_in(&server.base, "tokyo.staff@example.jp", 1000).await;
    let jma = sign_in(&server.base, "jma.staff@example.jp", 1001).await;
    let organizer = sign_in(&server.base, "kyoto.organizer@example.jp", 1002).await;

    let mut f = Figures::new();
    let mypage = format!("{}/api/mypage", server.base);
    // Warm-up: caches, pools, the planner's statistics.
    open_loop(&physicians, &mypage, rate, 2).await;
    let (p50, p99, served) = open_loop(&physicians, &mypage, rate, seconds).await;
    f.insert("mypage p50 ms", p50);
    f.insert("mypage p99 ms", p99);
    f.insert("mypage served req/s", served);
    f.insert(
        "mypage closed-loop req/s",
        closed_loop(&physicians, &mypage, seconds).await,
    );
    let year_ago = chrono::Utc::now()
        .with_timezone(&FixedOffset::east_opt(9 * 3600).expect("JST"))
        .date_naive()
        - chrono::Days::new(365);
    for (name, client, path) in [
        (
            "review tokyo",
            &tokyo,
            "/api/review/applications".to_owned(),
        ),
        ("review jma", &jma, "/api/review/applications".to_owned()),
        (
            "session search",
            &physicians[0],
            format!("/api/sessions?from={year_ago}"),
        ),
    ] {
        let (p50, p99, rows) = sequential(client, &format!("{}{path}", server.base)).await;
        let named = |what: &str| -> &'static str { format!("{name} {what}").leak() };
        f.insert(named("p50 ms"), p50);
        f.insert(named("p99 ms"), p99);
        f.insert(named("rows"), rows as f64);
    }
    f.insert(
        "post 1,000 attendees ms",
        post_session(&server.base, &organizer, &jma, size).await,
    );
    f
}

fn psql(url: &str, sql: &str) {
    let status = Command::new("psql")
        .args([url, "-q", "-v", "ON_ERROR_STOP=1", "-c", sql])
        .status()
        .expect("psql (Debian postgresql-client)");
    assert!(status.success(), "psql: {sql}");
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

async fn wait_healthy(base: &str) {
    let client = Client::new();
    for _ in 0..600 {
        if let Ok(r) = client.get(format!("{base}/api/health")).send().await
            && r.status().is_success()
        {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("the server at {base} did not become healthy");
}

/// A client signed in as `email` (from its own forwarded address, so the login throttle sees
/// one attempt per address).
async fn sign_in(base: &str, email: &str, i: u32) -> Client {
    let client = Client::builder()
        .cookie_store(true)
        .pool_max_idle_per_host(CLOSED_LOOP_CONNECTIONS)
        .build()
        .expect("client");
    let r = client
        .post(format!("{base}/api/auth/login"))
        .header(
            "x-forwarded-for",
            format!("10.9.{}.{}", i / 250, i % 250 + 1),
        )
        .json(&json!({ "email": email, "password": PASSWORD }))
        .send()
        .await
        .expect("login request");
    assert!(r.status().is_success(), "login as {email}: {}", r.status());
    client
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let i = ((sorted.len() as f64 - 1.0) * p / 100.0).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// `rate` requests per second for `seconds`, each sent at its due time by its own task, the
/// clients taken in turn; latency from the due time. Returns p50, p99 (ms) and requests/s
/// answered.
async fn open_loop(clients: &[Client], url: &str, rate: u32, seconds: u64) -> (f64, f64, f64) {
    let total = u64::from(rate) * seconds;
    let start = tokio::time::Instant::now();
    let latencies = Arc::new(std::sync::Mutex::new(Vec::with_capacity(total as usize)));
    let mut tasks = Vec::with_capacity(total as usize);
    for i in 0..total {
        let due = start + Duration::from_secs_f64(i as f64 / f64::from(rate));
        let client = clients[i as usize % clients.len()].clone();
        let url = url.to_owned();
        let latencies = latencies.clone();
        tasks.push(tokio::spawn(async move {
            tokio::time::sleep_until(due).await;
            let ok = match client.get(&url).send().await {
                Ok(r) => r.status().is_success() && r.bytes().await.is_ok(),
                Err(_) => false,
            };
            assert!(ok, "GET {url} failed");
            let elapsed = due.elapsed();
            latencies.lock().expect("latencies").push(ms(elapsed));
        }));
    }
    for t in tasks {
        t.await.expect("request task");
    }
    let wall = start.elapsed().as_secs_f64();
    let mut l = std::mem::take(&mut *latencies.lock().expect("latencies"));
    l.sort_by(f64::total_cmp);
    (
        percentile(&l, 50.0),
        percentile(&l, 99.0),
        l.len() as f64 / wall,
    )
}

/// As many requests as 16 connections get answered in `seconds`: requests/s.
async fn closed_loop(clients: &[Client], url: &str, seconds: u64) -> f64 {
    let until = Instant::now() + Duration::from_secs(seconds);
    let start = Instant::now();
    let mut tasks = Vec::new();
    for c in 0..CLOSED_LOOP_CONNECTIONS {
        let client = clients[c % clients.len()].clone();
        let url = url.to_owned();
        tasks.push(tokio::spawn(async move {
            let mut n = 0u64;
            while Instant::now() < until {
                let r = client.get(&url).send().await.expect("GET");
                assert!(r.status().is_success());
                r.bytes().await.expect("body");
                n += 1;
            }
            n
        }));
    }
    let mut n = 0;
    for t in tasks {
        n += t.await.expect("worker");
    }
    n as f64 / start.elapsed().as_secs_f64()
}

/// [`SEQUENTIAL_REQUESTS`] requests one after another (after a quarter as many unmeasured): p50
/// and p99 (ms), and the rows of the answer (a JSON list).
async fn sequential(client: &Client, url: &str) -> (f64, f64, usize) {
    let mut l = Vec::with_capacity(SEQUENTIAL_REQUESTS);
    let mut rows = 0;
    // Warm-up: the first requests of a kind read its pages from disk.
    for _ in 0..SEQUENTIAL_REQUESTS / 4 {
        client
            .get(url)
            .send()
            .await
            .expect("GET")
            .bytes()
            .await
            .expect("body");
    }
    for _ in 0..SEQUENTIAL_REQUESTS {
        let t = Instant::now();
        let r = client.get(url).send().await.expect("GET");
        assert!(r.status().is_success(), "GET {url}: {}", r.status());
        let body = r.bytes().await.expect("body");
        l.push(ms(t.elapsed()));
        rows = serde_json::from_slice::<Vec<Value>>(&body).map_or(0, |v| v.len());
    }
    l.sort_by(f64::total_cmp);
    (percentile(&l, 50.0), percentile(&l, 99.0), rows)
}

/// A session that ended two minutes ago (designated by JMA staff), 1,000 scale physicians checked
/// in and out by eight devices, then posted: how long the posting took (ms).
async fn post_session(base: &str, organizer: &Client, staff: &Client, size: u32) -> f64 {
    let jst = FixedOffset::east_opt(9 * 3600).expect("JST");
    let end = Utc::now().with_timezone(&jst) - chrono::Duration::minutes(2);
    // An hour long, or since midnight (Japan) when the day is younger: a session lies in one day.
    let midnight = end
        .date_naive()
        .and_hms_opt(0, 0, 0)
        .and_then(|t| t.and_local_timezone(jst).single())
        .expect("midnight in Japan");
    let start = (end - chrono::Duration::minutes(60)).max(midnight);
    assert!(
        end - start >= chrono::Duration::minutes(10),
        "run this after 00:12 JST: the session must start and end today"
    );
    let tag = uuid::Uuid::new_v4().simple().to_string();
    let form = json!({
        "title": format!("規模試験 {}", &tag[..6]),
        "category": "occupational.lifelong.specialized",
        "subject": "",
        "units": "1",
        "date": start.date_naive().to_string(),
        "starts_at": start.format("%H:%M").to_string(),
        "ends_at": end.format("%H:%M").to_string(),
        "venue": "京都府医師会館 大ホール",
        "prefecture": "26",
        "online": false,
        "capacity": (ATTENDEES + 100).to_string(),
        "lecturers": "",
    });
    let r = organizer
        .post(format!("{base}/api/organizer/sessions"))
        .json(&form)
        .send()
        .await
        .expect("create session");
    assert_eq!(r.status().as_u16(), 201, "create session");
    let session: Value = r.json().await.expect("session");
    let id = session["id"].as_i64().expect("session id");
    let r = staff
        .post(format!("{base}/api/review/sessions/{id}/designate"))
        .json(&json!({ "number": "" }))
        .send()
        .await
        .expect("designate session");
    assert!(r.status().is_success(), "designate session: {}", r.status());
    let scans = format!("{base}/api/organizer/sessions/{id}/scans");
    let attendees: Vec<String> = (0..ATTENDEES)
        .map(|i| (1_000_000 + i * (size / ATTENDEES)).to_string())
        .collect();
    let mut devices = Vec::new();
    for d in 0..8 {
        let client = organizer.clone();
        let scans = scans.clone();
        let mine: Vec<String> = attendees.iter().skip(d).step_by(8).cloned().collect();
        devices.push(tokio::spawn(async move {
            for (kind, at) in [("in", start), ("out", end)] {
                for registry in &mine {
                    let r = client
                        .post(&scans)
                        .json(&json!({
                            "client_id": uuid::Uuid::new_v4().simple().to_string(),
                            "kind": kind,
                            "at": at.with_timezone(&Utc).to_rfc3339(),
                            "registry_number": registry,
                        }))
                        .send()
                        .await
                        .expect("scan");
                    assert!(r.status().is_success(), "scan: {}", r.status());
                }
            }
        }));
    }
    for d in devices {
        d.await.expect("device");
    }
    let t = Instant::now();
    let r = organizer
        .post(format!("{base}/api/organizer/sessions/{id}/post"))
        .json(&json!({ "grants": [] }))
        .send()
        .await
        .expect("post");
    let took = ms(t.elapsed());
    assert!(r.status().is_success(), "post: {}", r.status());
    let posted: Value = r.json().await.expect("post result");
    assert_eq!(
        posted["credits_written"].as_u64(),
        Some(u64::from(ATTENDEES)),
        "credits written"
    );
    took
}
