//! The `nintei` command line.

use std::path::PathBuf;
use std::process::Command;

fn nintei() -> Command {
    Command::new(env!("CARGO_BIN_EXE_nintei"))
}

fn fixtures() -> Vec<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/fixtures/eligibility");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("fixtures folder")
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    files
}

#[test]
fn evaluate_prints_the_expected_decision_for_every_shared_case() {
    let files = fixtures();
    assert!(!files.is_empty());
    for path in files {
        let out = nintei().arg("evaluate").arg(&path).output().unwrap();
        assert!(
            out.status.success(),
            "{}: {}",
            path.display(),
            String::from_utf8_lossy(&out.stderr)
        );
        let decision: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        let case: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        assert_eq!(
            decision["eligible"],
            case["expect"]["eligible"],
            "{}",
            path.display()
        );
        let sorted = |v: &serde_json::Value| {
            let mut s: Vec<String> = v
                .as_array()
                .unwrap()
                .iter()
                .map(|x| x.as_str().unwrap().to_owned())
                .collect();
            s.sort();
            s
        };
        assert_eq!(
            sorted(&decision["unmet"]),
            sorted(&case["expect"]["unmet"]),
            "{}",
            path.display()
        );
        assert_eq!(decision["procedure"], case["procedure"]);
        if case["procedure"].as_str().unwrap().ends_with("renewal") {
            assert!(decision["next_period"]["valid_from"].is_string());
        }
    }
}

#[test]
fn a_malformed_case_file_names_the_file_and_field_and_exits_non_zero() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let cases = [
        (
            "bad-units.json",
            r#"{"procedure":"occupational.renewal","as_of":"2026-01-01","certificate":{"valid_from":"2021-01-01","valid_until":"2026-01-01"},"credits":[{"date":"2022-01-01","category":"occupational.lifelong.update","units":0.3}]}"#,
            "credits[0].units",
        ),
        (
            "bad-date.json",
            r#"{"procedure":"sports.new","as_of":"2026-02-30"}"#,
            "as_of",
        ),
        (
            "no-cert.json",
            r#"{"procedure":"sports.renewal","as_of":"2026-01-01"}"#,
            "certificate",
        ),
        (
            "no-subject.json",
            r#"{"procedure":"occupational.new","as_of":"2026-01-01","credits":[{"date":"2022-01-01","category":"occupational.basic.early","units":1}]}"#,
            "credits[0].subject",
        ),
        ("not-json.json", "{", "bad"),
    ];
    for (name, text, field) in cases {
        let path = dir.join(name);
        std::fs::write(&path, text).unwrap();
        let out = nintei().arg("evaluate").arg(&path).output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{name}: {stderr}");
        assert!(stderr.contains(name), "{name}: {stderr}");
        if field != "bad" {
            assert!(
                stderr.contains(field),
                "{name} should name {field}: {stderr}"
            );
        }
        assert!(!stderr.contains("panicked"));
    }
    let out = nintei()
        .arg("evaluate")
        .arg(dir.join("missing.json"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn admin_create_user_reads_the_password_from_stdin_or_a_file_never_the_command_line() {
    use std::io::Write;
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let run = |args: &[&str], stdin: &str| {
        let mut child = nintei()
            .env("NINTEI_DATA_DIR", dir)
            .env_remove("DATABASE_URL")
            .args(["admin", "create-user"])
            .args(args)
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        child
            .stdin
            .take()
            .unwrap()
            .write_all(stdin.as_bytes())
            .unwrap();
        child.wait_with_output().unwrap()
    };
    let organizer = [
        "--role",
        "organizer",
        "--email",
        "org@example.jp",
        "--name",
        "大阪府医師会",
        "--body",
        "大阪府医師会",
    ];
    // A password on the command line would stay in the shell history and the process list.
    let on_line = run(
        &[&organizer[..], &["--password", "organizer pass 1"]].concat(),
        "",
    );
    assert_eq!(on_line.status.code(), Some(2), "clap refuses the argument");
    let ok = run(&organizer, "organizer pass 1\n");
    assert!(
        ok.status.success(),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );
    assert!(
        String::from_utf8_lossy(&ok.stdout).contains("created organizer account org@example.jp")
    );
    let again = run(&organizer, "organizer pass 1\n");
    assert_eq!(again.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&again.stderr).contains("already in use"));
    let bad = run(
        &["--role", "wizard", "--email", "w@example.jp", "--name", "x"],
        "organizer pass 1\n",
    );
    assert_eq!(bad.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("unknown role"));
    let file = dir.join("password.txt");
    std::fs::write(&file, "password\n").unwrap();
    let weak = run(
        &[
            "--role",
            "jma_staff",
            "--email",
            "j@example.jp",
            "--name",
            "x",
            "--password-file",
            file.to_str().unwrap(),
        ],
        "",
    );
    assert_eq!(weak.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&weak.stderr).contains("password"));
}

