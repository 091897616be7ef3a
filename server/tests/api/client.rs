//! A typed client of the HTTP API: one method per endpoint, answering the `domain` response
//! types, so tests read as what a person does and what they get back. A refusal comes back as
//! [`Refused`] with the status and the error body.

#![expect(
    dead_code,
    reason = "the client covers every endpoint; test files move onto it one by one"
)]

use domain::account::RegistrationForm;
use domain::api::{
    AttendanceRow, ContactForm, CreateUser, CreditPage, DoorInfo, DoorLink, DoorLinkCreated,
    ErrorBody, ErrorInfo, HandbookRequest, ImportReport, LedgerEntry, LookupHit, Me, MyPage,
    NewDoorLink, PhysicianProfile, PostRequest, PostResult, PublicSession, QrCode, ScanLine,
    ScanRequest, ScanResult, SessionCorrection, UserSummary,
};
use domain::application::{
    ApplicationDetail, ApplicationForm, ApplicationSummary, BulkApproveResult, DocumentKind,
    DocumentView, OutboxMail, ReviewAction,
};
use domain::identity::{IdentityView, QueueItem, RequestView};
use domain::registry::{RegistryHit, RegistryImportReport};
use domain::sessions::SessionForm;
use domain::signin::{
    AccountSummary, AccountView, AuditEntry, DeviceSession, LoginAnswer, RecoveryCodes,
    TwoFactorEnabled, TwoFactorSetup,
};
use domain::{Decision, Lang};
use reqwest::header::HeaderMap;
use reqwest::{Client, RequestBuilder, StatusCode};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

/// A refused request: its status and the API's error.
#[derive(Clone, Debug)]
pub struct Refused {
    /// HTTP status.
    pub status: StatusCode,
    /// The error body (code, message, fields).
    pub error: ErrorInfo,
}

impl Refused {
    /// The field errors' codes, in order.
    pub fn field_codes(&self) -> Vec<&str> {
        self.error.fields.iter().map(|f| f.code.as_str()).collect()
    }

    /// The field errors' field names, in order.
    pub fn fields(&self) -> Vec<&str> {
        self.error.fields.iter().map(|f| f.field.as_str()).collect()
    }

    /// The message rendered in `lang` (its key must be in the catalogue).
    pub fn text(&self, lang: Lang) -> String {
        assert!(
            domain::i18n::has(&self.error.message.key),
            "{} is not in the catalogue",
            self.error.message.key
        );
        self.error.message.render(lang)
    }

    /// The first field's message rendered in `lang`.
    pub fn field_text(&self, lang: Lang) -> String {
        let m = &self.error.fields.first().expect("a field error").message;
        assert!(
            domain::i18n::has(&m.key),
            "{} is not in the catalogue",
            m.key
        );
        m.render(lang)
    }
}

/// What an endpoint answers.
pub type Answer<T> = Result<T, Refused>;

/// Unwraps an answer that must be a refusal.
pub trait Refusal {
    /// The refusal, or a panic naming what was answered instead.
    fn refused(self) -> Refused;
}

impl<T: std::fmt::Debug> Refusal for Answer<T> {
    fn refused(self) -> Refused {
        match self {
            Ok(v) => panic!("expected a refusal, got {v:?}"),
            Err(r) => r,
        }
    }
}

/// One browser (its own cookie jar) talking to one server; optionally a helper's door link.
#[derive(Clone, Debug)]
pub struct Api {
    base: String,
    http: Client,
    door: Option<String>,
    /// JMA staff who designate what this organizer submits (see [`Api::create_session`]).
    designator: Option<Box<Api>>,
}

impl Api {
    /// A client of the server at `base` with cookies kept between requests.
    pub fn new(base: &str) -> Api {
        Api {
            base: base.to_owned(),
            http: Client::builder()
                .cookie_store(true)
                .build()
                .expect("client"),
            door: None,
            designator: None,
        }
    }

    /// The same organizer, whose sessions `staff` designate as soon as they are submitted.
    pub fn designated_by(self, staff: Api) -> Api {
        Api {
            designator: Some(Box::new(staff)),
            ..self
        }
    }

