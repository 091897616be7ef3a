//! Applications from submission to approval. Every state change runs in one transaction that
//! also writes its audit-log row and its notification mail (outbox); the status guard in the
//! `UPDATE` makes two reviewers acting at once safe: the second gets a 409.

use std::collections::{HashMap, HashSet};

use chrono::{NaiveDate, Utc};
use domain::account::Role;
use domain::api::{LedgerEntry, MyPage, PhysicianProfile, Verification};
use domain::application::{
    ApplicationDetail, ApplicationForm, ApplicationKind, ApplicationRequest, ApplicationSummary,
    BulkApproveResult, Checklist, DocumentView, FeeChannel, FeeRecord, FileType, Granted,
    ReliedCredit, ReviewAction, Status, Step, TimelineEvent, all_system_units,
    new_certificate_period, renewed_period, required_documents,
};
use domain::engine::next_review_round;
use domain::{Certification, Decision, FieldError, Message, Period, RuleSet, Source, Units};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect, Set, TransactionTrait,
};

use crate::auth::CurrentUser;
use crate::db::{mypage, today_jst};
use crate::entities::{
    application, application_credit, audit_log, certificate, certificate_period, credit, document,
    physician, user,
};
use crate::error::ApiError;
use crate::mail::Mailer;

fn code<T: std::str::FromStr>(what: &str, text: &str) -> Result<T, ApiError> {
    text.parse()
        .map_err(|_| ApiError::Internal(format!("stored {what} `{text}` is not a known code")))
}

fn json_err(e: serde_json::Error) -> ApiError {
    ApiError::Internal(format!("stored JSON: {e}"))
}

/// Whether `user` may see application `app`: its physician, the staff of its prefecture, JMA
/// once it has been forwarded.
fn visible(app: &application::Model, user: &CurrentUser) -> bool {
    match user.role {
        Role::Physician => app.physician_id == user.id,
        Role::PrefecturalStaff => user.prefecture == Some(app.prefecture),
        Role::JmaStaff => matches!(app.status.as_str(), "forwarded" | "approved" | "rejected"),
        Role::Organizer | Role::Admin => false,
    }
}

