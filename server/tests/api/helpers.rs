//! `TestApp::spawn()`: a real server on a free port with a fresh database.

use domain::Prefecture;
use domain::account::{RegistrationForm, Role};
use domain::api::CreateUser;
use domain::application::DocumentKind;
use reqwest::{Client, Response, StatusCode};
use sea_orm::{ConnectionTrait, Database, DatabaseConnection};
use serde_json::Value;
use server::config::{Secret, Settings, sqlite_url};
use server::startup::Application;

use crate::client::Api;

/// The password of every physician a test registers.
pub const PHYSICIAN_PASSWORD: &str = "correct horse battery";

/// The password of every staff account a test makes.
pub const STAFF_PASSWORD: &str = "staff password 2026";

/// A running server and a way to talk to it.
pub struct TestApp {
    /// `http://127.0.0.1:PORT`
    pub address: String,
    /// The app's database.
    pub db: DatabaseConnection,
    /// Its URL (another process can open it).
    pub database_url: String,
    /// Where the app stores documents: the data folder, or a prefix of its own in the bucket of
    /// `TEST_DOCUMENTS_URL` (`make api-s3`).
    pub documents: server::storage::Location,
    /// Removes the data folder when the test ends.
    _data: tempfile::TempDir,
    /// The PostgreSQL database made for this test, dropped when it ends.
    postgres: Option<(String, String)>,
    /// The Kyoto staff who verify test physicians.
    identity_staff: tokio::sync::OnceCell<Api>,
}

/// A licence as a physician photographs or scans it (a small valid PDF).
pub const LICENCE_PDF: &[u8] = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer\n%%EOF\n";

/// A fresh, empty PostgreSQL database on the server of `TEST_DATABASE_URL`: (its URL, its name).
async fn fresh_postgres(base: &str) -> (String, String) {
    let name = format!("nintei_test_{}", uuid::Uuid::new_v4().simple());
    let admin = Database::connect(base)
        .await
        .expect("TEST_DATABASE_URL must reach PostgreSQL");
    admin
        .execute_unprepared(&format!("CREATE DATABASE {name}"))
        .await
        .expect("create test database");
    let (prefix, _) = base
        .rsplit_once('/')
        .expect("a database URL ends with /name");
    (format!("{prefix}/{name}"), name)
}

/// Drops a test's PostgreSQL database (its connections are ended first).
fn drop_postgres(base: String, name: String) {
    let label = name.clone();
    let dropped = std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("a runtime to drop the test database");
        runtime.block_on(async {
            let admin = Database::connect(&base).await?;
            admin
                .execute_unprepared(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                .await?;
            admin.close().await
        })
    })
    .join();
    if !matches!(dropped, Ok(Ok(()))) {
        eprintln!("could not drop test database {label}: {dropped:?}");
    }
}

/// The data folder's `documents`, or with `TEST_DOCUMENTS_URL=s3://bucket[/prefix]` a fresh
/// prefix in that bucket (one per test, so that tests never see each other's documents).
fn test_documents(data_dir: &std::path::Path) -> server::storage::Location {
    use server::storage::Location;
    match std::env::var("TEST_DOCUMENTS_URL") {
        Ok(url) if !url.is_empty() => match Location::parse(&url).expect("TEST_DOCUMENTS_URL") {
            Location::Bucket { bucket, prefix } => Location::Bucket {
                bucket,
                prefix: format!("{prefix}/{}", uuid::Uuid::new_v4().simple())
                    .trim_start_matches('/')
                    .into(),
            },
            folder => folder,
        },
        _ => Location::Folder(data_dir.join("documents")),
    }
}

impl TestApp {
    /// The app's document store, opened again.
    pub fn store(&self) -> server::storage::Documents {
        server::storage::Documents::open(&self.documents).expect("the document store")
    }

    /// Every key of the app's document store, sorted.
    pub async fn stored_keys(&self) -> Vec<String> {
        let mut keys = self.store().keys().await.expect("the store lists its keys");
        keys.sort();
        keys
    }

    /// Starts a server without demo data.
    pub async fn spawn() -> TestApp {
        Self::spawn_with(false).await
    }

    /// Starts a server, with or without demo data.
    pub async fn spawn_with(demo_data: bool) -> TestApp {
        Self::spawn_configured(demo_data, |_| {}).await
    }

