//! Applications from submission to approval. Every state change runs in one transaction that
//! also writes its audit-log row and its notification mail (outbox); the status guard in the
//! `UPDATE` makes two reviewers acting at once safe: the second is refused.

use std::collections::HashSet;

use chrono::NaiveDate;
use domain::api::{LedgerEntry, MyPage, PhysicianProfile, Verification};
use domain::application::{
    ApplicationDetail, ApplicationForm, ApplicationKind, ApplicationRequest, ApplicationSummary,
    BulkApproveResult, Checklist, FeeRecord, Granted, ReliedCredit, ReviewAction, ReviewDashboard,
    RoundReport, Status, StatusCount, Step, TimelineEvent, UpcomingRound, all_system_units,
    new_certificate_period, renewed_period, required_documents,
};
use domain::engine::{Route, next_review_round};
use domain::policy::{
    Actor, ApplicationScope, StepPermission, application_scope, may_see_application, may_take_step,
};
use domain::records::{ApplicationRecord, CertificateRecord, DocumentRecord};
use domain::{Certification, Decision, FieldError, Message, Period, RuleSet, Source, Units};
use sea_orm::ConnectionTrait;

use crate::db::applications::{NewApplication, QueueFilter};
use crate::db::requests::{self, Earlier};
use crate::db::{DbError, accounts, applications, audit, certificates, credits, documents};
use crate::services::mail;
use crate::services::{AppState, mypage, today};

