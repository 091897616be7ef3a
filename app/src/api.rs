//! The typed API client: one function per endpoint. Cookies go with every same-origin request.

use domain::account::RegistrationForm;
use domain::api::{
    AttendanceRow, ContactForm, CreateUser, CreditPage, DoorInfo, DoorLink, DoorLinkCreated,
    ErrorBody, ErrorInfo, HandbookRequest, ImportReport, LedgerEntry, LoginRequest, Me, MyPage,
    NewDoorLink, PhysicianProfile, PostRequest, PostResult, PublicSession, QrCode, ScanRequest,
    ScanResult, SessionCorrection, UserSummary,
};
use domain::application::{
    ApplicationDetail, ApplicationForm, ApplicationSummary, BulkApproveRequest, BulkApproveResult,
    DocumentKind, DocumentView, OutboxMail, ReviewAction,
};
use domain::identity::{EmailToken, IdentityView, QueueItem, RequestView};
use domain::registry::{RegistryHit, RegistryImportReport};
use domain::signin::{
    AccountSummary, AccountView, AuditEntry, AuditQuery, DeviceSession, EmailChange, LinkToken,
    LoginAnswer, PasswordChange, RecoveryCodes, ResetConfirm, ResetRequest, TwoFactorCode,
    TwoFactorEnabled, TwoFactorOff, TwoFactorSetup,
};
use domain::{FieldError, Message};
use gloo_net::http::{Request, Response};
use serde::Serialize;
use serde::de::DeserializeOwned;

/// Why a request failed.
#[derive(Clone, Debug, PartialEq)]
pub struct ApiFailure {
    /// HTTP status (0 when the network failed).
    pub status: u16,
    /// The server's error, when it sent one.
    pub info: Option<ErrorInfo>,
}

impl ApiFailure {
    /// The message to show.
    pub fn message(&self) -> Message {
        self.info
            .as_ref()
            .map(|i| i.message.clone())
            .unwrap_or_else(|| Message::key("common.network"))
    }

    /// Per-field problems.
    pub fn fields(&self) -> Vec<FieldError> {
        self.info
            .as_ref()
            .map(|i| i.fields.clone())
            .unwrap_or_default()
    }
}

fn network(_: gloo_net::Error) -> ApiFailure {
    ApiFailure {
        status: 0,
        info: None,
    }
}

/// A successful answer this client could not read (a newer server, or a bug): never reported
/// as a network problem, which would send a physician looking for reception.
fn unreadable(status: u16) -> ApiFailure {
    ApiFailure {
        status,
        info: Some(ErrorInfo {
            code: "unreadable_answer".into(),
            message: Message::key("common.unreadable_answer"),
            fields: Vec::new(),
            retry_after_seconds: None,
        }),
    }
}

async fn decode<T: DeserializeOwned>(resp: Response) -> Result<T, ApiFailure> {
    if resp.ok() {
        let status = resp.status();
        let text = resp.text().await.map_err(network)?;
        serde_json::from_str::<T>(&text).map_err(|_| unreadable(status))
    } else {
        let info = resp.json::<ErrorBody>().await.ok().map(|b| b.error);
        Err(ApiFailure {
            status: resp.status(),
            info,
        })
    }
}

/// For answers without a body (204): success, or our error shape.
async fn no_content(resp: Response) -> Result<(), ApiFailure> {
    if resp.ok() {
        return Ok(());
    }
    let info = resp.json::<ErrorBody>().await.ok().map(|b| b.error);
    Err(ApiFailure {
        status: resp.status(),
        info,
    })
}

async fn get<T: DeserializeOwned>(path: &str) -> Result<T, ApiFailure> {
    decode(Request::get(path).send().await.map_err(network)?).await
}

async fn post<B: Serialize, T: DeserializeOwned>(path: &str, body: &B) -> Result<T, ApiFailure> {
    let req = Request::post(path).json(body).map_err(network)?;
    decode(req.send().await.map_err(network)?).await
}

async fn put<B: Serialize, T: DeserializeOwned>(path: &str, body: &B) -> Result<T, ApiFailure> {
    let req = Request::put(path).json(body).map_err(network)?;
    decode(req.send().await.map_err(network)?).await
}

/// A POST that says nothing but its address (an action on the resource), answering JSON.
async fn command<T: DeserializeOwned>(path: &str) -> Result<T, ApiFailure> {
    post(path, &serde_json::json!({})).await
}

/// A POST that says nothing but its address, answering 204.
async fn command_done(path: &str) -> Result<(), ApiFailure> {
    post_empty(path, &serde_json::json!({})).await
}