async fn load(
    db: &impl ConnectionTrait,
    user: &CurrentUser,
    id: i32,
) -> Result<application::Model, ApiError> {
    application::Entity::find_by_id(id)
        .one(db)
        .await?
        .filter(|a| visible(a, user))
        .ok_or(ApiError::NotFound)
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

fn not_eligible(decision: &Decision) -> ApiError {
    let mut fields: Vec<FieldError> = decision
        .unmet
        .iter()
        .map(|code| {
            FieldError::new(
                "decision",
                &code.to_string(),
                "要件を満たしていないため、まだ申請できません。マイページの「あと何が必要か」をご確認ください",
                "The requirements are not met yet, so you cannot apply. See what is still missing on My Page",
            )
        })
        .collect();
    fields.dedup_by(|a, b| a.code == b.code);
    ApiError::Validation(fields)
}

fn procedure_refused(ja: &str, en: &str) -> ApiError {
    ApiError::InvalidState(Message::new(ja, en))
}

/// Checks that the physician may apply for this kind at all.
fn check_kind(page: &MyPage, req: &ApplicationRequest) -> Result<(), ApiError> {
    let held = page
        .certificates
        .iter()
        .any(|c| c.certification == req.certification);
    match req.kind {
        ApplicationKind::Renewal if !held => Err(procedure_refused(
            "更新する認定証がありません。新規申請を選んでください",
            "You hold no certificate to renew. Choose a new application",
        )),
        ApplicationKind::WorkplaceChange if !held => Err(procedure_refused(
            "登録事項の変更は、認定証をお持ちの方が申請できます",
            "A change of registered details needs a certificate you hold",
        )),
        _ => Ok(()),
    }
}

/// Documents `ids` of `owner`, each either unattached or already on `application`.
async fn attachable_documents(
    db: &impl ConnectionTrait,
    owner: i32,
    ids: &[i32],
    application: Option<i32>,
) -> Result<Vec<document::Model>, ApiError> {
    let docs = if ids.is_empty() {
        Vec::new()
    } else {
        document::Entity::find()
            .filter(document::Column::Id.is_in(ids.to_vec()))
            .filter(document::Column::OwnerId.eq(owner))
            .all(db)
            .await?
    };
    let ok = docs.len() == ids.iter().collect::<HashSet<_>>().len()
        && docs
            .iter()
            .all(|d| d.application_id.is_none() || d.application_id == application);
    if ok {
        Ok(docs)
    } else {
        Err(ApiError::Validation(vec![FieldError::new(
            "documents",
            "unknown",
            "添付した書類が見つかりません。もう一度アップロードしてください",
            "An attached document was not found. Upload it again",
        )]))
    }
}

fn check_required(
    req: &ApplicationRequest,
    profile: &PhysicianProfile,
    docs: &[document::Model],
) -> Result<(), ApiError> {
    let have: HashSet<&str> = docs.iter().map(|d| d.kind.as_str()).collect();
    let missing: Vec<FieldError> =
        required_documents(req.kind, req.certification, &req.facts, profile.membership)
            .into_iter()
            .filter(|k| !have.contains(k.code()))
            .map(|k| {
                FieldError::new(
                    "documents",
                    k.code(),
                    format!(
                        "「{}」をアップロードしてください",
                        domain::application::document_ja(k)
                    ),
                    format!("Upload the {}", k.code().replace('_', " ")),
                )
            })
            .collect();
    if missing.is_empty() {
        Ok(())
    } else {
        Err(ApiError::Validation(missing))
    }
}

async fn audit(
    db: &impl ConnectionTrait,
    actor: i32,
    id: i32,
    step: Step,
    from: Option<Status>,
    to: Status,
    note: Option<String>,
) -> Result<(), ApiError> {
    audit_log::ActiveModel {
        at: Set(Utc::now()),
        actor_id: Set(Some(actor)),
        entity: Set("application".into()),
        entity_id: Set(id),
        action: Set(step.code().into()),
        from_status: Set(from.map(|s| s.code().to_owned())),
        to_status: Set(Some(to.code().to_owned())),
        note: Set(note),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(())
}

async fn replace_relied(
    db: &impl ConnectionTrait,
    id: i32,
    counted: &[(LedgerEntry, Units)],
) -> Result<(), ApiError> {
    application_credit::Entity::delete_many()
        .filter(application_credit::Column::ApplicationId.eq(id))
        .exec(db)
        .await?;
    if counted.is_empty() {
        return Ok(());
    }
    application_credit::Entity::insert_many(counted.iter().map(|(e, u)| {
        application_credit::ActiveModel {
            application_id: Set(id),
            credit_id: Set(e.id),
            counted_halves: Set(i32::try_from(u.halves()).unwrap_or(i32::MAX)),
        }
    }))
    .exec(db)
    .await?;
    Ok(())
}

async fn attach(
    db: &impl ConnectionTrait,
    id: i32,
    docs: &[document::Model],
) -> Result<(), ApiError> {
    if docs.is_empty() {
        return Ok(());
    }
    document::Entity::update_many()
        .col_expr(document::Column::ApplicationId, Expr::value(id))
        .filter(document::Column::Id.is_in(docs.iter().map(|d| d.id).collect::<Vec<_>>()))
        .exec(db)
        .await?;
    Ok(())
}

async fn email_of(db: &impl ConnectionTrait, user_id: i32) -> Result<String, ApiError> {
    Ok(user::Entity::find_by_id(user_id)
        .one(db)
        .await?
        .ok_or(ApiError::NotFound)?
        .email)
}

fn kind_ja(kind: ApplicationKind, certification: Certification) -> String {
    let c = match certification {
        Certification::Occupational => "認定産業医",
        Certification::Sports => "認定健康スポーツ医",
    };
    let k = match kind {
        ApplicationKind::New => "新規申請",
        ApplicationKind::Renewal => "更新申請",
        ApplicationKind::WorkplaceChange => "登録事項変更",
    };
    format!("{c} {k}")
}

/// Writes the notification for `step` into the outbox.
async fn notify(
    db: &impl ConnectionTrait,
    app: &application::Model,
    step: Step,
    note: Option<&str>,
) -> Result<(), ApiError> {
    let kind: ApplicationKind = code("kind", &app.kind)?;
    let certification: Certification = code("certification", &app.certification)?;
    let what = kind_ja(kind, certification);
    let (subject, ja, en) = match step {
        Step::Submit | Step::Resubmit => (
            "申請を受け付けました / Application received",
            "都道府県医師会が書類・審査料・研修手帳（使用時）を確認します。",
            "Your prefectural association will check the documents, the fee and, where used, the handbook.",
        ),
        Step::RequestCorrection => (
            "申請の訂正をお願いします / Please correct your application",
            "マイページの申請画面で内容を訂正し、再提出してください。",
            "Correct the application on My Page and submit it again.",
        ),
        Step::Forward => (
            "申請を日本医師会へ進達しました / Forwarded to JMA",
            "日本医師会の審査回で審査されます。",
            "JMA will review it in its review round.",
        ),
        Step::Approve => (
            "申請が承認されました / Application approved",
            "新しい有効期間はマイページでご確認いただけます。",
            "See the new validity period on My Page.",
        ),
        Step::Reject => (
            "申請は承認されませんでした / Application not approved",
            "理由をご確認のうえ、ご不明な点は都道府県医師会へお問い合わせください。",
            "See the reason; your prefectural association can answer questions.",
        ),
        _ => return Ok(()),
    };
    let mut body = format!("{what}（受付番号 {}）\n{ja}\n{en}\n", app.id);
    if let Some(n) = note {
        body.push_str(&format!("\n{n}\n"));
    }
    let to = email_of(db, app.physician_id).await?;
    Mailer::queue(db, &to, subject, &body).await
}

/// A new application; a retried submission (same `client_ref`) answers the first one.
pub async fn submit(
    db: &DatabaseConnection,
    rules: &RuleSet,
    physician_id: i32,
    req: &ApplicationRequest,
    client_ref: Option<String>,
) -> Result<i32, ApiError> {
    let txn = db.begin().await?;
    if let Some(r) = &client_ref
        && let Some(existing) = application::Entity::find()
            .filter(application::Column::ClientRef.eq(r.as_str()))
            .filter(application::Column::PhysicianId.eq(physician_id))
            .one(&txn)
            .await?
    {
        return Ok(existing.id);
    }
    let page = mypage::my_page(&txn, physician_id).await?;
    check_kind(&page, req)?;
    let open = application::Entity::find()
        .filter(application::Column::PhysicianId.eq(physician_id))
        .filter(application::Column::Kind.eq(req.kind.code()))
        .filter(application::Column::Certification.eq(req.certification.code()))
        .filter(application::Column::Status.is_in([
            "submitted",
            "correction_requested",
            "forwarded",
        ]))
        .one(&txn)
        .await?;
    if open.is_some() {
        return Err(procedure_refused(
            "同じ申請が審査中です。申請一覧から状況をご確認ください",
            "The same application is already under review. See its status in your applications",
        ));
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
    let round = next_review_round(
        rules.rounds(req.certification),
        today,
        rules.rounds(req.certification).prefectural_lead_days,
    );
    let now = Utc::now();
    let app = application::ActiveModel {
        physician_id: Set(physician_id),
        prefecture: Set(i32::from(page.profile.prefecture.code())),
        kind: Set(req.kind.code().into()),
        certification: Set(req.certification.code().into()),
        status: Set(Status::Submitted.code().into()),
        client_ref: Set(client_ref),
        form_json: Set(serde_json::to_string(&form_of(req)).map_err(json_err)?),
        decision_json: Set(evaluated
            .as_ref()
            .map(|e| serde_json::to_string(&e.decision))
            .transpose()
            .map_err(json_err)?),
        submitted_on: Set(today),
        round_deadline: Set(round.map(|r| r.jma_deadline)),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    if let Some(e) = &evaluated {
        replace_relied(&txn, app.id, &e.counted).await?;
    }
    attach(&txn, app.id, &docs).await?;
    audit(
        &txn,
        physician_id,
        app.id,
        Step::Submit,
        None,
        Status::Submitted,
        None,
    )
    .await?;
    notify(&txn, &app, Step::Submit, None).await?;
    txn.commit().await?;
    Ok(app.id)
}

fn form_of(req: &ApplicationRequest) -> ApplicationForm {
    ApplicationForm {
        kind: Some(req.kind),
        certification: Some(req.certification),
        facts: req.facts.clone(),
        workplace_name: req.workplace_name.clone().unwrap_or_default(),
        other_changes: req.other_changes.clone().unwrap_or_default(),
        documents: req.documents.clone(),
        client_ref: None,
    }
}

/// Moves `app` from its status to `to`, guarded: fails with 409 if someone changed it first.
async fn set_status(
    db: &impl ConnectionTrait,
    app: &application::Model,
    to: Status,
) -> Result<(), ApiError> {
    let done = application::Entity::update_many()
        .col_expr(application::Column::Status, Expr::value(to.code()))
        .col_expr(application::Column::UpdatedAt, Expr::value(Utc::now()))
        .filter(application::Column::Id.eq(app.id))
        .filter(application::Column::Status.eq(app.status.as_str()))
        .exec(db)
        .await?;
    if done.rows_affected == 1 {
        Ok(())
    } else {
        Err(ApiError::InvalidState(Message::new(
            "ほかの操作で申請の状態が変わりました。画面を再読み込みしてください",
            "The application was changed by someone else. Reload the page",
        )))
    }
}

fn step_from(step: Step, app: &application::Model) -> Result<(Status, Status), ApiError> {
    let from: Status = code("status", &app.status)?;
    let to = step
        .from(from)
        .map_err(|e| ApiError::InvalidState(e.message()))?;
    Ok((from, to))
}

/// The physician corrects and resubmits after a correction request.
pub async fn resubmit(
    db: &DatabaseConnection,
    rules: &RuleSet,
    user: &CurrentUser,
    id: i32,
    req: &ApplicationRequest,
) -> Result<(), ApiError> {
    let txn = db.begin().await?;
    let app = load(&txn, user, id).await?;
    let (from, to) = step_from(Step::Resubmit, &app)?;
    if app.kind != req.kind.code() || app.certification != req.certification.code() {
        return Err(ApiError::Validation(vec![FieldError::new(
            "kind",
            "changed",
            "申請の種類は変えられません。別の申請として出してください",
            "The kind of application cannot change. Submit a separate application",
        )]));
    }
    let page = mypage::my_page(&txn, app.physician_id).await?;
    let evaluated = evaluate_page(
        rules,
        &page,
        req.kind,
        req.certification,
        &req.facts,
        app.submitted_on,
    );
    if let Some(e) = &evaluated
        && !e.decision.eligible
    {
        return Err(not_eligible(&e.decision));
    }
    let docs = attachable_documents(&txn, app.physician_id, &req.documents, Some(id)).await?;
    check_required(req, &page.profile, &docs)?;
    set_status(&txn, &app, to).await?;
    let mut update: application::ActiveModel = app.clone().into();
    update.form_json = Set(serde_json::to_string(&form_of(req)).map_err(json_err)?);
    update.decision_json = Set(evaluated
        .as_ref()
        .map(|e| serde_json::to_string(&e.decision))
        .transpose()
        .map_err(json_err)?);
    update.correction_message = Set(None);
    update.status = Set(to.code().into());
    update.update(&txn).await?;
    if let Some(e) = &evaluated {
        replace_relied(&txn, id, &e.counted).await?;
    }
    attach(&txn, id, &docs).await?;
    audit(&txn, user.id, id, Step::Resubmit, Some(from), to, None).await?;
    notify(&txn, &app, Step::Resubmit, None).await?;
    txn.commit().await?;
    Ok(())
}

/// The physician withdraws an application that JMA has not received yet.
pub async fn withdraw(
    db: &DatabaseConnection,
    user: &CurrentUser,
    id: i32,
) -> Result<(), ApiError> {
    let txn = db.begin().await?;
    let app = load(&txn, user, id).await?;
    if app.physician_id != user.id {
        return Err(ApiError::Forbidden);
    }
    let (from, to) = step_from(Step::Withdraw, &app)?;
    set_status(&txn, &app, to).await?;
    audit(&txn, user.id, id, Step::Withdraw, Some(from), to, None).await?;
    txn.commit().await?;
    Ok(())
}

fn actor_allowed(step: Step, role: Role) -> bool {
    use domain::application::Actor;
    matches!(
        (step.actor(), role),
        (Actor::Physician, Role::Physician)
            | (Actor::Prefecture, Role::PrefecturalStaff)
            | (Actor::Jma, Role::JmaStaff)
    )
}

/// One reviewer action (prefectural staff or JMA), in one transaction.
pub async fn act(
    db: &DatabaseConnection,
    rules: &RuleSet,
    user: &CurrentUser,
    id: i32,
    action: &ReviewAction,
) -> Result<(), ApiError> {
    let step = action.step();
    if !actor_allowed(step, user.role) {
        return Err(ApiError::Forbidden);
    }
    let today = today_jst(Utc::now());
    let note = action.note(today).map_err(ApiError::Validation)?;
    let txn = db.begin().await?;
    let app = load(&txn, user, id).await?;
    let (from, to) = step_from(step, &app)?;
    let kind: ApplicationKind = code("kind", &app.kind)?;
    let mut update: application::ActiveModel = app.clone().into();
    match action {
        ReviewAction::RequestCorrection { message } => {
            update.correction_message = Set(Some(message.trim().to_owned()));
        }
        ReviewAction::RecordFee { paid_on, channel } => {
            if !kind.has_fee() {
                return Err(procedure_refused(
                    "この申請に審査・登録料はかかりません",
                    "No fee is due for this application",
                ));
            }
            update.fee_paid_on = Set(Some(*paid_on));
            update.fee_channel = Set(Some(channel.code().into()));
        }
        ReviewAction::RecordHandbook { arrived_on } => {
            update.handbook_arrived_on = Set(Some(*arrived_on));
        }
        ReviewAction::VerifyCredit {
            credit_id,
            verified,
            ..
        } => verify_credit(&txn, id, *credit_id, *verified).await?,
        ReviewAction::Forward => {
            let checklist = checklist(&txn, rules, &app).await?;
            refuse_incomplete(&checklist)?;
            let rounds = rules.rounds(code("certification", &app.certification)?);
            let round = next_review_round(rounds, today, 0).map(|r| r.jma_deadline);
            update.round_deadline = Set(app.round_deadline.max(round));
        }
        ReviewAction::Approve => {
            let checklist = checklist(&txn, rules, &app).await?;
            refuse_incomplete(&checklist)?;
            let granted = grant(&txn, rules, &app, today).await?;
            if let Some(g) = granted {
                update.granted_number = Set(Some(g.number));
                update.granted_from = Set(Some(g.period.valid_from));
                update.granted_until = Set(Some(g.period.valid_until));
            }
        }
        ReviewAction::Reject { .. } => {}
    }
    set_status(&txn, &app, to).await?;
    update.status = Set(to.code().into());
    update.updated_at = Set(Utc::now());
    update.update(&txn).await?;
    audit(&txn, user.id, id, step, Some(from), to, note.clone()).await?;
    notify(&txn, &app, step, note.as_deref()).await?;
    txn.commit().await?;
    Ok(())
}

fn refuse_incomplete(checklist: &Checklist) -> Result<(), ApiError> {
    let blockers = checklist.blockers();
    if blockers.is_empty() {
        Ok(())
    } else {
        Err(ApiError::Validation(
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
) -> Result<(), ApiError> {
    let relied = application_credit::Entity::find_by_id((application_id, credit_id))
        .one(db)
        .await?
        .is_some();
    let row = credit::Entity::find_by_id(credit_id).one(db).await?;
    let Some(row) = row.filter(|r| relied && r.source == Source::Handbook.code()) else {
        return Err(ApiError::Validation(vec![FieldError::new(
            "credit_id",
            "not_handbook",
            "この申請が使う手帳単位ではありません",
            "This is not a handbook credit of this application",
        )]));
    };
    if row.verification.as_deref() != Some("pending") {
        return Err(procedure_refused(
            "この手帳単位は確認済みです",
            "This handbook credit has already been checked",
        ));
    }
    // The verification state is the one field of a handbook row that staff change; the step and
    // its reason are in the audit log.
    let mut update: credit::ActiveModel = row.into();
    update.verification = Set(Some(if verified { "verified" } else { "rejected" }.into()));
    update.update(db).await?;
    Ok(())
}

/// Issues what approval grants: a new certificate (number and period), the next period of a
/// renewal (consuming the units it used), or the new registered details.
async fn grant(
    db: &impl ConnectionTrait,
    rules: &RuleSet,
    app: &application::Model,
    today: NaiveDate,
) -> Result<Option<Granted>, ApiError> {
    let kind: ApplicationKind = code("kind", &app.kind)?;
    let certification: Certification = code("certification", &app.certification)?;
    let existing = certificate::Entity::find()
        .filter(certificate::Column::PhysicianId.eq(app.physician_id))
        .filter(certificate::Column::Certification.eq(certification.code()))
        .one(db)
        .await?;
    match kind {
        ApplicationKind::WorkplaceChange => {
            let form: ApplicationForm = serde_json::from_str(&app.form_json).map_err(json_err)?;
            if !form.workplace_name.trim().is_empty()
                && let Some(p) = physician::Entity::find_by_id(app.physician_id)
                    .one(db)
                    .await?
            {
                let mut p: physician::ActiveModel = p.into();
                p.workplace_name = Set(Some(form.workplace_name.trim().to_owned()));
                p.update(db).await?;
            }
            Ok(None)
        }
        ApplicationKind::New => {
            let period = new_certificate_period(rules, today);
            let number = next_number(db, certification).await?;
            let cert_id = match existing {
                Some(c) => {
                    let mut c: certificate::ActiveModel = c.into();
                    c.number = Set(number.clone());
                    c.first_certified = Set(today);
                    c.valid_from = Set(period.valid_from);
                    c.valid_until = Set(period.valid_until);
                    c.update(db).await?.id
                }
                None => {
                    certificate::ActiveModel {
                        physician_id: Set(app.physician_id),
                        certification: Set(certification.code().into()),
                        number: Set(number.clone()),
                        first_certified: Set(today),
                        valid_from: Set(period.valid_from),
                        valid_until: Set(period.valid_until),
                        ..Default::default()
                    }
                    .insert(db)
                    .await?
                    .id
                }
            };
            add_period(db, cert_id, period, "new").await?;
            Ok(Some(Granted { number, period }))
        }
        ApplicationKind::Renewal => {
            let c = existing.ok_or_else(|| {
                procedure_refused(
                    "更新する認定証が見つかりません",
                    "The certificate to renew was not found",
                )
            })?;
            let period = renewed_period(
                rules,
                Period {
                    valid_from: c.valid_from,
                    valid_until: c.valid_until,
                },
            );
            let number = c.number.clone();
            let cert_id = c.id;
            let mut c: certificate::ActiveModel = c.into();
            c.valid_from = Set(period.valid_from);
            c.valid_until = Set(period.valid_until);
            c.update(db).await?;
            add_period(db, cert_id, period, "renewal").await?;
            let used: Vec<i32> = application_credit::Entity::find()
                .filter(application_credit::Column::ApplicationId.eq(app.id))
                .all(db)
                .await?
                .into_iter()
                .map(|r| r.credit_id)
                .collect();
            if !used.is_empty() {
                credit::Entity::update_many()
                    .col_expr(credit::Column::ConsumedBy, Expr::value(app.id))
                    .filter(credit::Column::Id.is_in(used))
                    .filter(credit::Column::ConsumedBy.is_null())
                    .exec(db)
                    .await?;
            }
            Ok(Some(Granted { number, period }))
        }
    }
}

async fn add_period(
    db: &impl ConnectionTrait,
    certificate_id: i32,
    period: Period,
    granted_by: &str,
) -> Result<(), ApiError> {
    certificate_period::ActiveModel {
        certificate_id: Set(certificate_id),
        valid_from: Set(period.valid_from),
        valid_until: Set(period.valid_until),
        granted_by: Set(granted_by.into()),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(())
}

/// The next certificate number: `S` (occupational) or `K` (sports) and six digits, one above
/// the highest issued. The unique index refuses a number issued twice by racing approvals.
async fn next_number(
    db: &impl ConnectionTrait,
    certification: Certification,
) -> Result<String, ApiError> {
    let prefix = match certification {
        Certification::Occupational => "S",
        Certification::Sports => "K",
    };
    let highest = certificate::Entity::find()
        .filter(certificate::Column::Number.starts_with(prefix))
        .order_by_desc(certificate::Column::Number)
        .one(db)
        .await?
        .and_then(|c| c.number[1..].parse::<u32>().ok())
        .unwrap_or(100_000);
    Ok(format!("{prefix}{:06}", highest + 1))
}

/// The current checklist of an application.
async fn checklist(
    db: &impl ConnectionTrait,
    rules: &RuleSet,
    app: &application::Model,
) -> Result<Checklist, ApiError> {
    Ok(assemble(db, rules, app).await?.checklist)
}

struct Assembled {
    checklist: Checklist,
    credits: Vec<ReliedCredit>,
    documents: Vec<document::Model>,
    profile: PhysicianProfile,
    form: ApplicationForm,
    decision: Option<Decision>,
}

async fn assemble(
    db: &impl ConnectionTrait,
    rules: &RuleSet,
    app: &application::Model,
) -> Result<Assembled, ApiError> {
    let kind: ApplicationKind = code("kind", &app.kind)?;
    let certification: Certification = code("certification", &app.certification)?;
    let form: ApplicationForm = serde_json::from_str(&app.form_json).map_err(json_err)?;
    let decision: Option<Decision> = app
        .decision_json
        .as_deref()
        .map(serde_json::from_str)
        .transpose()
        .map_err(json_err)?;
    let page = mypage::my_page(db, app.physician_id).await?;
    let relied: HashMap<i32, i32> = application_credit::Entity::find()
        .filter(application_credit::Column::ApplicationId.eq(app.id))
        .all(db)
        .await?
        .into_iter()
        .map(|r| (r.credit_id, r.counted_halves))
        .collect();
    // Rejected entries are not in the effective ledger's counting, but are shown.
    let credits: Vec<ReliedCredit> = page
        .ledger
        .iter()
        .filter_map(|e| {
            relied.get(&e.id).map(|h| ReliedCredit {
                entry: e.clone(),
                counted: Units::from_halves(u32::try_from(*h).unwrap_or(0)),
            })
        })
        .collect();
    let documents = document::Entity::find()
        .filter(document::Column::ApplicationId.eq(app.id))
        .order_by_asc(document::Column::Id)
        .all(db)
        .await?;
    let have: HashSet<&str> = documents.iter().map(|d| d.kind.as_str()).collect();
    let status: Status = code("status", &app.status)?;
    let eligible = if status == Status::Approved {
        true
    } else {
        evaluate_page(
            rules,
            &page,
            kind,
            certification,
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
            kind,
            certification,
            &form.facts,
            page.profile.membership,
        )
        .into_iter()
        .filter(|k| !have.contains(k.code()))
        .collect(),
        fee_missing: kind.has_fee() && app.fee_paid_on.is_none(),
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

/// A document row as the API shows it.
pub fn document_view(d: &document::Model) -> Result<DocumentView, ApiError> {
    Ok(DocumentView {
        id: d.id,
        kind: code("document kind", &d.kind)?,
        file_name: d.file_name.clone(),
        file_type: code::<FileType>("file type", &d.file_type)?,
        size: u64::try_from(d.size_bytes).unwrap_or(0),
        sha256: d.sha256.clone(),
        uploaded_at: d.created_at,
    })
}

fn summary(
    app: &application::Model,
    profile_name: String,
    registry_number: String,
    system_only: bool,
) -> Result<ApplicationSummary, ApiError> {
    Ok(ApplicationSummary {
        id: app.id,
        kind: code("kind", &app.kind)?,
        certification: code("certification", &app.certification)?,
        status: code("status", &app.status)?,
        name: profile_name,
        registry_number,
        submitted_on: app.submitted_on,
        round: app.round_deadline,
        all_system_units: system_only,
    })
}

/// Everything about one application that `user` may see.
pub async fn detail(
    db: &DatabaseConnection,
    rules: &RuleSet,
    user: &CurrentUser,
    id: i32,
) -> Result<ApplicationDetail, ApiError> {
    let app = load(db, user, id).await?;
    let a = assemble(db, rules, &app).await?;
    let kind: ApplicationKind = code("kind", &app.kind)?;
    let certification: Certification = code("certification", &app.certification)?;
    let system_only = a
        .decision
        .as_ref()
        .is_some_and(|d| all_system_units(d, &a.credits));
    let rows = audit_log::Entity::find()
        .filter(audit_log::Column::Entity.eq("application"))
        .filter(audit_log::Column::EntityId.eq(id))
        .order_by_asc(audit_log::Column::Id)
        .all(db)
        .await?;
    let actor_ids: Vec<i32> = rows.iter().filter_map(|r| r.actor_id).collect();
    let names: HashMap<i32, String> = user::Entity::find()
        .filter(user::Column::Id.is_in(actor_ids))
        .all(db)
        .await?
        .into_iter()
        .map(|u| (u.id, u.display_name))
        .collect();
    let timeline = rows
        .into_iter()
        .map(|r| {
            Ok(TimelineEvent {
                at: r.at,
                step: code("step", &r.action)?,
                status: code("status", r.to_status.as_deref().unwrap_or("submitted"))?,
                by: r
                    .actor_id
                    .and_then(|a| names.get(&a).cloned())
                    .unwrap_or_default(),
                note: r.note,
            })
        })
        .collect::<Result<Vec<_>, ApiError>>()?;
    let rounds = rules.rounds(certification);
    let round = app
        .round_deadline
        .map(|jma_deadline| domain::engine::ReviewRound {
            jma_deadline,
            prefectural_deadline: jma_deadline
                - chrono::Days::new(u64::from(rounds.prefectural_lead_days)),
        });
    let granted = match (
        app.granted_number.clone(),
        app.granted_from,
        app.granted_until,
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
    let fee = match (app.fee_paid_on, app.fee_channel.as_deref()) {
        (Some(paid_on), Some(channel)) => Some(FeeRecord {
            paid_on,
            channel: code::<FeeChannel>("fee channel", channel)?,
        }),
        _ => None,
    };
    Ok(ApplicationDetail {
        summary: summary(
            &app,
            a.profile.name_kanji.clone(),
            a.profile.registry_number.clone(),
            system_only,
        )?,
        blockers: a.checklist.blockers(),
        required_documents: required_documents(
            kind,
            certification,
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
            .map(document_view)
            .collect::<Result<_, _>>()?,
        fee_yen: kind.has_fee().then_some(rules.fee_yen),
        fee,
        handbook_arrived_on: app.handbook_arrived_on,
        round,
        correction_message: app.correction_message,
        checklist: a.checklist,
        timeline,
        granted,
    })
}

/// Filters of a review queue.
#[derive(Clone, Debug, Default)]
pub struct QueueFilter {
    /// Only this status.
    pub status: Option<Status>,
    /// Only this kind.
    pub kind: Option<ApplicationKind>,
    /// Only this certification.
    pub certification: Option<Certification>,
    /// Only this review round (JMA receipt deadline).
    pub round: Option<NaiveDate>,
}

/// The applications `user` may see, newest first: a physician's own, a prefecture's queue, or
/// what JMA has received.
pub async fn list(
    db: &DatabaseConnection,
    user: &CurrentUser,
    filter: &QueueFilter,
) -> Result<Vec<ApplicationSummary>, ApiError> {
    let mut q = application::Entity::find();
    q = match user.role {
        Role::Physician => q.filter(application::Column::PhysicianId.eq(user.id)),
        Role::PrefecturalStaff => {
            q.filter(application::Column::Prefecture.eq(user.prefecture.unwrap_or(-1)))
        }
        Role::JmaStaff => {
            q.filter(application::Column::Status.is_in(["forwarded", "approved", "rejected"]))
        }
        Role::Organizer | Role::Admin => return Err(ApiError::Forbidden),
    };
    if let Some(s) = filter.status {
        q = q.filter(application::Column::Status.eq(s.code()));
    }
    if let Some(k) = filter.kind {
        q = q.filter(application::Column::Kind.eq(k.code()));
    }
    if let Some(c) = filter.certification {
        q = q.filter(application::Column::Certification.eq(c.code()));
    }
    if let Some(r) = filter.round {
        q = q.filter(application::Column::RoundDeadline.eq(r));
    }
    let apps = q
        .order_by_desc(application::Column::Id)
        .limit(500)
        .all(db)
        .await?;
    summaries(db, apps).await
}

async fn summaries(
    db: &DatabaseConnection,
    apps: Vec<application::Model>,
) -> Result<Vec<ApplicationSummary>, ApiError> {
    let ids: Vec<i32> = apps.iter().map(|a| a.id).collect();
    let people: HashMap<i32, physician::Model> = physician::Entity::find()
        .filter(
            physician::Column::UserId
                .is_in(apps.iter().map(|a| a.physician_id).collect::<Vec<_>>()),
        )
        .all(db)
        .await?
        .into_iter()
        .map(|p| (p.user_id, p))
        .collect();
    // Applications relying on any credit that is not organizer-registered.
    let relied = application_credit::Entity::find()
        .filter(application_credit::Column::ApplicationId.is_in(ids))
        .all(db)
        .await?;
    let credit_sources: HashMap<i32, String> = credit::Entity::find()
        .filter(credit::Column::Id.is_in(relied.iter().map(|r| r.credit_id).collect::<Vec<_>>()))
        .all(db)
        .await?
        .into_iter()
        .map(|c| (c.id, c.source))
        .collect();
    let mixed: HashSet<i32> = relied
        .iter()
        .filter(|r| {
            credit_sources.get(&r.credit_id).map(String::as_str) != Some(Source::System.code())
        })
        .map(|r| r.application_id)
        .collect();
    apps.iter()
        .map(|a| {
            let p = people.get(&a.physician_id);
            let training_route = a.decision_json.as_deref().is_some_and(|d| {
                serde_json::from_str::<Decision>(d).is_ok_and(|d| {
                    d.route.is_none() || d.route == Some(domain::engine::Route::Training)
                })
            });
            summary(
                a,
                p.map(|p| p.name_kanji.clone()).unwrap_or_default(),
                p.map(|p| p.registry_number.clone()).unwrap_or_default(),
                training_route && !mixed.contains(&a.id),
            )
        })
        .collect()
}

/// JMA approves, in one go, the forwarded applications of `round` whose every unit is
/// organizer-registered and whose checklist is complete; the rest stay for one-by-one review.
pub async fn bulk_approve(
    db: &DatabaseConnection,
    rules: &RuleSet,
    user: &CurrentUser,
    round: NaiveDate,
) -> Result<BulkApproveResult, ApiError> {
    let filter = QueueFilter {
        status: Some(Status::Forwarded),
        round: Some(round),
        ..QueueFilter::default()
    };
    let mut result = BulkApproveResult::default();
    for s in list(db, user, &filter).await? {
        if !s.all_system_units {
            result.skipped.push(s.id);
            continue;
        }
        match act(db, rules, user, s.id, &ReviewAction::Approve).await {
            Ok(()) => result.approved.push(s.id),
            Err(ApiError::Validation(_) | ApiError::InvalidState(_)) => result.skipped.push(s.id),
            Err(e) => return Err(e),
        }
    }
    Ok(result)
}

/// An uploaded document whose bytes are checked and stored.
#[derive(Debug)]
pub struct NewDocument<'a> {
    /// What it is.
    pub kind: domain::application::DocumentKind,
    /// The name on the physician's device.
    pub file_name: &'a str,
    /// Type recognised from the bytes.
    pub file_type: FileType,
    /// Bytes.
    pub size: usize,
    /// SHA-256, hex.
    pub sha256: String,
    /// Key in the object store.
    pub storage_key: &'a str,
}

/// Records an uploaded document of `owner`, not yet attached to an application.
pub async fn store_document(
    db: &DatabaseConnection,
    owner: i32,
    d: NewDocument<'_>,
) -> Result<DocumentView, ApiError> {
    let row = document::ActiveModel {
        owner_id: Set(owner),
        application_id: Set(None),
        kind: Set(d.kind.code().into()),
        file_name: Set(d.file_name.to_owned()),
        file_type: Set(d.file_type.code().into()),
        size_bytes: Set(i64::try_from(d.size).unwrap_or(i64::MAX)),
        sha256: Set(d.sha256),
        storage_key: Set(d.storage_key.to_owned()),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(db)
    .await?;
    document_view(&row)
}

/// A document `user` may download: the owner's, or one attached to an application they review.
pub async fn document_for(
    db: &DatabaseConnection,
    user: &CurrentUser,
    id: i32,
) -> Result<document::Model, ApiError> {
    let doc = document::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(ApiError::NotFound)?;
    if doc.owner_id == user.id {
        return Ok(doc);
    }
    let Some(app_id) = doc.application_id else {
        return Err(ApiError::NotFound);
    };
    let app = application::Entity::find_by_id(app_id)
        .one(db)
        .await?
        .ok_or(ApiError::NotFound)?;
    if user.role != Role::Physician && visible(&app, user) {
        Ok(doc)
    } else {
        Err(ApiError::NotFound)
    }
}

/// The physician's own documents not yet attached to an application.
pub async fn unattached_documents(
    db: &DatabaseConnection,
    owner: i32,
) -> Result<Vec<DocumentView>, ApiError> {
    document::Entity::find()
        .filter(document::Column::OwnerId.eq(owner))
        .filter(document::Column::ApplicationId.is_null())
        .order_by_asc(document::Column::Id)
        .all(db)
        .await?
        .iter()
        .map(document_view)
        .collect()
}