/// Why an application request failed.
#[derive(Debug, thiserror::Error)]
pub enum ApplicationError {
    /// No such application that this person may see.
    #[error("not found")]
    NotFound,
    /// The person may see it but not take this step.
    #[error("forbidden")]
    Forbidden,
    /// The form or action has problems, per field (unmet requirements, missing documents…).
    #[error("invalid")]
    Invalid(Vec<FieldError>),
    /// The application's state does not allow this, and what to do.
    #[error("refused: {0:?}")]
    Refused(Message),
    /// The physician's e-mail or identity is not verified yet; what to do.
    #[error("not verified")]
    NotVerified(Message),
    /// The request's reference already names another kind of request.
    #[error("reference reused")]
    Reused,
    /// A stored form or decision cannot be read.
    #[error("stored data: {0}")]
    Corrupt(String),
    /// The database failed.
    #[error(transparent)]
    Db(#[from] DbError),
}

impl From<crate::services::mypage::MyPageError> for ApplicationError {
    fn from(e: crate::services::mypage::MyPageError) -> ApplicationError {
        use crate::services::mypage::MyPageError;
        match e {
            MyPageError::NotFound => ApplicationError::NotFound,
            MyPageError::Invalid(f) => ApplicationError::Invalid(f),
            MyPageError::Qr(q) => ApplicationError::Corrupt(q),
            MyPageError::NotVerified(m) => ApplicationError::NotVerified(m),
            MyPageError::Db(d) => ApplicationError::Db(d),
        }
    }
}

fn refused(key: &str) -> ApplicationError {
    ApplicationError::Refused(Message::key(key))
}

fn json<T: serde::Serialize>(value: &T) -> Result<String, ApplicationError> {
    serde_json::to_string(value).map_err(|e| ApplicationError::Corrupt(e.to_string()))
}

fn from_json<T: serde::de::DeserializeOwned>(text: &str) -> Result<T, ApplicationError> {
    serde_json::from_str(text).map_err(|e| ApplicationError::Corrupt(e.to_string()))
}

/// The application `id`, if `actor` may see it.
async fn visible(
    db: &impl ConnectionTrait,
    actor: &Actor,
    id: i32,
) -> Result<ApplicationRecord, ApplicationError> {
    applications::by_id(db, id)
        .await?
        .filter(|a| may_see_application(actor, &a.access()))
        .ok_or(ApplicationError::NotFound)
}

/// The engine's decision for an application, with the ledger entries it counted.
struct Evaluated {
    decision: Decision,
    counted: Vec<(LedgerEntry, Units)>,
}

fn evaluate_page(
    rules: &RuleSet,
    page: &MyPage,
    kind: ApplicationKind,
    certification: Certification,
    facts: &domain::Facts,
    as_of: NaiveDate,
) -> Option<Evaluated> {
    let procedure = kind.procedure(certification)?;
    let mut page = page.clone();
    page.facts = facts.clone();
    let input = page.evaluation_input(procedure, as_of, &[]);
    let decision = domain::evaluate(rules, &input);
    // `evaluation_input` takes the ledger entries that count at all, in order.
    let entries: Vec<&LedgerEntry> = page
        .ledger
        .iter()
        .filter(|e| e.to_credit().is_some())
        .collect();
    let counted = decision
        .credits
        .iter()
        .filter(|o| o.counted > Units::ZERO)
        .filter_map(|o| entries.get(o.index).map(|e| ((*e).clone(), o.counted)))
        .collect();
    Some(Evaluated { decision, counted })
}

fn not_eligible(decision: &Decision) -> ApplicationError {
    let mut fields: Vec<FieldError> = decision
        .unmet
        .iter()
        .map(|code| {
            FieldError::new(
                "decision",
                &code.to_string(),
                Message::key("application.not_eligible"),
            )
        })
        .collect();
    fields.dedup_by(|a, b| a.code == b.code);
    ApplicationError::Invalid(fields)
}

/// Checks that the physician may apply for this kind at all.
fn check_kind(page: &MyPage, req: &ApplicationRequest) -> Result<(), ApplicationError> {
    let held = page.held(req.certification).is_some();
    let lapsed = page.lapsed(req.certification);
    match req.kind {
        ApplicationKind::Renewal if !held => Err(refused("application.nothing_to_renew")),
        // Past the grace period a certificate can only be applied for anew.
        ApplicationKind::Renewal if lapsed => Err(refused("application.lapsed_apply_new")),
        // A certificate still valid (or renewable) is renewed, not applied for twice.
        ApplicationKind::New if held && !lapsed => Err(refused("application.already_certified")),
        ApplicationKind::WorkplaceChange if !held => {
            Err(refused("application.change_needs_certificate"))
        }
        _ => Ok(()),
    }
}

/// Documents `ids` of `owner`, each either unattached or already on `application`.
async fn attachable_documents(
    db: &impl ConnectionTrait,
    owner: i32,
    ids: &[i32],
    application: Option<i32>,
) -> Result<Vec<DocumentRecord>, ApplicationError> {
    let docs = documents::owned(db, owner, ids).await?;
    let ok = docs.len() == ids.iter().collect::<HashSet<_>>().len()
        && docs
            .iter()
            .all(|d| d.application_id.is_none() || d.application_id == application);
    if ok {
        Ok(docs)
    } else {
        Err(ApplicationError::Invalid(vec![FieldError::new(
            "documents",
            "unknown",
            Message::key("application.document_unknown"),
        )]))
    }
}

fn check_required(
    req: &ApplicationRequest,
    profile: &PhysicianProfile,
    docs: &[DocumentRecord],
) -> Result<(), ApplicationError> {
    let have: HashSet<_> = docs.iter().map(|d| d.kind).collect();
    let missing: Vec<FieldError> =
        required_documents(req.kind, req.certification, &req.facts, profile.membership)
            .into_iter()
            .filter(|k| !have.contains(k))
            .map(|k| {
                FieldError::new(
                    "documents",
                    k.code(),
                    Message::key("application.upload_required")
                        .arg_key("document", format!("document.{k}")),
                )
            })
            .collect();
    if missing.is_empty() {
        Ok(())
    } else {
        Err(ApplicationError::Invalid(missing))
    }
}

async fn record_step(
    db: &impl ConnectionTrait,
    actor: i32,
    id: i32,
    step: Step,
    from: Option<Status>,
    to: Status,
    note: Option<String>,
) -> Result<(), ApplicationError> {
    audit::record(
        db,
        audit::Entry {
            actor: Some(actor),
            entity: "application",
            entity_id: id,
            action: step.code(),
            from_status: from.map(Status::code),
            to_status: Some(to.code()),
            note,
        },
    )
    .await?;
    Ok(())
}

/// Tells the physician of `step`: a notice on My Page, and a mail unless they chose none.
async fn notify(
    db: &impl ConnectionTrait,
    app: &ApplicationRecord,
    step: Step,
    note: Option<&str>,
) -> Result<(), ApplicationError> {
    let Some(kind) = mail::application_mail(step) else {
        return Ok(());
    };
    let Some(to) = accounts::user(db, app.physician_id).await?.map(|u| u.email) else {
        return Ok(());
    };
    let what = Message::key("mail.application.what")
        .arg_key(
            "certification",
            format!("certification.{}", app.certification),
        )
        .arg_key("kind", format!("application.kind.{}", app.kind));
    let subject = Message::key(format!("mail.application.{kind}.subject"));
    let by_mail = crate::db::notices::settings(db, app.physician_id)
        .await?
        .applications_by_mail;
    let link = format!("/applications/{}", app.id);
    crate::db::notices::insert(
        db,
        &crate::db::notices::NewNotice {
            user_id: app.physician_id,
            kind: domain::notices::NoticeKind::Application,
            once_key: None,
            message: &Message::key("notice.application")
                .arg_msg("step", subject.clone())
                .arg_msg("what", what.clone()),
            link: Some(&link),
            mailed: by_mail,
        },
        chrono::Utc::now(),
    )
    .await?;
    if !by_mail {
        return Ok(());
    }
    let body = Message::key(format!("mail.application.{kind}.body"))
        .arg_msg("what", what)
        .arg("id", app.id);
    mail::queue(db, &to, &subject, &body, note).await?;
    Ok(())
}

fn form_of(req: &ApplicationRequest) -> ApplicationForm {
    ApplicationForm {
        kind: Some(req.kind),
        certification: Some(req.certification),
        facts: req.facts.clone(),
        workplace_name: req.workplace_name.clone().unwrap_or_default(),
        other_changes: req.other_changes.clone().unwrap_or_default(),
        new_name_kanji: req
            .new_name
            .as_ref()
            .map(|(k, _)| k.as_str().to_owned())
            .unwrap_or_default(),
        new_name_kana: req
            .new_name
            .as_ref()
            .map(|(_, k)| k.as_str().to_owned())
            .unwrap_or_default(),
        documents: req.documents.clone(),
        client_ref: None,
    }
}

fn counted_ids(e: &Evaluated) -> Vec<(i32, Units)> {
    e.counted.iter().map(|(entry, u)| (entry.id, *u)).collect()
}

/// A new application; a retried submission (same `client_ref`) answers the first one.
pub async fn submit(
    app: &AppState,
    actor: &Actor,
    form: &ApplicationForm,
) -> Result<ApplicationDetail, ApplicationError> {
    crate::services::identity::require_verified(&app.db, actor)
        .await
        .map_err(ApplicationError::NotVerified)?;
    let req = form.parse(today()).map_err(ApplicationError::Invalid)?;
    let client_ref = form.client_ref.as_ref();
    let id = match submit_request(app, actor.id, &req, client_ref).await {
        // Two submissions at once: the one that lost the race on the request's key rolled
        // back; the winner has committed, so a second look answers its application.
        Err(ApplicationError::Db(DbError::Unique(_))) if client_ref.is_some() => {
            submit_request(app, actor.id, &req, client_ref).await?
        }
        done => done?,
    };
    app.mailer.deliver_pending(&app.db);
    detail(app, actor, id).await
}

async fn submit_request(
    app: &AppState,
    physician_id: i32,
    req: &ApplicationRequest,
    client_ref: Option<&uuid::Uuid>,
) -> Result<i32, ApplicationError> {
    let rules = &app.rules;
    let txn = crate::db::begin(&app.db).await?;
    if let Some(r) = client_ref {
        match requests::earlier(&txn, physician_id, r, "application").await? {
            Earlier::New => {}
            Earlier::Same(id) => return Ok(id),
            Earlier::Other => return Err(ApplicationError::Reused),
        }
    }
    let page = mypage::my_page(&txn, physician_id).await?;
    check_kind(&page, req)?;
    if applications::has_open(&txn, physician_id, req.kind, req.certification).await? {
        // The open one may be this very submission, made by its twin that committed after our
        // first look (PostgreSQL, read committed): then it is the answer.
        if let Some(r) = client_ref
            && let Earlier::Same(id) =
                requests::earlier(&txn, physician_id, r, "application").await?
        {
            return Ok(id);
        }
        return Err(refused("application.already_open"));
    }
    let today = page.today;
    let evaluated = evaluate_page(rules, &page, req.kind, req.certification, &req.facts, today);
    if let Some(e) = &evaluated
        && !e.decision.eligible
    {
        return Err(not_eligible(&e.decision));
    }
    let docs = attachable_documents(&txn, physician_id, &req.documents, None).await?;
    check_required(req, &page.profile, &docs)?;
    let rounds = rules.rounds(req.certification);
    let round = next_review_round(rounds, today, rounds.prefectural_lead_days);
    let record = applications::insert(
        &txn,
        NewApplication {
            physician_id,
            prefecture: page.profile.prefecture,
            request: req,
            form_json: json(&form_of(req))?,
            decision_json: evaluated.as_ref().map(|e| json(&e.decision)).transpose()?,
            submitted_on: today,
            round_deadline: round.map(|r| r.jma_deadline),
        },
    )
    .await?;
    if let Some(r) = client_ref {
        requests::remember(&txn, physician_id, r, "application", record.id).await?;
    }
    if let Some(e) = &evaluated {
        applications::replace_relied(&txn, record.id, &counted_ids(e)).await?;
    }
    documents::attach(&txn, record.id, docs.iter().map(|d| d.id).collect()).await?;
    record_step(
        &txn,
        physician_id,
        record.id,
        Step::Submit,
        None,
        Status::Submitted,
        None,
    )
    .await?;
    notify(&txn, &record, Step::Submit, None).await?;
    mail::tell_staff(
        &txn,
        record.prefecture,
        &Message::key("mail.staff.application.subject"),
        &Message::key("mail.staff.application.body")
            .arg_key("kind", format!("application.kind.{}", record.kind))
            .arg_key(
                "certification",
                format!("certification.{}", record.certification),
            )
            .arg("id", record.id),
    )
    .await?;
    crate::db::commit(txn).await?;
    Ok(record.id)
}

/// Moves `app` from its status to `to`, guarded: refused if someone changed it first.
async fn set_status(
    db: &impl ConnectionTrait,
    app: &ApplicationRecord,
    to: Status,
) -> Result<(), ApplicationError> {
    if applications::set_status(db, app.id, app.status, to).await? {
        Ok(())
    } else {
        Err(refused("application.changed_meanwhile"))
    }
}

fn step_from(step: Step, app: &ApplicationRecord) -> Result<Status, ApplicationError> {
    step.from(app.status)
        .map_err(|e| ApplicationError::Refused(e.message()))
}

/// The permission to take `step` on an application `actor` can see.
fn permitted(actor: &Actor, step: Step, app: &ApplicationRecord) -> Result<(), ApplicationError> {
    match may_take_step(actor, step, &app.access()) {
        StepPermission::Allowed => Ok(()),
        StepPermission::WrongRole => Err(ApplicationError::Forbidden),
        StepPermission::Hidden => Err(ApplicationError::NotFound),
    }
}

/// The physician corrects and resubmits after a correction request.
pub async fn resubmit(
    app: &AppState,
    actor: &Actor,
    id: i32,
    form: &ApplicationForm,
) -> Result<ApplicationDetail, ApplicationError> {
    let req = form.parse(today()).map_err(ApplicationError::Invalid)?;
    let txn = crate::db::begin(&app.db).await?;
    let mut record = visible(&txn, actor, id).await?;
    permitted(actor, Step::Resubmit, &record)?;
    let to = step_from(Step::Resubmit, &record)?;
    if record.kind != req.kind || record.certification != req.certification {
        return Err(ApplicationError::Invalid(vec![FieldError::new(
            "kind",
            "changed",
            Message::key("application.kind_changed"),
        )]));
    }
    let page = mypage::my_page(&txn, record.physician_id).await?;
    let evaluated = evaluate_page(
        &app.rules,
        &page,
        req.kind,
        req.certification,
        &req.facts,
        record.submitted_on,
    );
    if let Some(e) = &evaluated
        && !e.decision.eligible
    {
        return Err(not_eligible(&e.decision));
    }
    let docs = attachable_documents(&txn, record.physician_id, &req.documents, Some(id)).await?;
    check_required(&req, &page.profile, &docs)?;
    set_status(&txn, &record, to).await?;
    let from = record.status;
    record.form_json = json(&form_of(&req))?;
    record.decision_json = evaluated.as_ref().map(|e| json(&e.decision)).transpose()?;
    record.correction_message = None;
    record.status = to;
    applications::save(&txn, &record).await?;
    if let Some(e) = &evaluated {
        applications::replace_relied(&txn, id, &counted_ids(e)).await?;
    }
    documents::attach(&txn, id, docs.iter().map(|d| d.id).collect()).await?;
    record_step(&txn, actor.id, id, Step::Resubmit, Some(from), to, None).await?;
    notify(&txn, &record, Step::Resubmit, None).await?;
    crate::db::commit(txn).await?;
    app.mailer.deliver_pending(&app.db);
    detail(app, actor, id).await
}

/// The physician withdraws an application that JMA has not received yet.
pub async fn withdraw(
    app: &AppState,
    actor: &Actor,
    id: i32,
) -> Result<ApplicationDetail, ApplicationError> {
    let txn = crate::db::begin(&app.db).await?;
    let record = visible(&txn, actor, id).await?;
    permitted(actor, Step::Withdraw, &record)?;
    let to = step_from(Step::Withdraw, &record)?;
    set_status(&txn, &record, to).await?;
    record_step(
        &txn,
        actor.id,
        id,
        Step::Withdraw,
        Some(record.status),
        to,
        None,
    )
    .await?;
    crate::db::commit(txn).await?;
    detail(app, actor, id).await
}

/// One reviewer action (prefectural staff or JMA), in one transaction.
pub async fn act(
    app: &AppState,
    actor: &Actor,
    id: i32,
    action: &ReviewAction,
) -> Result<ApplicationDetail, ApplicationError> {
    act_once(app, actor, id, action).await?;
    app.mailer.deliver_pending(&app.db);
    detail(app, actor, id).await
}

async fn act_once(
    app: &AppState,
    actor: &Actor,
    id: i32,
    action: &ReviewAction,
) -> Result<(), ApplicationError> {
    let step = action.step();
    if !domain::policy::role_takes_step(actor.role, step) {
        return Err(ApplicationError::Forbidden);
    }
    let today = today();
    let note = action.note(today).map_err(ApplicationError::Invalid)?;
    let rules = &app.rules;
    let txn = crate::db::begin(&app.db).await?;
    let mut record = visible(&txn, actor, id).await?;
    let from = record.status;
    let to = step_from(step, &record)?;
    match action {
        ReviewAction::RequestCorrection { message } => {
            record.correction_message = Some(message.trim().to_owned());
        }
        ReviewAction::RecordFee { paid_on, channel } => {
            if !record.kind.has_fee() {
                return Err(refused("application.no_fee"));
            }
            if let Some(day) = record.fee_paid_on {
                return Err(ApplicationError::Refused(
                    Message::key("application.fee_recorded").arg("d", day),
                ));
            }
            record.fee_paid_on = Some(*paid_on);
            record.fee_channel = Some(*channel);
        }
        ReviewAction::RecordHandbook { arrived_on } => {
            record.handbook_arrived_on = Some(*arrived_on);
        }
        ReviewAction::VerifyCredit {
            credit_id,
            verified,
            ..
        } => verify_credit(&txn, id, *credit_id, *verified).await?,
        ReviewAction::Forward => {
            refuse_incomplete(&assemble(&txn, rules, &record).await?.checklist)?;
            let round = next_review_round(rules.rounds(record.certification), today, 0)
                .map(|r| r.jma_deadline);
            record.round_deadline = record.round_deadline.max(round);
        }
        ReviewAction::Approve => {
            refuse_incomplete(&assemble(&txn, rules, &record).await?.checklist)?;
            if let Some(g) = grant(&txn, rules, &record, today).await? {
                record.granted_number = Some(g.number);
                record.granted_from = Some(g.period.valid_from);
                record.granted_until = Some(g.period.valid_until);
            }
        }
        ReviewAction::Reject { .. } => {}
    }
    set_status(&txn, &record, to).await?;
    record.status = to;
    applications::save(&txn, &record).await?;
    record_step(&txn, actor.id, id, step, Some(from), to, note.clone()).await?;
    notify(&txn, &record, step, note.as_deref()).await?;
    crate::db::commit(txn).await?;
    Ok(())
}

fn refuse_incomplete(checklist: &Checklist) -> Result<(), ApplicationError> {
    let blockers = checklist.blockers();
    if blockers.is_empty() {
        Ok(())
    } else {
        Err(ApplicationError::Invalid(
            blockers
                .into_iter()
                .map(|b| FieldError {
                    field: "checklist".into(),
                    code: b.code,
                    message: b.message,
                })
                .collect(),
        ))
    }
}

async fn verify_credit(
    db: &impl ConnectionTrait,
    application_id: i32,
    credit_id: i32,
    verified: bool,
) -> Result<(), ApplicationError> {
    let relied = applications::relied(db, application_id)
        .await?
        .contains_key(&credit_id);
    let row = credits::by_id(db, credit_id)
        .await?
        .filter(|r| relied && r.credit.source == Source::Handbook)
        .ok_or_else(|| {
            ApplicationError::Invalid(vec![FieldError::new(
                "credit_id",
                "not_handbook",
                Message::key("review.not_handbook_credit"),
            )])
        })?;
    if row.credit.verification != Some(Verification::Pending) {
        return Err(refused("review.credit_checked"));
    }
    let state = if verified {
        Verification::Verified
    } else {
        Verification::Rejected
    };
    credits::set_verification(db, credit_id, state).await?;
    Ok(())
}

/// Issues what approval grants: a new certificate (number and period), the next period of a
/// renewal (consuming the units it used), or the new registered details.
async fn grant(
    db: &impl ConnectionTrait,
    rules: &RuleSet,
    app: &ApplicationRecord,
    today: NaiveDate,
) -> Result<Option<Granted>, ApplicationError> {
    let existing = certificates::held(db, app.physician_id, app.certification).await?;
    match app.kind {
        ApplicationKind::WorkplaceChange => {
            let form: ApplicationForm = from_json(&app.form_json)?;
            let workplace = form.workplace_name.trim();
            if !workplace.is_empty() {
                accounts::set_workplace(db, app.physician_id, workplace).await?;
            }
            let (kanji, kana) = (form.new_name_kanji.trim(), form.new_name_kana.trim());
            if !kanji.is_empty() && !kana.is_empty() {
                // JMA approved the new name: the registry's row of the number follows it, so the
                // link between My Page and the registry stays a full match.
                accounts::set_name(db, app.physician_id, kanji, kana).await?;
                if let Some(p) = accounts::physician(db, app.physician_id).await? {
                    crate::db::registry::rename(db, &p.registry_number, kanji, kana).await?;
                }
            }
            Ok(None)
        }
        ApplicationKind::New => {
            let period = new_certificate_period(rules, today);
            let number = next_number(db, app.certification).await?;
            let mut cert = CertificateRecord {
                id: 0,
                physician_id: app.physician_id,
                certification: app.certification,
                number: number.clone(),
                first_certified: today,
                valid_from: period.valid_from,
                valid_until: period.valid_until,
            };
            let cert_id = match existing {
                Some(c) => {
                    cert.id = c.id;
                    certificates::update(db, &cert).await?;
                    certificates::reinstate(db, c.id).await?;
                    c.id
                }
                None => certificates::insert(db, &cert).await?,
            };
            certificates::add_period(db, cert_id, period, "new").await?;
            // The units a granted certificate rests on are used, whatever the procedure: they
            // can no longer be withdrawn nor count toward another application.
            let used = applications::relied(db, app.id)
                .await?
                .into_keys()
                .collect();
            credits::consume(db, used, app.id).await?;
            Ok(Some(Granted { number, period }))
        }
        ApplicationKind::Renewal => {
            let mut cert = existing.ok_or_else(|| refused("application.certificate_missing"))?;
            let period = renewed_period(
                rules,
                Period {
                    valid_from: cert.valid_from,
                    valid_until: cert.valid_until,
                },
            );
            cert.valid_from = period.valid_from;
            cert.valid_until = period.valid_until;
            certificates::update(db, &cert).await?;
            certificates::add_period(db, cert.id, period, "renewal").await?;
            let used = applications::relied(db, app.id)
                .await?
                .into_keys()
                .collect();
            credits::consume(db, used, app.id).await?;
            Ok(Some(Granted {
                number: cert.number,
                period,
            }))
        }
    }
}

/// The next certificate number: `S` (occupational) or `K` (sports) and six digits, one above
/// the highest issued. The unique index refuses a number issued twice by racing approvals.
async fn next_number(
    db: &impl ConnectionTrait,
    certification: Certification,
) -> Result<String, ApplicationError> {
    let prefix = match certification {
        Certification::Occupational => "S",
        Certification::Sports => "K",
    };
    let highest = certificates::highest_number(db, prefix)
        .await?
        .and_then(|n| n[1..].parse::<u32>().ok())
        .unwrap_or(100_000);
    Ok(format!("{prefix}{:06}", highest + 1))
}

struct Assembled {
    checklist: Checklist,
    credits: Vec<ReliedCredit>,
    documents: Vec<DocumentRecord>,
    profile: PhysicianProfile,
    form: ApplicationForm,
    decision: Option<Decision>,
}

async fn assemble(
    db: &impl ConnectionTrait,
    rules: &RuleSet,
    app: &ApplicationRecord,
) -> Result<Assembled, ApplicationError> {
    let form: ApplicationForm = from_json(&app.form_json)?;
    let decision: Option<Decision> = app.decision_json.as_deref().map(from_json).transpose()?;
    let page = mypage::my_page(db, app.physician_id).await?;
    let relied = applications::relied(db, app.id).await?;
    // Rejected entries are not in the effective ledger's counting, but are shown.
    let credits: Vec<ReliedCredit> = page
        .ledger
        .iter()
        .filter_map(|e| {
            relied.get(&e.id).map(|counted| ReliedCredit {
                entry: e.clone(),
                counted: *counted,
            })
        })
        .collect();
    let documents = documents::of_application(db, app.id).await?;
    let have: HashSet<_> = documents.iter().map(|d| d.kind).collect();
    let eligible = if app.status == Status::Approved {
        true
    } else {
        evaluate_page(
            rules,
            &page,
            app.kind,
            app.certification,
            &form.facts,
            app.submitted_on,
        )
        .is_none_or(|e| e.decision.eligible)
    };
    let handbook: Vec<&ReliedCredit> = credits
        .iter()
        .filter(|c| c.entry.source == Source::Handbook)
        .collect();
    let checklist = Checklist {
        eligible,
        missing_documents: required_documents(
            app.kind,
            app.certification,
            &form.facts,
            page.profile.membership,
        )
        .into_iter()
        .filter(|k| !have.contains(k))
        .collect(),
        fee_missing: app.kind.has_fee() && app.fee_paid_on.is_none(),
        handbook_needed: !handbook.is_empty(),
        handbook_arrived: app.handbook_arrived_on.is_some(),
        unverified_handbook_credits: u32::try_from(
            handbook
                .iter()
                .filter(|c| c.entry.verification == Some(Verification::Pending))
                .count(),
        )
        .unwrap_or(u32::MAX),
    };
    Ok(Assembled {
        checklist,
        credits,
        documents,
        profile: page.profile,
        form,
        decision,
    })
}

fn summary(
    app: &ApplicationRecord,
    name: String,
    registry_number: String,
    system_only: bool,
    handbook_needed: bool,
) -> ApplicationSummary {
    ApplicationSummary {
        id: app.id,
        kind: app.kind,
        certification: app.certification,
        status: app.status,
        name,
        registry_number,
        submitted_on: app.submitted_on,
        round: app.round_deadline,
        all_system_units: system_only,
        fee_due: app.kind.has_fee(),
        fee_paid_on: app.fee_paid_on,
        handbook_needed,
        handbook_arrived_on: app.handbook_arrived_on,
        certificate_number: app.granted_number.clone(),
    }
}

/// Everything about one application that `actor` may see.
pub async fn detail(
    app: &AppState,
    actor: &Actor,
    id: i32,
) -> Result<ApplicationDetail, ApplicationError> {
    let db = &app.db;
    let rules = &app.rules;
    let record = visible(db, actor, id).await?;
    let a = assemble(db, rules, &record).await?;
    let system_only = a
        .decision
        .as_ref()
        .is_some_and(|d| all_system_units(d, &a.credits));
    let rows = audit::about(db, "application", id).await?;
    let names = accounts::display_names(db, rows.iter().filter_map(|r| r.actor).collect()).await?;
    let mut timeline = Vec::with_capacity(rows.len());
    for r in rows {
        let by = r
            .actor
            .and_then(|a| names.get(&a).cloned())
            .unwrap_or_default();
        timeline.push(TimelineEvent {
            at: r.at,
            step: r
                .action
                .parse()
                .map_err(|_| ApplicationError::Corrupt(format!("step {}", r.action)))?,
            status: r
                .to_status
                .as_deref()
                .unwrap_or("submitted")
                .parse()
                .map_err(|_| ApplicationError::Corrupt("audit status".into()))?,
            by,
            note: r.note,
        });
    }
    let rounds = rules.rounds(record.certification);
    let round = record
        .round_deadline
        .map(|jma_deadline| domain::engine::ReviewRound {
            jma_deadline,
            prefectural_deadline: jma_deadline
                - chrono::Days::new(u64::from(rounds.prefectural_lead_days)),
        });
    let granted = match (
        record.granted_number.clone(),
        record.granted_from,
        record.granted_until,
    ) {
        (Some(number), Some(valid_from), Some(valid_until)) => Some(Granted {
            number,
            period: Period {
                valid_from,
                valid_until,
            },
        }),
        _ => None,
    };
    let fee = match (record.fee_paid_on, record.fee_channel) {
        (Some(paid_on), Some(channel)) => Some(FeeRecord { paid_on, channel }),
        _ => None,
    };
    Ok(ApplicationDetail {
        summary: summary(
            &record,
            a.profile.name_kanji.clone(),
            a.profile.registry_number.clone(),
            system_only,
            a.checklist.handbook_needed,
        ),
        blockers: a.checklist.blockers(),
        required_documents: required_documents(
            record.kind,
            record.certification,
            &a.form.facts,
            a.profile.membership,
        ),
        physician: a.profile,
        form: a.form,
        decision: a.decision,
        credits: a.credits,
        documents: a
            .documents
            .iter()
            .map(crate::services::documents::view)
            .collect(),
        fee_yen: record.kind.has_fee().then_some(rules.fee_yen),
        fee,
        handbook_arrived_on: record.handbook_arrived_on,
        round,
        correction_message: record.correction_message,
        checklist: a.checklist,
        timeline,
        granted,
        office: app.offices.get(&record.prefecture.code()).cloned(),
    })
}

/// The applications `actor` may see, newest first: a physician's own, a prefecture's queue, or
/// what JMA has received.
pub async fn list(
    app: &AppState,
    actor: &Actor,
    filter: &QueueFilter,
) -> Result<Vec<ApplicationSummary>, ApplicationError> {
    let records = applications::list(&app.read, application_scope(actor), filter).await?;
    summaries(&app.read, records).await
}

/// Every application of the queue that passes `filter` (all its pages; `None`: a filter that
/// matches nothing), as CSV in `lang` (UTF-8 with a byte-order mark, as spreadsheets in Japan
/// expect): a round to send on, or a report.
pub async fn queue_csv(
    app: &AppState,
    actor: &Actor,
    filter: Option<&QueueFilter>,
    lang: domain::Lang,
) -> Result<String, ApplicationError> {
    let mut rows = Vec::new();
    let mut filter = filter.cloned();
    while let Some(f) = filter.as_mut() {
        let page = list(app, actor, f).await?;
        let Some(last) = page.last().map(|s| s.id) else {
            break;
        };
        rows.extend(page);
        f.before = Some(last);
    }
    let t = |key: &str| domain::i18n::t(lang, key);
    // The day something arrived; empty while awaited; 「不要」 when not asked for.
    let received = |due: bool, on: Option<NaiveDate>| match (due, on) {
        (_, Some(day)) => day.to_string(),
        (true, None) => String::new(),
        (false, None) => t("csv.application.not_needed"),
    };
    let mut out = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::new());
    let header = [
        "csv.application.id",
        "csv.application.kind",
        "csv.application.certification",
        "csv.application.status",
        "csv.application.name",
        "csv.application.registry",
        "csv.application.submitted",
        "csv.application.round",
        "csv.application.system_units",
        "csv.application.fee",
        "csv.application.handbook",
        "csv.application.certificate",
    ]
    .map(t);
    // Writing into memory cannot fail; a failure would only drop the row.
    let _ = out.write_record(&header);
    for a in rows {
        let row = [
            a.id.to_string(),
            t(&format!("application.kind.{}", a.kind)),
            t(&format!("certification.{}", a.certification)),
            t(&format!("application.status.{}", a.status)),
            a.name,
            a.registry_number,
            a.submitted_on.to_string(),
            a.round.map(|r| r.to_string()).unwrap_or_default(),
            t(if a.all_system_units {
                "csv.application.yes"
            } else {
                "csv.application.no"
            }),
            received(a.fee_due, a.fee_paid_on),
            received(a.handbook_needed, a.handbook_arrived_on),
            a.certificate_number.unwrap_or_default(),
        ]
        .map(crate::services::mypage::spreadsheet_text);
        let _ = out.write_record(&row);
    }
    let bytes = out.into_inner().unwrap_or_default();
    Ok(format!("\u{FEFF}{}", String::from_utf8_lossy(&bytes)))
}