/// `GET /api/me`; `Ok(None)` when nobody is logged in.
pub async fn me() -> Result<Option<Me>, ApiFailure> {
    match get::<Me>("/api/me").await {
        Ok(me) => Ok(Some(me)),
        Err(e) if e.status == 401 => Ok(None),
        Err(e) => Err(e),
    }
}

/// `POST /api/auth/login`: the stage the new session is at.
pub async fn login(req: &LoginRequest) -> Result<LoginAnswer, ApiFailure> {
    post("/api/auth/login", req).await
}

/// `POST /api/auth/two-factor`
pub async fn second_factor(code: &str) -> Result<LoginAnswer, ApiFailure> {
    post("/api/auth/two-factor", &TwoFactorCode { code: code.into() }).await
}

/// `POST /api/auth/password-reset` (202 whether or not the address has an account)
pub async fn request_reset(email: &str) -> Result<(), ApiFailure> {
    post_empty(
        "/api/auth/password-reset",
        &ResetRequest {
            email: email.into(),
        },
    )
    .await
}

/// `POST /api/auth/password-reset/confirm`
pub async fn confirm_reset(req: &ResetConfirm) -> Result<(), ApiFailure> {
    post_empty("/api/auth/password-reset/confirm", req).await
}

/// `POST /api/auth/email-change/confirm`
pub async fn confirm_email_change(token: &str) -> Result<(), ApiFailure> {
    post_empty(
        "/api/auth/email-change/confirm",
        &LinkToken {
            token: token.into(),
        },
    )
    .await
}

/// `GET /api/account`
pub async fn account() -> Result<AccountView, ApiFailure> {
    get("/api/account").await
}

/// `POST /api/account/password`
pub async fn change_password(req: &PasswordChange) -> Result<LoginAnswer, ApiFailure> {
    post("/api/account/password", req).await
}

/// `POST /api/account/email`
pub async fn change_email(req: &EmailChange) -> Result<(), ApiFailure> {
    post_empty("/api/account/email", req).await
}

/// `GET /api/account/sessions`
pub async fn devices() -> Result<Vec<DeviceSession>, ApiFailure> {
    get("/api/account/sessions").await
}

/// `POST /api/account/sessions/{id}/end`
pub async fn end_device(id: &str) -> Result<(), ApiFailure> {
    command_done(&format!("/api/account/sessions/{id}/end")).await
}

/// `POST /api/account/sessions/end-others`
pub async fn end_other_devices() -> Result<(), ApiFailure> {
    command_done("/api/account/sessions/end-others").await
}

/// `POST /api/account/two-factor/setup`
pub async fn start_two_factor() -> Result<TwoFactorSetup, ApiFailure> {
    command("/api/account/two-factor/setup").await
}

/// `POST /api/account/two-factor/enable`
pub async fn enable_two_factor(code: &str) -> Result<TwoFactorEnabled, ApiFailure> {
    post(
        "/api/account/two-factor/enable",
        &TwoFactorCode { code: code.into() },
    )
    .await
}

/// `POST /api/account/two-factor/disable`
pub async fn disable_two_factor(req: &TwoFactorOff) -> Result<(), ApiFailure> {
    post_empty("/api/account/two-factor/disable", req).await
}

/// `POST /api/account/two-factor/recovery-codes`
pub async fn new_recovery_codes(code: &str) -> Result<RecoveryCodes, ApiFailure> {
    post(
        "/api/account/two-factor/recovery-codes",
        &TwoFactorCode { code: code.into() },
    )
    .await
}

/// `GET /api/admin/accounts?q=`
pub async fn admin_accounts(q: &str) -> Result<Vec<AccountSummary>, ApiFailure> {
    let q = String::from(js_sys::encode_uri_component(q));
    get(&format!("/api/admin/accounts?q={q}")).await
}

/// `GET /api/admin/accounts/{id}`
pub async fn admin_account(id: i32) -> Result<AccountSummary, ApiFailure> {
    get(&format!("/api/admin/accounts/{id}")).await
}

/// `PUT /api/admin/accounts/{id}`: name, prefecture, organizing body.
pub async fn admin_edit(
    id: i32,
    req: &domain::signin::AccountEdit,
) -> Result<AccountSummary, ApiFailure> {
    put(&format!("/api/admin/accounts/{id}"), req).await
}

/// `POST /api/admin/accounts/{id}/disable` or `…/enable`
pub async fn admin_set_disabled(id: i32, disabled: bool) -> Result<AccountSummary, ApiFailure> {
    let action = if disabled { "disable" } else { "enable" };
    command(&format!("/api/admin/accounts/{id}/{action}")).await
}