/// A free port on this machine.
fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

#[tokio::test]
async fn a_fresh_start_has_no_known_credentials_and_says_how_to_make_the_first_admin() {
    let tmp = tempfile::tempdir().unwrap();
    let port = free_port();
    let mut child = tokio::process::Command::new(env!("CARGO_BIN_EXE_nintei"))
        .arg("serve")
        .env("NINTEI_DATA_DIR", tmp.path())
        .env("NINTEI_LISTEN", format!("127.0.0.1:{port}"))
        .env_remove("DATABASE_URL")
        .env_remove("NINTEI_DEMO")
        .env("RUST_LOG", "warn")
        .stdout(std::process::Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let base = format!("http://127.0.0.1:{port}");
    let http = reqwest::Client::new();
    let mut up = false;
    for _ in 0..100 {
        if http.get(format!("{base}/api/health")).send().await.is_ok() {
            up = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(up, "the server starts");
    let login = http
        .post(format!("{base}/api/auth/login"))
        .json(&serde_json::json!({ "email": "admin@example.jp", "password": server::seed::DEMO_PASSWORD }))
        .send()
        .await
        .unwrap();
    assert_eq!(login.status(), reqwest::StatusCode::UNAUTHORIZED);
    child.kill().await.unwrap();
    let out = child.wait_with_output().await.unwrap();
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(
        said.contains("nintei admin create-user --role admin"),
        "{said}"
    );
    assert!(!said.contains(server::seed::DEMO_PASSWORD), "{said}");
}

#[test]
fn admin_import_registry_checks_imports_and_reports_bad_lines() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let header = "registry_number,name_kanji,name_kana,birth_date,prefecture,membership,certification,certificate_number,first_certified,valid_from,valid_until";
    let good = dir.join("registry.csv");
    std::fs::write(
        &good,
        format!("{header}\n500001,京都 一郎,キョウト イチロウ,1970-05-01,26,member,occupational,S200001,2016-04-01,2021-04-01,2026-03-31\n"),
    )
    .unwrap();
    let bad = dir.join("bad.csv");
    std::fs::write(
        &bad,
        format!("{header}\n500001,京都 一郎,キョウト イチロウ,1970-05-01,99,member,occupational,S200001,2016-04-01,2021-04-01,2026-03-31\n"),
    )
    .unwrap();
    let run = |args: &[&std::ffi::OsStr]| {
        nintei()
            .env("NINTEI_DATA_DIR", dir)
            .env_remove("DATABASE_URL")
            .args(["admin", "import-registry"])
            .args(args)
            .output()
            .unwrap()
    };
    let dry = run(&[good.as_os_str(), "--dry-run".as_ref()]);
    assert!(
        dry.status.success(),
        "{}",
        String::from_utf8_lossy(&dry.stderr)
    );
    let said = String::from_utf8_lossy(&dry.stdout);
    assert!(said.contains("dry run") && said.contains("1 new"), "{said}");
    let done = run(&[good.as_os_str()]);
    assert!(String::from_utf8_lossy(&done.stdout).contains("1 new"));
    let again = run(&[good.as_os_str()]);
    assert!(String::from_utf8_lossy(&again.stdout).contains("0 new, 0 updated, 1 unchanged"));
    let refused = run(&[bad.as_os_str()]);
    assert_eq!(refused.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(
        stderr.contains("Line 2") && stderr.contains("JIS"),
        "{stderr}"
    );
    assert!(stderr.contains("nothing was written"));
}