async fn summaries(
    db: &impl ConnectionTrait,
    apps: Vec<ApplicationRecord>,
) -> Result<Vec<ApplicationSummary>, ApplicationError> {
    let ids: Vec<i32> = apps.iter().map(|a| a.id).collect();
    let people = accounts::physicians(db, apps.iter().map(|a| a.physician_id).collect()).await?;
    // Applications relying on any credit that is not organizer-registered.
    let relied = applications::relied_by(db, ids).await?;
    let sources = credits::sources(db, relied.iter().map(|(_, c)| *c).collect()).await?;
    let mixed: HashSet<i32> = relied
        .iter()
        .filter(|(_, credit)| sources.get(credit) != Some(&Source::System))
        .map(|(application, _)| *application)
        .collect();
    let handbook: HashSet<i32> = relied
        .iter()
        .filter(|(_, credit)| sources.get(credit) == Some(&Source::Handbook))
        .map(|(application, _)| *application)
        .collect();
    Ok(apps
        .iter()
        .map(|a| {
            let p = people.get(&a.physician_id);
            let training_route = a.decision_json.as_deref().is_some_and(|d| {
                serde_json::from_str::<Decision>(d)
                    .is_ok_and(|d| d.route.is_none() || d.route == Some(Route::Training))
            });
            summary(
                a,
                p.map(|p| p.name_kanji.clone()).unwrap_or_default(),
                p.map(|p| p.registry_number.clone()).unwrap_or_default(),
                training_route && !mixed.contains(&a.id),
                handbook.contains(&a.id),
            )
        })
        .collect())
}