/// `POST /api/admin/accounts/{id}/reset-password`
pub async fn admin_force_reset(id: i32) -> Result<(), ApiFailure> {
    command_done(&format!("/api/admin/accounts/{id}/reset-password")).await
}

/// `GET /api/admin/accounts/{id}/audit`
pub async fn admin_trail(id: i32) -> Result<Vec<AuditEntry>, ApiFailure> {
    get(&format!("/api/admin/accounts/{id}/audit")).await
}

/// `GET /api/admin/audit?…`: the filters that are set.
pub async fn admin_audit(q: &AuditQuery) -> Result<Vec<AuditEntry>, ApiFailure> {
    let mut parts = Vec::new();
    let enc = |v: &str| String::from(js_sys::encode_uri_component(v));
    if let Some(a) = q.actor {
        parts.push(format!("actor={a}"));
    }
    if let Some(e) = q.entity.as_deref().filter(|e| !e.is_empty()) {
        parts.push(format!("entity={}", enc(e)));
    }
    if let Some(a) = q.action.as_deref().filter(|a| !a.is_empty()) {
        parts.push(format!("action={}", enc(a)));
    }
    if let Some(d) = q.from {
        parts.push(format!("from={d}"));
    }
    if let Some(d) = q.to {
        parts.push(format!("to={d}"));
    }
    if let Some(b) = q.before {
        parts.push(format!("before={b}"));
    }
    get(&format!("/api/admin/audit?{}", parts.join("&"))).await
}

/// A POST whose answer has no body (202, 204).
async fn post_empty<B: Serialize>(path: &str, body: &B) -> Result<(), ApiFailure> {
    no_content(
        Request::post(path)
            .json(body)
            .map_err(network)?
            .send()
            .await
            .map_err(network)?,
    )
    .await
}

/// `POST /api/auth/register`
pub async fn register(form: &RegistrationForm) -> Result<(), ApiFailure> {
    post::<_, serde_json::Value>("/api/auth/register", form)
        .await
        .map(|_| ())
}

/// `POST /api/auth/logout`
pub async fn logout() -> Result<(), ApiFailure> {
    command_done("/api/auth/logout").await
}

/// `GET /api/mypage`
pub async fn my_page() -> Result<MyPage, ApiFailure> {
    get("/api/mypage").await
}

/// `GET /api/sessions?from=`: published sessions from a day on.
pub async fn sessions(from: chrono::NaiveDate) -> Result<Vec<PublicSession>, ApiFailure> {
    get(&format!("/api/sessions?from={from}")).await
}

/// `POST /api/admin/users`
pub async fn create_user(req: &CreateUser) -> Result<UserSummary, ApiFailure> {
    post("/api/admin/users", req).await
}

/// `POST /api/mypage/handbook`
pub async fn declare_handbook(req: &HandbookRequest) -> Result<LedgerEntry, ApiFailure> {
    post("/api/mypage/handbook", req).await
}

/// `PUT /api/mypage/handbook/{id}`
pub async fn correct_handbook(id: i32, req: &HandbookRequest) -> Result<LedgerEntry, ApiFailure> {
    put(&format!("/api/mypage/handbook/{id}"), req).await
}

/// `DELETE /api/mypage/handbook/{id}`
pub async fn withdraw_handbook(id: i32) -> Result<(), ApiFailure> {
    no_content(
        Request::delete(&format!("/api/mypage/handbook/{id}"))
            .send()
            .await
            .map_err(network)?,
    )
    .await
}

/// `GET /api/mypage/plans`: the sessions planned in the preview (ids).
pub async fn plans() -> Result<Vec<i32>, ApiFailure> {
    get("/api/mypage/plans").await
}

/// `PUT /api/mypage/plans/{id}`: a change or cancellation of the session will be told.
pub async fn plan(id: i32) -> Result<(), ApiFailure> {
    let req = Request::put(&format!("/api/mypage/plans/{id}"))
        .json(&serde_json::json!({}))
        .map_err(network)?;
    no_content(req.send().await.map_err(network)?).await
}

/// `DELETE /api/mypage/plans/{id}`
pub async fn unplan(id: i32) -> Result<(), ApiFailure> {
    no_content(
        Request::delete(&format!("/api/mypage/plans/{id}"))
            .send()
            .await
            .map_err(network)?,
    )
    .await
}

/// `GET /api/mypage/qr`
pub async fn qr() -> Result<QrCode, ApiFailure> {
    get("/api/mypage/qr").await
}