    /// Starts a server whose settings `configure` adjusts first.
    pub async fn spawn_configured(
        demo_data: bool,
        configure: impl FnOnce(&mut Settings),
    ) -> TestApp {
        Self::spawn_observed(demo_data, configure, None).await
    }

    /// Starts a server that shows `observer` every statement it runs.
    pub async fn spawn_observed(
        demo_data: bool,
        configure: impl FnOnce(&mut Settings),
        observer: Option<server::startup::QueryObserver>,
    ) -> TestApp {
        let data = tempfile::Builder::new()
            .prefix("nintei-test-")
            .tempdir()
            .expect("a data folder");
        let data_dir = data.path().to_path_buf();
        let (database_url, postgres) = match std::env::var("TEST_DATABASE_URL") {
            Ok(base) if !base.is_empty() => {
                let (url, name) = fresh_postgres(&base).await;
                (url, Some((base, name)))
            }
            _ => (sqlite_url(&data_dir), None),
        };
        let documents = test_documents(&data_dir);
        let settings = Settings {
            listen: "127.0.0.1:0".parse().expect("address"),
            data_dir: data_dir.clone(),
            database_url: Secret::new(database_url.clone()),
            dist_dir: data_dir.join("no-dist"),
            secure_cookies: false,
            demo_data,
            session_hours: 12,
            documents: documents.clone(),
            metrics_listen: None,
            prefecture_offices: None,
            pdf_fonts: server::pdf::font_dirs(None),
            upload_max_bytes: 10 * 1024 * 1024,
            smtp_url: None,
            mail_from: "Nintei <no-reply@nintei.invalid>".into(),
            public_url: "http://127.0.0.1".into(),
            // Low, so that the limit's test stays short; no other test registers as many.
            registrations_per_hour: 10,
            outbox_seconds: 30,
            // Reminder rounds run only when a test runs one, as of the day it gives.
            run_jobs: false,
            posting_days: domain::sessions::POSTING_WINDOW_DAYS,
            header_timeout_seconds: 10,
            // Staff sign in with their password alone, except in the tests of the second factor.
            staff_two_factor: false,
            idle_minutes: 60,
            request_timeout_seconds: 120,
            trust_forwarded: false,
        };
        let mut settings = settings;
        configure(&mut settings);
        let app = Application::build_observed(settings, observer)
            .await
            .expect("the app builds");
        let address = format!("http://127.0.0.1:{}", app.port());
        let db = app.db.clone();
        tokio::spawn(app.run_until_stopped());
        TestApp {
            address,
            db,
            database_url,
            documents,
            _data: data,
            postgres,
            identity_staff: tokio::sync::OnceCell::new(),
        }
    }

    /// A typed client with its own cookie jar (one browser), logged in as nobody.
    pub fn api(&self) -> Api {
        Api::new(&self.address)
    }

    /// A physician registered through the API, logged in, e-mail confirmed and identity
    /// verified the way a physician outside the registry is: licence sent, Kyoto staff verify.
    pub async fn physician_api(&self, registry: &str, email: &str) -> Api {
        let api = self.registered_api(&registration(registry, email)).await;
        self.confirm_email(email).await;
        self.verify_by_staff(&api).await;
        api
    }

    /// A physician registered through the API and logged in, nothing verified yet.
    pub async fn registered_api(&self, form: &RegistrationForm) -> Api {
        let api = self.api();
        api.register(form).await.expect("registration");
        api
    }

    /// The token of the newest confirmation link mailed to `email`.
    pub async fn mailed_token(&self, email: &str) -> String {
        self.mailed_link(email, "/verify-email#").await
    }

    /// The token of the newest link to `page` (`/reset-password#`, …) mailed to `email`.
    pub async fn mailed_link(&self, email: &str, page: &str) -> String {
        let mails = server::services::mail::newest(&self.db, None)
            .await
            .expect("the outbox");
        let body = &mails
            .iter()
            .find(|m| m.to == email && m.body.contains(page))
            .unwrap_or_else(|| panic!("no mail to {email} with a link to {page}"))
            .body;
        let (_, rest) = body.split_once(page).expect("a link");
        rest.split_whitespace().next().expect("a token").to_owned()
    }

    /// The mails sent to `email`, newest first (subjects).
    pub async fn subjects_to(&self, email: &str) -> Vec<String> {
        server::services::mail::newest(&self.db, None)
            .await
            .expect("the outbox")
            .into_iter()
            .filter(|m| m.to == email)
            .map(|m| m.subject)
            .collect()
    }