/// A reviewer's overview: the scope's applications by status (with the oldest submission of
/// each), its rounds since a year ago with their outcome, and each certification's next round.
/// JMA sees the whole country, or one prefecture on request; a prefecture sees its own.
pub async fn dashboard(
    app: &AppState,
    actor: &Actor,
    prefecture: Option<domain::Prefecture>,
) -> Result<ReviewDashboard, ApplicationError> {
    let scope = match (application_scope(actor), prefecture) {
        (ApplicationScope::ReceivedByJma, Some(p)) => ApplicationScope::Prefecture(p),
        (scope, _) => scope,
    };
    let today = today();
    let since = today - chrono::Days::new(domain::application::DASHBOARD_ROUND_DAYS);
    let counts = applications::round_counts(&app.read, scope, since).await?;
    let rules = &app.rules;
    let rounds =
        RoundReport::from_counts(&counts, |c| rules.rounds(c).prefectural_lead_days, today);
    let by_status = applications::status_counts(&app.read, scope)
        .await?
        .into_iter()
        .map(|(status, count, oldest)| StatusCount {
            status,
            count,
            oldest,
        })
        .collect();
    let upcoming = Certification::ALL
        .iter()
        .filter_map(|&c| {
            let rounds = rules.rounds(c);
            next_review_round(rounds, today, rounds.prefectural_lead_days).map(|r| UpcomingRound {
                certification: c,
                prefectural_deadline: r.prefectural_deadline,
                jma_deadline: r.jma_deadline,
            })
        })
        .collect();
    Ok(ReviewDashboard {
        today,
        by_status,
        rounds,
        upcoming,
    })
}