/// `PUT /api/mypage/profile`
pub async fn update_profile(form: &ContactForm) -> Result<PhysicianProfile, ApiFailure> {
    put("/api/mypage/profile", form).await
}

/// The CSV export's address (a plain download link).
pub const CREDITS_CSV: &str = "/api/mypage/credits.csv";

/// The review queue as CSV (its query and `lang` added by the page).
pub const QUEUE_CSV: &str = "/api/review/applications.csv";

/// The transcript PDF's address (a plain download link; the history's filters follow it).
pub const TRANSCRIPT_PDF: &str = "/api/mypage/transcript.pdf";

/// The address of a certificate's PDF (a plain download link).
pub fn certificate_pdf(number: &str) -> String {
    format!(
        "/api/mypage/certificates/{}/pdf",
        String::from(js_sys::encode_uri_component(number))
    )
}

/// `GET /api/mypage/notices`
pub async fn notices() -> Result<domain::notices::Notices, ApiFailure> {
    get("/api/mypage/notices").await
}

/// `PUT /api/mypage/notices/settings`
pub async fn set_notice_settings(
    s: &domain::notices::NoticeSettings,
) -> Result<domain::notices::NoticeSettings, ApiFailure> {
    put("/api/mypage/notices/settings", s).await
}

/// `GET /api/verify/{code}`: what anyone may know of a printed certificate.
pub async fn verify_certificate(
    code: &str,
) -> Result<domain::notices::VerifiedCertificate, ApiFailure> {
    get(&format!(
        "/api/verify/{}",
        String::from(js_sys::encode_uri_component(code))
    ))
    .await
}

/// `GET /api/mypage/credits`: one page of the filtered history with its totals.
pub async fn credits(
    filter: &domain::ledger::HistoryFilter,
    page: u32,
) -> Result<CreditPage, ApiFailure> {
    let query = history_query(filter);
    get(&format!(
        "/api/mypage/credits?page={page}&per_page={HISTORY_PAGE}&{query}"
    ))
    .await
}

/// The history's filters as a query string (for the page and its CSV).
pub fn history_query(filter: &domain::ledger::HistoryFilter) -> String {
    let mut parts = Vec::new();
    if let Some(c) = filter.certification {
        parts.push(format!("certification={c}"));
    }
    if let Some(c) = filter.category {
        parts.push(format!("category={c}"));
    }
    if let Some(d) = filter.from {
        parts.push(format!("from={d}"));
    }
    if let Some(d) = filter.to {
        parts.push(format!("to={d}"));
    }
    parts.join("&")
}

/// Entries per page of the history.
pub const HISTORY_PAGE: u32 = 30;

/// `GET /api/organizer/sessions`
pub async fn my_sessions() -> Result<Vec<PublicSession>, ApiFailure> {
    get("/api/organizer/sessions").await
}

/// `POST /api/organizer/sessions`
pub async fn create_session(
    form: &domain::sessions::SessionForm,
) -> Result<PublicSession, ApiFailure> {
    post("/api/organizer/sessions", form).await
}

/// `GET /api/organizer/sessions/{id}/form`: the session as its form, to edit it.
pub async fn session_form(id: i32) -> Result<domain::sessions::SessionForm, ApiFailure> {
    get(&format!("/api/organizer/sessions/{id}/form")).await
}

/// `PUT /api/organizer/sessions/{id}`
pub async fn edit_session(
    id: i32,
    form: &domain::sessions::SessionForm,
) -> Result<PublicSession, ApiFailure> {
    put(&format!("/api/organizer/sessions/{id}"), form).await
}

/// `GET /api/review/sessions?state=&prefecture=&after=`: the designation queue (`prefecture`:
/// a JIS code, or empty for every one JMA sees).
pub async fn designation_queue(
    state: &str,
    prefecture: &str,
    after: Option<i32>,
) -> Result<Vec<domain::sessions::DesignationItem>, ApiFailure> {
    let after = after.map(|a| format!("&after={a}")).unwrap_or_default();
    get(&format!(
        "/api/review/sessions?state={state}&prefecture={prefecture}{after}"
    ))
    .await
}

/// `POST /api/review/sessions/{id}/designate`
pub async fn designate_session(
    id: i32,
    req: &domain::sessions::DesignateRequest,
) -> Result<domain::sessions::DesignationItem, ApiFailure> {
    post(&format!("/api/review/sessions/{id}/designate"), req).await
}

/// `POST /api/review/sessions/{id}/return`
pub async fn return_session(
    id: i32,
    req: &domain::sessions::ReturnRequest,
) -> Result<domain::sessions::DesignationItem, ApiFailure> {
    post(&format!("/api/review/sessions/{id}/return"), req).await
}