    /// The same server through a helper's door link (`/door#TOKEN` or the token).
    pub fn with_door(&self, link: &str) -> Api {
        let token = link.rsplit('#').next().unwrap_or(link).to_owned();
        Api {
            door: Some(token),
            ..self.clone()
        }
    }

    /// The same client, cookies included, talking to another instance at `base` (cookies are
    /// kept per host, whatever the port, as a browser behind one load balancer would send them).
    pub fn at(&self, base: &str) -> Api {
        Api {
            base: base.to_owned(),
            ..self.clone()
        }
    }

    /// The same client with a fresh cookie jar (a helper's phone: nobody is logged in).
    pub fn logged_out(&self) -> Api {
        Api {
            http: Client::builder()
                .cookie_store(true)
                .build()
                .expect("client"),
            ..self.clone()
        }
    }

    /// The underlying HTTP client (for the few raw requests a test needs).
    pub fn http(&self) -> &Client {
        &self.http
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    fn with_door_header(&self, req: RequestBuilder) -> RequestBuilder {
        match &self.door {
            Some(t) => req.header("x-nintei-door", t),
            None => req,
        }
    }

    async fn send<T: DeserializeOwned>(&self, req: RequestBuilder) -> Answer<T> {
        let response = self
            .with_door_header(req)
            .send()
            .await
            .expect("the server answers");
        let status = response.status();
        let text = response.text().await.expect("a body");
        if status.is_success() {
            let text = if text.is_empty() { "null" } else { &text };
            Ok(serde_json::from_str(text).unwrap_or_else(|e| {
                panic!("{status}: {e}: the answer does not fit its type: {text}")
            }))
        } else {
            let body: ErrorBody = serde_json::from_str(&text)
                .unwrap_or_else(|e| panic!("{status}: {e}: not the error shape: {text}"));
            Err(Refused {
                status,
                error: body.error,
            })
        }
    }

    async fn get<T: DeserializeOwned>(&self, path: &str) -> Answer<T> {
        self.send(self.http.get(self.url(path))).await
    }

    async fn post<B: Serialize + ?Sized, T: DeserializeOwned>(
        &self,
        path: &str,
        body: &B,
    ) -> Answer<T> {
        self.send(self.http.post(self.url(path)).json(body)).await
    }

    async fn put<B: Serialize + ?Sized, T: DeserializeOwned>(
        &self,
        path: &str,
        body: &B,
    ) -> Answer<T> {
        self.send(self.http.put(self.url(path)).json(body)).await
    }

    /// A raw GET answering status, headers and bytes (files, CSV, PDF).
    pub async fn get_raw(&self, path: &str) -> (StatusCode, HeaderMap, Vec<u8>) {
        let r = self
            .with_door_header(self.http.get(self.url(path)))
            .send()
            .await
            .expect("the server answers");
        let (status, headers) = (r.status(), r.headers().clone());
        (status, headers, r.bytes().await.expect("a body").to_vec())
    }

    // What a physician holds.

    /// `GET /api/mypage/certificates/{number}/pdf`: the PDF's bytes.
    pub async fn certificate_pdf(&self, number: &str) -> Answer<Vec<u8>> {
        self.pdf(&format!("/api/mypage/certificates/{number}/pdf"))
            .await
    }

    /// `GET /api/mypage/transcript.pdf?{query}`: the PDF's bytes.
    pub async fn transcript_pdf(&self, query: &str) -> Answer<Vec<u8>> {
        self.pdf(&format!("/api/mypage/transcript.pdf?{query}"))
            .await
    }

    async fn pdf(&self, path: &str) -> Answer<Vec<u8>> {
        let (status, headers, body) = self.get_raw(path).await;
        if status.is_success() {
            assert_eq!(headers["content-type"], "application/pdf");
            Ok(body)
        } else {
            let body: ErrorBody = serde_json::from_slice(&body).expect("the error shape");
            Err(Refused {
                status,
                error: body.error,
            })
        }
    }

    /// `GET /api/verify/{code}`
    pub async fn verify(&self, code: &str) -> Answer<domain::notices::VerifiedCertificate> {
        self.get(&format!("/api/verify/{code}")).await
    }

    /// `POST /api/admin/certificates/{number}/revoke`
    pub async fn revoke_certificate(
        &self,
        number: &str,
        reason: &str,
    ) -> Answer<domain::standing::CertificateStatus> {
        self.post(
            &format!("/api/admin/certificates/{number}/revoke"),
            &json!({ "reason": reason }),
        )
        .await
    }

    /// `GET /api/mypage/notices`
    /// `PUT /api/mypage/plans/{id}`
    pub async fn plan(&self, session: i32) -> Answer<()> {
        self.put(&format!("/api/mypage/plans/{session}"), &json!({}))
            .await
    }

    /// `DELETE /api/mypage/plans/{id}`
    pub async fn unplan(&self, session: i32) -> Answer<()> {
        self.send(
            self.http
                .delete(self.url(&format!("/api/mypage/plans/{session}"))),
        )
        .await
    }

    /// `GET /api/mypage/plans`
    pub async fn plans(&self) -> Answer<Vec<i32>> {
        self.get("/api/mypage/plans").await
    }

    pub async fn notices(&self) -> Answer<domain::notices::Notices> {
        self.get("/api/mypage/notices").await
    }

    /// `PUT /api/mypage/notices/settings`
    pub async fn set_notice_settings(
        &self,
        s: &domain::notices::NoticeSettings,
    ) -> Answer<domain::notices::NoticeSettings> {
        self.put("/api/mypage/notices/settings", s).await
    }

    // Accounts.

    /// `POST /api/auth/register`
    pub async fn register(&self, form: &RegistrationForm) -> Answer<Value> {
        self.post("/api/auth/register", form).await
    }

    /// `POST /api/auth/login`
    pub async fn login(&self, email: &str, password: &str) -> Answer<Value> {
        self.post(
            "/api/auth/login",
            &json!({ "email": email, "password": password }),
        )
        .await
    }

    /// `POST /api/auth/logout`
    pub async fn logout(&self) -> Answer<()> {
        self.send(
            self.http
                .post(self.url("/api/auth/logout"))
                .json(&json!({})),
        )
        .await
    }

    /// `GET /api/me`
    pub async fn me(&self) -> Answer<Me> {
        self.get("/api/me").await
    }

    /// `POST /api/auth/login`, typed: the stage the session reached.
    pub async fn sign_in(&self, email: &str, password: &str) -> Answer<LoginAnswer> {
        self.post(
            "/api/auth/login",
            &json!({ "email": email, "password": password }),
        )
        .await
    }

    /// `POST /api/auth/two-factor`
    pub async fn second_factor(&self, code: &str) -> Answer<LoginAnswer> {
        self.post("/api/auth/two-factor", &json!({ "code": code }))
            .await
    }

    /// `POST /api/auth/password-reset`
    pub async fn request_reset(&self, email: &str) -> Answer<()> {
        self.post("/api/auth/password-reset", &json!({ "email": email }))
            .await
    }

    /// `POST /api/auth/password-reset/confirm`
    pub async fn confirm_reset(&self, token: &str, password: &str) -> Answer<()> {
        self.post(
            "/api/auth/password-reset/confirm",
            &json!({ "token": token, "password": password }),
        )
        .await
    }

    /// `POST /api/auth/email-change/confirm`
    pub async fn confirm_email_change(&self, token: &str) -> Answer<()> {
        self.post("/api/auth/email-change/confirm", &json!({ "token": token }))
            .await
    }

    /// `GET /api/account`
    pub async fn account(&self) -> Answer<AccountView> {
        self.get("/api/account").await
    }

    /// `POST /api/account/password`
    pub async fn change_password(&self, current: &str, password: &str) -> Answer<LoginAnswer> {
        self.post(
            "/api/account/password",
            &json!({ "current": current, "password": password }),
        )
        .await
    }

    /// `POST /api/account/email`
    pub async fn change_email(&self, password: &str, email: &str) -> Answer<()> {
        self.post(
            "/api/account/email",
            &json!({ "password": password, "email": email }),
        )
        .await
    }

    /// `GET /api/account/sessions`
    pub async fn devices(&self) -> Answer<Vec<DeviceSession>> {
        self.get("/api/account/sessions").await
    }

    /// `POST /api/account/sessions/{id}/end`
    pub async fn end_device(&self, id: &str) -> Answer<()> {
        self.post(&format!("/api/account/sessions/{id}/end"), &json!({}))
            .await
    }

    /// `POST /api/account/sessions/end-others`
    pub async fn end_other_devices(&self) -> Answer<()> {
        self.post("/api/account/sessions/end-others", &json!({}))
            .await
    }

    /// `POST /api/account/two-factor/setup`
    pub async fn start_two_factor(&self) -> Answer<TwoFactorSetup> {
        self.post("/api/account/two-factor/setup", &json!({})).await
    }

    /// `POST /api/account/two-factor/enable`
    pub async fn enable_two_factor(&self, code: &str) -> Answer<TwoFactorEnabled> {
        self.post("/api/account/two-factor/enable", &json!({ "code": code }))
            .await
    }

    /// `POST /api/account/two-factor/disable`
    pub async fn disable_two_factor(&self, password: &str, code: &str) -> Answer<()> {
        self.post(
            "/api/account/two-factor/disable",
            &json!({ "password": password, "code": code }),
        )
        .await
    }

    /// `POST /api/account/two-factor/recovery-codes`
    pub async fn new_recovery_codes(&self, code: &str) -> Answer<RecoveryCodes> {
        self.post(
            "/api/account/two-factor/recovery-codes",
            &json!({ "code": code }),
        )
        .await
    }

    // Admin.

    /// `GET /api/admin/accounts?q=`
    pub async fn admin_accounts(&self, q: &str) -> Answer<Vec<AccountSummary>> {
        self.send(
            self.http
                .get(self.url("/api/admin/accounts"))
                .query(&[("q", q)]),
        )
        .await
    }

    /// `POST /api/admin/accounts/{id}/disable` or `…/enable`
    /// `PUT /api/admin/accounts/{id}`
    pub async fn admin_edit(
        &self,
        id: i32,
        req: &domain::signin::AccountEdit,
    ) -> Answer<AccountSummary> {
        self.put(&format!("/api/admin/accounts/{id}"), req).await
    }

    pub async fn admin_set_disabled(&self, id: i32, disabled: bool) -> Answer<AccountSummary> {
        let action = if disabled { "disable" } else { "enable" };
        self.post(&format!("/api/admin/accounts/{id}/{action}"), &json!({}))
            .await
    }

    /// `POST /api/admin/accounts/{id}/reset-password`
    pub async fn admin_force_reset(&self, id: i32) -> Answer<()> {
        self.post(
            &format!("/api/admin/accounts/{id}/reset-password"),
            &json!({}),
        )
        .await
    }

    /// `GET /api/admin/accounts/{id}/audit`
    pub async fn admin_trail(&self, id: i32) -> Answer<Vec<AuditEntry>> {
        self.get(&format!("/api/admin/accounts/{id}/audit")).await
    }

    /// `GET /api/admin/audit?{query}`
    pub async fn admin_audit(&self, query: &str) -> Answer<Vec<AuditEntry>> {
        self.get(&format!("/api/admin/audit?{query}")).await
    }

    // My Page.

    /// `GET /api/mypage`
    pub async fn my_page(&self) -> Answer<MyPage> {
        self.get("/api/mypage").await
    }

    /// `POST /api/mypage/evaluate/{procedure}`
    pub async fn evaluate(&self, procedure: &str, body: &Value) -> Answer<Decision> {
        self.post(&format!("/api/mypage/evaluate/{procedure}"), body)
            .await
    }

    /// `POST /api/mypage/handbook`
    pub async fn declare(&self, req: &HandbookRequest) -> Answer<LedgerEntry> {
        self.post("/api/mypage/handbook", req).await
    }

    /// `PUT /api/mypage/handbook/{id}`
    pub async fn correct_handbook(&self, id: i32, req: &HandbookRequest) -> Answer<LedgerEntry> {
        self.put(&format!("/api/mypage/handbook/{id}"), req).await
    }

    /// `DELETE /api/mypage/handbook/{id}`
    pub async fn withdraw_handbook(&self, id: i32) -> Answer<()> {
        self.send(
            self.http
                .delete(self.url(&format!("/api/mypage/handbook/{id}"))),
        )
        .await
    }

    /// `GET /api/mypage/credits?…`
    pub async fn history(&self, query: &str) -> Answer<CreditPage> {
        self.get(&format!("/api/mypage/credits?{query}")).await
    }

    /// `GET /api/mypage/qr`
    pub async fn qr(&self) -> Answer<QrCode> {
        self.get("/api/mypage/qr").await
    }

    /// `PUT /api/mypage/profile`
    pub async fn update_profile(&self, form: &ContactForm) -> Answer<PhysicianProfile> {
        self.put("/api/mypage/profile", form).await
    }

    /// `GET /api/sessions?…`
    pub async fn sessions(&self, query: &str) -> Answer<Vec<PublicSession>> {
        self.get(&format!("/api/sessions?{query}")).await
    }

    // Organizers.

    /// `POST /api/organizer/sessions`
    pub async fn submit_session(&self, form: &SessionForm) -> Answer<PublicSession> {
        self.post("/api/organizer/sessions", form).await
    }

    /// A designated session: submitted by this organizer, then designated by the staff it was
    /// made with (an organizer from [`crate::helpers::TestApp::staff_api`]), numbered by the
    /// server.
    pub async fn create_session(&self, form: &SessionForm) -> Answer<PublicSession> {
        let submitted = self.submit_session(form).await?;
        let Some(staff) = &self.designator else {
            return Ok(submitted);
        };
        if submitted.designation == domain::sessions::Designation::Designated {
            return Ok(submitted);
        }
        match staff.designate_session(submitted.id, "").await {
            Ok(done) => Ok(done.session),
            // The same request twice at once (a double tap): the other designated it.
            Err(r) if r.error.message.key == "designation.not_submitted" => Ok(self
                .my_sessions()
                .await?
                .into_iter()
                .find(|s| s.id == submitted.id)
                .expect("the organizer's session")),
            Err(r) => panic!("staff could not designate the session: {r:?}"),
        }
    }

    /// `GET /api/review/sessions?state=…&prefecture=…`
    pub async fn designation_queue(
        &self,
        state: &str,
        prefecture: Option<u8>,
    ) -> Answer<Vec<domain::sessions::DesignationItem>> {
        let pref = prefecture.map(|p| p.to_string()).unwrap_or_default();
        self.get(&format!(
            "/api/review/sessions?state={state}&prefecture={pref}"
        ))
        .await
    }

    /// `POST /api/review/sessions/{id}/designate`
    pub async fn designate_session(
        &self,
        session: i32,
        number: &str,
    ) -> Answer<domain::sessions::DesignationItem> {
        self.post(
            &format!("/api/review/sessions/{session}/designate"),
            &json!({ "number": number }),
        )
        .await
    }

    /// `POST /api/review/sessions/{id}/return`
    pub async fn return_session(
        &self,
        session: i32,
        reason: &str,
    ) -> Answer<domain::sessions::DesignationItem> {
        self.post(
            &format!("/api/review/sessions/{session}/return"),
            &json!({ "reason": reason }),
        )
        .await
    }

    /// `GET /api/organizer/sessions`
    pub async fn my_sessions(&self) -> Answer<Vec<PublicSession>> {
        self.get("/api/organizer/sessions").await
    }

    /// `PUT /api/organizer/sessions/{id}`
    pub async fn edit_session(&self, session: i32, form: &SessionForm) -> Answer<PublicSession> {
        self.put(&format!("/api/organizer/sessions/{session}"), form)
            .await
    }

    /// `GET /api/organizer/sessions/{id}/form`: the form as stored (to edit it).
    pub async fn session_form(&self, id: i32) -> Answer<SessionForm> {
        self.get(&format!("/api/organizer/sessions/{id}/form"))
            .await
    }

    /// `POST /api/organizer/sessions/{id}/cancel`
    pub async fn cancel_session(&self, session: i32) -> Answer<PublicSession> {
        self.post(
            &format!("/api/organizer/sessions/{session}/cancel"),
            &json!({}),
        )
        .await
    }

    /// One person's scans in a session (organizer or helper link).
    pub async fn person_scans(&self, session: i32, registry: &str) -> Answer<Vec<ScanLine>> {
        match self.door {
            Some(_) => {
                self.get(&format!("/api/door/people/{registry}/scans"))
                    .await
            }
            None => {
                self.get(&format!(
                    "/api/organizer/sessions/{session}/people/{registry}/scans"
                ))
                .await
            }
        }
    }

    /// `POST /api/door/status`: what the helper's device still holds.
    pub async fn report_status(&self, unsent: u32) -> Answer<()> {
        self.post("/api/door/status", &json!({ "unsent": unsent }))
            .await
    }

    /// `POST /api/organizer/sessions/{id}/scans`, or `POST /api/door/scans` through a link.
    pub async fn scan(&self, session: i32, req: &ScanRequest) -> Answer<ScanResult> {
        match self.door {
            Some(_) => self.post("/api/door/scans", req).await,
            None => {
                self.post(&format!("/api/organizer/sessions/{session}/scans"), req)
                    .await
            }
        }
    }

    /// Undoes a scan (organizer or helper link), with a reason.
    pub async fn undo(&self, session: i32, scan: i32, reason: &str) -> Answer<()> {
        let body = json!({ "reason": reason });
        match self.door {
            Some(_) => {
                self.post(&format!("/api/door/scans/{scan}/undo"), &body)
                    .await
            }
            None => {
                self.post(
                    &format!("/api/organizer/sessions/{session}/scans/{scan}/undo"),
                    &body,
                )
                .await
            }
        }
    }

    /// The exact lookup by full name and date of birth (organizer or helper link).
    pub async fn lookup(
        &self,
        session: i32,
        name: &str,
        birth_date: &str,
    ) -> Answer<Vec<LookupHit>> {
        let query = format!("name={}&birth_date={birth_date}", url_escape(name));
        match self.door {
            Some(_) => self.get(&format!("/api/door/lookup?{query}")).await,
            None => {
                self.get(&format!("/api/organizer/sessions/{session}/lookup?{query}"))
                    .await
            }
        }
    }

    /// `GET /api/organizer/sessions/{id}/attendance`
    /// `GET /api/organizer/sessions/{id}/presence`, or `/api/door/presence` through a link.
    pub async fn presence(&self, session: i32) -> Answer<domain::api::DoorPresence> {
        match self.door {
            Some(_) => self.get("/api/door/presence").await,
            None => {
                self.get(&format!("/api/organizer/sessions/{session}/presence"))
                    .await
            }
        }
    }

    pub async fn attendance(&self, session: i32) -> Answer<Vec<AttendanceRow>> {
        self.get(&format!("/api/organizer/sessions/{session}/attendance"))
            .await
    }

    /// `POST /api/organizer/sessions/{id}/post`
    pub async fn post_session(&self, session: i32, req: &PostRequest) -> Answer<PostResult> {
        self.post(&format!("/api/organizer/sessions/{session}/post"), req)
            .await
    }

    /// `POST /api/review/sessions/additions`
    pub async fn add_late(
        &self,
        req: &domain::api::LateAddition,
    ) -> Answer<domain::api::LateAdded> {
        self.post("/api/review/sessions/additions", req).await
    }

    /// `POST /api/organizer/sessions/{id}/corrections`
    pub async fn correct_session(
        &self,
        session: i32,
        req: &SessionCorrection,
    ) -> Answer<AttendanceRow> {
        self.post(
            &format!("/api/organizer/sessions/{session}/corrections"),
            req,
        )
        .await
    }

    /// `POST /api/organizer/sessions/{id}/import?dry_run=` with a CSV body.
    pub async fn import_sheet(
        &self,
        session: i32,
        csv: &str,
        dry_run: bool,
    ) -> Answer<ImportReport> {
        self.send(
            self.http
                .post(self.url(&format!(
                    "/api/organizer/sessions/{session}/import?dry_run={dry_run}"
                )))
                .header("content-type", "text/csv")
                .body(csv.to_owned()),
        )
        .await
    }

    /// `GET /api/organizer/sessions/{id}/doors`
    pub async fn door_links(&self, session: i32) -> Answer<Vec<DoorLink>> {
        self.get(&format!("/api/organizer/sessions/{session}/doors"))
            .await
    }

    /// `POST /api/organizer/sessions/{id}/doors`
    pub async fn create_door_link(
        &self,
        session: i32,
        req: &NewDoorLink,
    ) -> Answer<DoorLinkCreated> {
        self.post(&format!("/api/organizer/sessions/{session}/doors"), req)
            .await
    }

    /// `POST /api/organizer/sessions/{id}/doors/{link}/revoke`
    pub async fn revoke_door_link(&self, session: i32, link: i32) -> Answer<DoorLink> {
        self.post(
            &format!("/api/organizer/sessions/{session}/doors/{link}/revoke"),
            &json!({}),
        )
        .await
    }

    /// `GET /api/door`
    pub async fn door_info(&self) -> Answer<DoorInfo> {
        self.get("/api/door").await
    }

    // Applications.

    /// `POST /api/applications`
    pub async fn submit(&self, form: &ApplicationForm) -> Answer<ApplicationDetail> {
        self.post("/api/applications", form).await
    }

    /// `PUT /api/applications/{id}`
    pub async fn resubmit(&self, id: i32, form: &ApplicationForm) -> Answer<ApplicationDetail> {
        self.put(&format!("/api/applications/{id}"), form).await
    }

    /// `POST /api/applications/{id}/withdraw`
    pub async fn withdraw_application(&self, id: i32) -> Answer<ApplicationDetail> {
        self.post(&format!("/api/applications/{id}/withdraw"), &json!({}))
            .await
    }

    /// `GET /api/applications`
    pub async fn my_applications(&self) -> Answer<Vec<ApplicationSummary>> {
        self.get("/api/applications").await
    }

    /// `GET /api/applications/{id}`
    pub async fn application(&self, id: i32) -> Answer<ApplicationDetail> {
        self.get(&format!("/api/applications/{id}")).await
    }

    /// `POST /api/documents?kind=&name=` with the file's bytes.
    pub async fn upload(
        &self,
        kind: DocumentKind,
        name: &str,
        bytes: &[u8],
    ) -> Answer<DocumentView> {
        self.send(
            self.http
                .post(self.url(&format!(
                    "/api/documents?kind={kind}&name={}",
                    url_escape(name)
                )))
                .header("content-type", "application/octet-stream")
                .body(bytes.to_vec()),
        )
        .await
    }

    /// `GET /api/documents`
    pub async fn unattached_documents(&self) -> Answer<Vec<DocumentView>> {
        self.get("/api/documents").await
    }

    /// `GET /api/review/applications?…`
    pub async fn review_queue(&self, query: &str) -> Answer<Vec<ApplicationSummary>> {
        self.get(&format!("/api/review/applications?{query}")).await
    }

    /// Any `GET` answering JSON (endpoints with no method of their own here).
    pub async fn get_json<T: DeserializeOwned>(&self, path: &str) -> Answer<T> {
        self.get(path).await
    }

    /// Any `POST` of a JSON body.
    pub async fn post_json<B: Serialize, T: DeserializeOwned>(
        &self,
        path: &str,
        body: &B,
    ) -> Answer<T> {
        self.post(path, body).await
    }

    /// `GET /api/review/dashboard?{query}`
    pub async fn review_dashboard(
        &self,
        query: &str,
    ) -> Answer<domain::application::ReviewDashboard> {
        self.get(&format!("/api/review/dashboard?{query}")).await
    }

    /// `POST /api/review/applications/{id}/actions`
    pub async fn act(&self, id: i32, action: &ReviewAction) -> Answer<ApplicationDetail> {
        self.post(&format!("/api/review/applications/{id}/actions"), action)
            .await
    }

    /// `POST /api/review/bulk-approve`
    pub async fn bulk_approve(&self, round: chrono::NaiveDate) -> Answer<BulkApproveResult> {
        self.post("/api/review/bulk-approve", &json!({ "round": round }))
            .await
    }

    /// `POST /api/review/bulk-approve` with `dry_run`: what it would approve.
    pub async fn bulk_approve_dry_run(
        &self,
        round: chrono::NaiveDate,
    ) -> Answer<BulkApproveResult> {
        self.post(
            "/api/review/bulk-approve",
            &json!({ "round": round, "dry_run": true }),
        )
        .await
    }

    // Identity.

    /// `POST /api/auth/verify-email`
    pub async fn verify_email(&self, token: &str) -> Answer<IdentityView> {
        self.post("/api/auth/verify-email", &json!({ "token": token }))
            .await
    }

    /// `POST /api/identity/resend`
    pub async fn resend_link(&self) -> Answer<()> {
        self.post("/api/identity/resend", &json!({})).await
    }

    /// `POST /api/identity/licence`
    pub async fn send_licence(&self, document_id: i32) -> Answer<RequestView> {
        self.post(
            "/api/identity/licence",
            &json!({ "document_id": document_id }),
        )
        .await
    }

    /// `GET /api/review/identities?status=`
    pub async fn identity_queue(&self, status: &str) -> Answer<Vec<QueueItem>> {
        self.get(&format!("/api/review/identities?status={status}"))
            .await
    }

    /// `GET /api/review/identities/{id}`
    pub async fn identity_request(&self, id: i32) -> Answer<QueueItem> {
        self.get(&format!("/api/review/identities/{id}")).await
    }

    /// `POST /api/review/identities/{id}/decide`
    pub async fn decide_identity(
        &self,
        id: i32,
        verified: bool,
        reason: &str,
    ) -> Answer<QueueItem> {
        self.post(
            &format!("/api/review/identities/{id}/decide"),
            &json!({ "verified": verified, "reason": reason }),
        )
        .await
    }

    // Registry.

    /// `POST /api/registry/import?dry_run=` with a CSV body.
    pub async fn import_registry(&self, csv: &str, dry_run: bool) -> Answer<RegistryImportReport> {
        self.send(
            self.http
                .post(self.url(&format!("/api/registry/import?dry_run={dry_run}")))
                .header("content-type", "text/csv; charset=utf-8")
                .body(csv.to_owned()),
        )
        .await
    }

    /// `GET /api/registry/search?q=&birth_date=`
    pub async fn search_registry(&self, q: &str, birth_date: &str) -> Answer<Vec<RegistryHit>> {
        self.get(&format!(
            "/api/registry/search?q={}&birth_date={}",
            url_escape(q),
            url_escape(birth_date)
        ))
        .await
    }

    // Admin.

    /// `GET /api/admin/users`
    pub async fn users(&self) -> Answer<Vec<UserSummary>> {
        self.get("/api/admin/users").await
    }

    /// `POST /api/admin/users`
    pub async fn create_user(&self, req: &CreateUser) -> Answer<UserSummary> {
        self.post("/api/admin/users", req).await
    }

    /// `GET /api/admin/outbox`
    pub async fn outbox(&self) -> Answer<Vec<OutboxMail>> {
        self.get("/api/admin/outbox").await
    }

    /// `GET /api/admin/outbox?before=`
    pub async fn outbox_before(&self, before: i32) -> Answer<Vec<OutboxMail>> {
        self.get(&format!("/api/admin/outbox?before={before}"))
            .await
    }
}

/// Percent-encodes a query value.
pub fn url_escape(text: &str) -> String {
    let mut out = String::new();
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}