    /// Opens the confirmation link mailed to `email` (from another browser, as from a phone).
    pub async fn confirm_email(&self, email: &str) -> domain::identity::IdentityView {
        let token = self.mailed_token(email).await;
        self.api()
            .verify_email(&token)
            .await
            .expect("the link works")
    }

    /// The physician of `api` sends a licence; the Kyoto staff verify it.
    pub async fn verify_by_staff(&self, api: &Api) {
        let doc = api
            .upload(DocumentKind::MedicalLicence, "licence.pdf", LICENCE_PDF)
            .await
            .expect("licence upload");
        let request = api.send_licence(doc.id).await.expect("licence sent");
        let staff = self.identity_staff().await;
        staff
            .decide_identity(request.id, true, "")
            .await
            .expect("staff verify");
    }

    /// The Kyoto staff who check identities (made once per server).
    pub async fn identity_staff(&self) -> &Api {
        self.identity_staff
            .get_or_init(|| {
                self.staff_api(Role::PrefecturalStaff, "identity.checks@kyoto.example.jp")
            })
            .await
    }

    /// A staff, organizer or admin account of Kyoto, logged in.
    pub async fn staff_api(&self, role: Role, email: &str) -> Api {
        self.staff_api_in(role, email, Prefecture::KYOTO).await
    }

    /// A non-physician account of `prefecture`, made directly (its password already its own)
    /// and logged in.
    pub async fn staff_api_in(&self, role: Role, email: &str, prefecture: Prefecture) -> Api {
        let req = CreateUser {
            role,
            email: email.into(),
            display_name: format!("{role:?} {}", prefecture.code()),
            password: STAFF_PASSWORD.into(),
            prefecture: Some(prefecture),
            organizer_body: Some("京都府医師会".into()),
        };
        server::services::accounts::create_user(&self.db, &req, false)
            .await
            .expect("create staff");
        let api = self.api();
        api.login(email, STAFF_PASSWORD).await.expect("login");
        if role != Role::Organizer {
            return api;
        }
        // What this organizer submits, JMA staff designate at once (tests of the door, posting
        // and credits start from a designated session; the designation's own tests submit).
        let staff = format!("designator.{email}");
        server::services::accounts::create_user(
            &self.db,
            &CreateUser {
                role: Role::JmaStaff,
                email: staff.clone(),
                display_name: "JMA designation".into(),
                password: STAFF_PASSWORD.into(),
                prefecture: None,
                organizer_body: None,
            },
            false,
        )
        .await
        .expect("create the designating staff");
        let designator = self.api();
        designator
            .login(&staff, STAFF_PASSWORD)
            .await
            .expect("login");
        api.designated_by(designator)
    }

    /// A client with its own cookie jar (one browser).
    pub fn client(&self) -> Client {
        Client::builder()
            .cookie_store(true)
            .build()
            .expect("client")
    }

    /// `address` + `path`.
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.address)
    }

    /// A verified physician (see [`TestApp::physician_api`]) as a raw logged-in client.
    pub async fn physician(&self, registry: &str, email: &str) -> Client {
        self.physician_api(registry, email).await.http().clone()
    }

    /// A staff account of Kyoto (see [`TestApp::staff_api`]) as a raw logged-in client.
    pub async fn staff(&self, role: Role, email: &str) -> Client {
        self.staff_in(role, email, Prefecture::KYOTO).await
    }

    /// A staff account of `prefecture` as a raw logged-in client.
    pub async fn staff_in(&self, role: Role, email: &str, prefecture: Prefecture) -> Client {
        self.staff_api_in(role, email, prefecture)
            .await
            .http()
            .clone()
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some((base, name)) = self.postgres.take() {
            drop_postgres(base, name);
        }
    }
}

/// Yesterday's designated session 13:00–15:00 in Kyoto with `lecturer`.
pub fn session_form(lecturer: &str) -> domain::sessions::SessionForm {
    let yesterday = domain::dates::today_jst(chrono::Utc::now()) - chrono::Days::new(1);
    domain::sessions::SessionForm {
        title: "産業医研修会 職場のメンタルヘルス".into(),
        category: "occupational.lifelong.update".into(),
        units: "2".into(),
        date: yesterday.to_string(),
        starts_at: "13:00".into(),
        ends_at: "15:00".into(),
        venue: "京都府医師会館".into(),
        prefecture: "26".into(),
        capacity: "200".into(),
        lecturers: lecturer.into(),
        ..domain::sessions::SessionForm::default()
    }
}