/// `POST /api/admin/certificates/{number}/revoke` (JMA staff).
pub async fn revoke_certificate(
    number: &str,
    reason: &str,
) -> Result<domain::standing::CertificateStatus, ApiFailure> {
    post(
        &format!(
            "/api/admin/certificates/{}/revoke",
            js_sys::encode_uri_component(number)
        ),
        &serde_json::json!({ "reason": reason }),
    )
    .await
}

/// `POST /api/organizer/sessions/{id}/cancel`
pub async fn cancel_session(id: i32) -> Result<PublicSession, ApiFailure> {
    command(&format!("/api/organizer/sessions/{id}/cancel")).await
}

/// Where check-in requests go: the organizer's own session, or a helper's link (its token in
/// the `X-Nintei-Door` header; the server knows the session from it).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Door {
    /// The organizer, logged in, at session `id`.
    Organizer(i32),
    /// A helper's device with the link's token.
    Helper(String),
}

/// How long a door request may go unanswered before the device gives it up (and keeps the scan).
pub const DOOR_DEADLINE_SECONDS: u64 = 10;

impl Door {
    fn url(&self, rest: &str) -> String {
        match self {
            Door::Organizer(id) => format!("/api/organizer/sessions/{id}{rest}"),
            Door::Helper(_) => format!("/api/door{rest}"),
        }
    }

    /// The request with the helper's token, and a deadline: a door request that has no answer
    /// after [`DOOR_DEADLINE_SECONDS`] is given up (a hall's Wi-Fi that swallows packets, a server
    /// going away mid-request) and counts as no network, so the queue keeps the scan and tries
    /// again instead of waiting on it for ever.
    fn with_token(&self, req: gloo_net::http::RequestBuilder) -> gloo_net::http::RequestBuilder {
        let req = match web_sys::AbortController::new() {
            Ok(controller) => {
                let signal = controller.signal();
                leptos::prelude::set_timeout(
                    move || controller.abort(),
                    std::time::Duration::from_secs(DOOR_DEADLINE_SECONDS),
                );
                req.abort_signal(Some(&signal))
            }
            Err(_) => req,
        };
        match self {
            Door::Organizer(_) => req,
            Door::Helper(token) => req.header("x-nintei-door", token),
        }
    }

    /// Where this device keeps what it knows of the link's session (for an offline reload and
    /// a handover).
    pub fn session_key(&self) -> String {
        format!("{}.session", self.queue_key())
    }

    /// Where this device keeps who was in the hall when it last asked (for offline use).
    pub fn presence_key(&self) -> String {
        format!("{}.presence", self.queue_key())
    }

    /// Where this device keeps its unsent scans.
    pub fn queue_key(&self) -> String {
        match self {
            Door::Organizer(id) => format!("nintei.queue.{id}"),
            Door::Helper(token) => format!("nintei.queue.door.{}", &token[..token.len().min(12)]),
        }
    }
}

/// Records a scan (`…/scans`).
pub async fn scan(door: &Door, req: &ScanRequest) -> Result<ScanResult, ApiFailure> {
    let req = door
        .with_token(Request::post(&door.url("/scans")))
        .json(req)
        .map_err(network)?;
    decode(req.send().await.map_err(network)?).await
}

/// Who is in the hall now (`…/presence`).
pub async fn presence(door: &Door) -> Result<domain::api::DoorPresence, ApiFailure> {
    decode(
        door.with_token(Request::get(&door.url("/presence")))
            .send()
            .await
            .map_err(network)?,
    )
    .await
}

/// The address of a session's attendance export (`csv` or `pdf`), a plain download link.
pub fn attendance_export(session: i32, format: &str, lang: domain::Lang) -> String {
    format!(
        "/api/organizer/sessions/{session}/attendance.{format}?lang={}",
        lang.code()
    )
}

/// Undoes a scan with a reason (`…/scans/{scan}/undo`).
pub async fn undo_scan(door: &Door, scan: i32, reason: &str) -> Result<(), ApiFailure> {
    let req = door
        .with_token(Request::post(&door.url(&format!("/scans/{scan}/undo"))))
        .json(&serde_json::json!({ "reason": reason }))
        .map_err(network)?;
    no_content(req.send().await.map_err(network)?).await
}