/// JMA approves, in one go, the forwarded applications of `round` whose every unit is
/// organizer-registered and whose checklist is complete; the rest stay for one-by-one review.
pub async fn bulk_approve(
    app: &AppState,
    actor: &Actor,
    round: NaiveDate,
    dry_run: bool,
) -> Result<BulkApproveResult, ApplicationError> {
    let filter = QueueFilter {
        status: Some(Status::Forwarded),
        round: Some(round),
        ..QueueFilter::default()
    };
    let mut result = BulkApproveResult::default();
    let mut filter = filter;
    // Every page of the round, however many it has.
    loop {
        let page = list(app, actor, &filter).await?;
        let Some(last) = page.last().map(|s| s.id) else {
            break;
        };
        for s in page {
            if !s.all_system_units {
                result.skipped.push(s.id);
                continue;
            }
            if dry_run {
                result.approved.push(s.id);
                continue;
            }
            match act_once(app, actor, s.id, &ReviewAction::Approve).await {
                Ok(()) => result.approved.push(s.id),
                Err(ApplicationError::Invalid(_) | ApplicationError::Refused(_)) => {
                    result.skipped.push(s.id);
                }
                Err(e) => return Err(e),
            }
        }
        filter.before = Some(last);
    }
    if !dry_run {
        app.mailer.deliver_pending(&app.db);
    }
    Ok(result)
}