/// A valid registration form.
pub fn registration(registry: &str, email: &str) -> RegistrationForm {
    RegistrationForm {
        registry_number: registry.into(),
        name_kanji: "山田 太郎".into(),
        name_kana: "ヤマダ タロウ".into(),
        birth_date: "1980-04-01".into(),
        email: email.into(),
        password: PHYSICIAN_PASSWORD.into(),
        prefecture: "26".into(),
        membership: "member".into(),
        workplace_name: "京都産業保健センター".into(),
        claim: false,
    }
}

/// The status and JSON body of a response.
pub async fn json(r: Response) -> (StatusCode, Value) {
    let status = r.status();
    let text = r.text().await.expect("body");
    (
        status,
        serde_json::from_str(&text).unwrap_or(Value::String(text)),
    )
}

/// A message of the API rendered in `lang`; fails when its key is not in the catalogue.
pub fn rendered(message: &Value, lang: domain::Lang) -> String {
    let m: domain::Message =
        serde_json::from_value(message.clone()).expect("a message is a key and arguments");
    assert!(
        domain::i18n::has(&m.key),
        "{} is not in the catalogue",
        m.key
    );
    m.render(lang)
}

/// The UUID a test names `label`: the same label gives the same id (a device's retry).
pub fn uid(label: &str) -> uuid::Uuid {
    use sha2::Digest;
    let digest = sha2::Sha256::digest(label.as_bytes());
    let mut bytes = [0u8; 16];
    bytes.copy_from_slice(&digest[..16]);
    uuid::Builder::from_random_bytes(bytes).into_uuid()
}

/// A real SMTP server in the test (just enough of the protocol for lettre): its port and the
/// transcript of everything it received.
pub async fn smtp_sink() -> (u16, std::sync::Arc<tokio::sync::Mutex<String>>) {
    use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let received = std::sync::Arc::new(tokio::sync::Mutex::new(String::new()));
    let keep = received.clone();
    tokio::spawn(async move {
        while let Ok((socket, _)) = listener.accept().await {
            let keep = keep.clone();
            tokio::spawn(async move {
                let (read, mut write) = socket.into_split();
                let mut lines = BufReader::new(read).lines();
                write.write_all(b"220 sink ready\r\n").await.unwrap();
                let mut in_data = false;
                while let Ok(Some(line)) = lines.next_line().await {
                    keep.lock().await.push_str(&format!("{line}\n"));
                    let reply: &[u8] = if in_data {
                        if line == "." {
                            in_data = false;
                            b"250 queued\r\n"
                        } else {
                            continue;
                        }
                    } else if line.starts_with("DATA") {
                        in_data = true;
                        b"354 go on\r\n"
                    } else if line.starts_with("QUIT") {
                        b"221 bye\r\n"
                    } else {
                        b"250 ok\r\n"
                    };
                    if write.write_all(reply).await.is_err() {
                        break;
                    }
                }
            });
        }
    });
    (port, received)
}

/// Gives physician `physician_id` an occupational certificate valid `from`–`until`, and its one
/// period, written straight into the database as an approval or the registry would.
pub async fn occupational_certificate(
    app: &TestApp,
    physician_id: i32,
    number: &str,
    period: (chrono::NaiveDate, chrono::NaiveDate),
    granted_by: &str,
) {
    let occupational = domain::Certification::Occupational;
    certificate(app, physician_id, occupational, number, period, granted_by).await;
}

/// Gives physician `physician_id` a certificate of `certification` valid `from`–`until`.
pub async fn certificate(
    app: &TestApp,
    physician_id: i32,
    certification: domain::Certification,
    number: &str,
    (from, until): (chrono::NaiveDate, chrono::NaiveDate),
    granted_by: &str,
) {
    use sea_orm::{ActiveModelTrait, Set};
    use server::entities::{Code, certificate, certificate_period};
    let cert = certificate::ActiveModel {
        physician_id: Set(physician_id),
        certification: Set(Code(certification)),
        number: Set(number.into()),
        first_certified: Set(from),
        valid_from: Set(from),
        valid_until: Set(until),
        ..Default::default()
    }
    .insert(&app.db)
    .await
    .unwrap();
    certificate_period::ActiveModel {
        certificate_id: Set(cert.id),
        valid_from: Set(from),
        valid_until: Set(until),
        granted_by: Set(granted_by.into()),
        ..Default::default()
    }
    .insert(&app.db)
    .await
    .unwrap();
}