/// One person's scans in the session (`…/people/{registry}/scans`), to undo the right one.
pub async fn person_scans(
    door: &Door,
    registry: &str,
) -> Result<Vec<domain::api::ScanLine>, ApiFailure> {
    let url = match door {
        Door::Organizer(_) => door.url(&format!("/people/{registry}/scans")),
        Door::Helper(_) => format!("/api/door/people/{registry}/scans"),
    };
    decode(
        door.with_token(Request::get(&url))
            .send()
            .await
            .map_err(network)?,
    )
    .await
}

/// `POST /api/door/status`: what a helper's device still holds (organizers' devices keep it
/// to themselves).
pub async fn report_status(door: &Door, unsent: usize) -> Result<(), ApiFailure> {
    if let Door::Helper(_) = door {
        let req = door
            .with_token(Request::post("/api/door/status"))
            .json(&domain::api::DeviceStatus {
                unsent: u32::try_from(unsent).unwrap_or(u32::MAX),
            })
            .map_err(network)?;
        no_content(req.send().await.map_err(network)?).await?;
    }
    Ok(())
}

/// A physician by full name and date of birth (`…/lookup`).
pub async fn lookup(
    door: &Door,
    name: &str,
    birth_date: chrono::NaiveDate,
) -> Result<Vec<domain::api::LookupHit>, ApiFailure> {
    let url = door.url(&format!(
        "/lookup?name={}&birth_date={birth_date}",
        String::from(js_sys::encode_uri_component(name))
    ));
    decode(
        door.with_token(Request::get(&url))
            .send()
            .await
            .map_err(network)?,
    )
    .await
}

/// `GET /api/door`: the helper link's session.
pub async fn door_info(token: &str) -> Result<DoorInfo, ApiFailure> {
    let door = Door::Helper(token.to_owned());
    decode(
        door.with_token(Request::get("/api/door"))
            .send()
            .await
            .map_err(network)?,
    )
    .await
}

/// `GET /api/qr/public-key`: the key that signs My Page QR codes.
pub async fn qr_public_key() -> Result<String, ApiFailure> {
    let v: serde_json::Value = get("/api/qr/public-key").await?;
    Ok(v["public_key"].as_str().unwrap_or_default().to_owned())
}

/// `GET /api/organizer/sessions/{id}`: one of the organizer's sessions.
pub async fn my_session(session: i32) -> Result<PublicSession, ApiFailure> {
    get(&format!("/api/organizer/sessions/{session}")).await
}

/// `GET /api/organizer/sessions/{id}/doors`
pub async fn door_links(session: i32) -> Result<Vec<DoorLink>, ApiFailure> {
    get(&format!("/api/organizer/sessions/{session}/doors")).await
}

/// `POST /api/organizer/sessions/{id}/doors`
pub async fn create_door_link(
    session: i32,
    req: &NewDoorLink,
) -> Result<DoorLinkCreated, ApiFailure> {
    post(&format!("/api/organizer/sessions/{session}/doors"), req).await
}

/// `POST /api/organizer/sessions/{id}/doors/{link}/revoke`
pub async fn revoke_door_link(
    session: i32,
    link: i32,
    confirm_unsent: bool,
) -> Result<DoorLink, ApiFailure> {
    post(
        &format!("/api/organizer/sessions/{session}/doors/{link}/revoke"),
        &domain::api::RevokeRequest { confirm_unsent },
    )
    .await
}

/// `POST /api/organizer/sessions/{id}/corrections`
pub async fn correct_session(
    session: i32,
    req: &SessionCorrection,
) -> Result<AttendanceRow, ApiFailure> {
    post(
        &format!("/api/organizer/sessions/{session}/corrections"),
        req,
    )
    .await
}

/// `POST /api/organizer/sessions/{id}/import?dry_run=`: a paper attendance sheet (CSV text).
pub async fn import_attendance(
    session: i32,
    csv: String,
    dry_run: bool,
) -> Result<ImportReport, ApiFailure> {
    let req = Request::post(&format!(
        "/api/organizer/sessions/{session}/import?dry_run={dry_run}"
    ))
    .header("content-type", "text/csv; charset=utf-8")
    .body(csv)
    .map_err(network)?;
    decode(req.send().await.map_err(network)?).await
}

/// `GET /api/sessions?from=&prefecture=&category=`: the public list, filtered.
pub async fn find_sessions(query: &str) -> Result<Vec<PublicSession>, ApiFailure> {
    get(&format!("/api/sessions?{query}")).await
}

/// `GET /api/sessions/{id}`: one published session.
pub async fn session(id: i32) -> Result<PublicSession, ApiFailure> {
    get(&format!("/api/sessions/{id}")).await
}

/// `GET /api/organizer/sessions/{id}/attendance`
pub async fn attendance(session: i32) -> Result<Vec<AttendanceRow>, ApiFailure> {
    get(&format!("/api/organizer/sessions/{session}/attendance")).await
}

/// `POST /api/organizer/sessions/{id}/post`
pub async fn post_session(session: i32, req: &PostRequest) -> Result<PostResult, ApiFailure> {
    post(&format!("/api/organizer/sessions/{session}/post"), req).await
}

/// `GET /api/applications`: the physician's applications.
pub async fn my_applications() -> Result<Vec<ApplicationSummary>, ApiFailure> {
    get("/api/applications").await
}

/// `POST /api/applications`
pub async fn submit_application(form: &ApplicationForm) -> Result<ApplicationDetail, ApiFailure> {
    post("/api/applications", form).await
}

/// `PUT /api/applications/{id}`: resubmit after a correction request.
pub async fn resubmit_application(
    id: i32,
    form: &ApplicationForm,
) -> Result<ApplicationDetail, ApiFailure> {
    put(&format!("/api/applications/{id}"), form).await
}

/// `POST /api/applications/{id}/withdraw`
pub async fn withdraw_application(id: i32) -> Result<ApplicationDetail, ApiFailure> {
    command(&format!("/api/applications/{id}/withdraw")).await
}

/// `GET /api/applications/{id}`
pub async fn application(id: i32) -> Result<ApplicationDetail, ApiFailure> {
    get(&format!("/api/applications/{id}")).await
}

/// The download address of a document.
pub fn document_url(id: i32) -> String {
    format!("/api/documents/{id}")
}

/// `GET /api/review/unattached`
pub async fn unattached() -> Result<Vec<domain::api::UnattachedCredit>, ApiFailure> {
    get("/api/review/unattached").await
}

/// `POST /api/review/unattached/{id}/attach`
pub async fn attach_unattached(
    id: i32,
    req: &domain::api::AttachRequest,
) -> Result<(), ApiFailure> {
    post_empty(&format!("/api/review/unattached/{id}/attach"), req).await
}

/// `POST /api/review/sessions/additions`: a later addition by the prefecture.
pub async fn add_late(
    req: &domain::api::LateAddition,
) -> Result<domain::api::LateAdded, ApiFailure> {
    post("/api/review/sessions/additions", req).await
}

/// `GET /api/review/dashboard` (JMA: `prefecture` a JIS code, or empty for the country).
pub async fn review_dashboard(
    prefecture: &str,
) -> Result<domain::application::ReviewDashboard, ApiFailure> {
    get(&format!("/api/review/dashboard?prefecture={prefecture}")).await
}

/// `GET /api/review/applications` with the queue's filters.
pub async fn review_queue(query: &str) -> Result<Vec<ApplicationSummary>, ApiFailure> {
    get(&format!("/api/review/applications?{query}")).await
}

/// `POST /api/review/applications/{id}/actions`
pub async fn review_action(
    id: i32,
    action: &ReviewAction,
) -> Result<ApplicationDetail, ApiFailure> {
    post(&format!("/api/review/applications/{id}/actions"), action).await
}

/// `POST /api/review/bulk-approve`
pub async fn bulk_approve(
    round: chrono::NaiveDate,
    dry_run: bool,
) -> Result<BulkApproveResult, ApiFailure> {
    post(
        "/api/review/bulk-approve",
        &BulkApproveRequest { round, dry_run },
    )
    .await
}

/// `GET /api/admin/outbox?before=`: the newest mails, or those older than `before`.
pub async fn outbox(before: Option<i32>) -> Result<Vec<OutboxMail>, ApiFailure> {
    match before {
        Some(id) => get(&format!("/api/admin/outbox?before={id}")).await,
        None => get("/api/admin/outbox").await,
    }
}

/// `POST /api/documents?kind=&name=`: uploads `bytes` with progress (0–100) reported to
/// `progress`.
pub async fn upload_document(
    kind: DocumentKind,
    name: &str,
    bytes: &[u8],
    progress: impl Fn(u32) + 'static,
) -> Result<DocumentView, ApiFailure> {
    let path = format!(
        "/api/documents?kind={kind}&name={}",
        String::from(js_sys::encode_uri_component(name))
    );
    send_with_progress(&path, "application/octet-stream", bytes, progress).await
}

/// `POST /api/registry/import?dry_run=`: JMA's registry export (CSV), with upload progress.
pub async fn import_registry(
    csv: &[u8],
    dry_run: bool,
    progress: impl Fn(u32) + 'static,
) -> Result<RegistryImportReport, ApiFailure> {
    send_with_progress(
        &format!("/api/registry/import?dry_run={dry_run}"),
        "text/csv; charset=utf-8",
        csv,
        progress,
    )
    .await
}

/// POSTs `bytes` with the upload's progress (0–100) reported to `progress`. XMLHttpRequest,
/// because fetch reports no upload progress.
async fn send_with_progress<T: DeserializeOwned>(
    path: &str,
    content_type: &str,
    bytes: &[u8],
    progress: impl Fn(u32) + 'static,
) -> Result<T, ApiFailure> {
    use wasm_bindgen::JsCast;
    use wasm_bindgen::closure::Closure;
    let fail = |_| ApiFailure {
        status: 0,
        info: None,
    };
    let xhr = web_sys::XmlHttpRequest::new().map_err(fail)?;
    xhr.open("POST", path).map_err(fail)?;
    xhr.set_request_header("content-type", content_type)
        .map_err(fail)?;
    let on_progress =
        Closure::<dyn Fn(web_sys::ProgressEvent)>::new(move |e: web_sys::ProgressEvent| {
            if e.length_computable() && e.total() > 0.0 {
                progress((e.loaded() / e.total() * 100.0).round() as u32);
            }
        });
    if let Ok(upload) = xhr.upload() {
        upload.set_onprogress(Some(on_progress.as_ref().unchecked_ref()));
    }
    let done = js_sys::Promise::new(&mut |resolve, _reject| {
        let resolve2 = resolve.clone();
        let on_load = Closure::once_into_js(move || {
            let _ = resolve.call0(&wasm_bindgen::JsValue::NULL);
        });
        let on_error = Closure::once_into_js(move || {
            let _ = resolve2.call0(&wasm_bindgen::JsValue::NULL);
        });
        xhr.set_onloadend(Some(on_load.unchecked_ref()));
        xhr.set_onerror(Some(on_error.unchecked_ref()));
    });
    let array = js_sys::Uint8Array::from(bytes);
    xhr.send_with_opt_buffer_source(Some(&array))
        .map_err(fail)?;
    let _ = wasm_bindgen_futures::JsFuture::from(done).await;
    drop(on_progress);
    let status = xhr.status().unwrap_or(0);
    let text = xhr.response_text().ok().flatten().unwrap_or_default();
    if (200..300).contains(&status) {
        serde_json::from_str(&text).map_err(|_| ApiFailure { status, info: None })
    } else {
        Err(ApiFailure {
            status,
            info: serde_json::from_str::<ErrorBody>(&text)
                .ok()
                .map(|b| b.error),
        })
    }
}

/// `POST /api/auth/verify-email`: the token of the mailed link.
pub async fn verify_email(token: &str) -> Result<IdentityView, ApiFailure> {
    post(
        "/api/auth/verify-email",
        &EmailToken {
            token: token.to_owned(),
        },
    )
    .await
}

/// `POST /api/identity/resend`: a new confirmation link.
pub async fn resend_link() -> Result<(), ApiFailure> {
    command_done("/api/identity/resend").await
}

/// `POST /api/identity/licence`: sends the uploaded licence to the prefectural staff.
pub async fn send_licence(document_id: i32) -> Result<RequestView, ApiFailure> {
    post(
        "/api/identity/licence",
        &domain::identity::LicenceRequest { document_id },
    )
    .await
}

/// `GET /api/review/identities?status=&after=`: the oldest requests, or those after `after`.
pub async fn identity_queue(
    status: &str,
    after: Option<i32>,
) -> Result<Vec<QueueItem>, ApiFailure> {
    match after {
        Some(id) => {
            get(&format!(
                "/api/review/identities?status={status}&after={id}"
            ))
            .await
        }
        None => get(&format!("/api/review/identities?status={status}")).await,
    }
}

/// `GET /api/review/identities/{id}`
pub async fn identity_request(id: i32) -> Result<QueueItem, ApiFailure> {
    get(&format!("/api/review/identities/{id}")).await
}

/// `POST /api/review/identities/{id}/decide`
pub async fn decide_identity(
    id: i32,
    decision: &domain::identity::Decision,
) -> Result<QueueItem, ApiFailure> {
    post(&format!("/api/review/identities/{id}/decide"), decision).await
}

/// `GET /api/registry/search?q=&birth_date=`
pub async fn search_registry(q: &str, birth_date: &str) -> Result<Vec<RegistryHit>, ApiFailure> {
    get(&format!(
        "/api/registry/search?q={}&birth_date={}",
        String::from(js_sys::encode_uri_component(q)),
        String::from(js_sys::encode_uri_component(birth_date))
    ))
    .await
}
