//! Expiry reminders: each certificate holder is told at 6, 3 and 1 months before expiry, on
//! the day JMA recommends applying by, on the first day of grace, and when the COVID special
//! measure they rely on nears its end (`domain::standing`). Each reminder is a notice on My
//! Page and, unless the physician chose none, a mail saying what is still missing (the
//! engine's decision in words) with a link to My Page.
//!
//! Once, never twice: a reminder's notice has a unique key (certificate, period, stage), and
//! its mail is written in the same transaction, so rounds on several instances, restarts and
//! reruns write each at most once. A round sends only the stage due today (never a backlog of
//! earlier ones), and nothing to a physician whose application for that certification is
//! under way.

use chrono::{NaiveDate, Utc};
use domain::notices::NoticeKind;
use domain::records::CertificateRecord;
use domain::standing::{self, Stage};
use domain::{Message, RuleSet, evaluate};
use sea_orm::DatabaseConnection;

use crate::db::notices::NewNotice;
use crate::db::{DbResult, accounts, certificates, notices};
use crate::services::mail;

/// What a round did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Round {
    /// Reminders written (notices).
    pub written: u64,
    /// Of those, mailed.
    pub mailed: u64,
}

/// The key that makes a reminder unique.
pub fn once_key(c: &CertificateRecord, stage: Stage) -> String {
    format!("reminder:{}:{}:{}", c.id, c.valid_until, stage.code())
}

/// The page a reminder leads to.
pub const LINK: &str = "/mypage";

/// One round as of `today` (Japan's day; tests give a fixed one).
pub async fn run(
    db: &DatabaseConnection,
    rules: &RuleSet,
    public_url: &str,
    today: NaiveDate,
) -> DbResult<Round> {
    let (from, to) = standing::expiries_with_reminders(rules, today);
    let due: Vec<(CertificateRecord, Stage)> = certificates::expiring(db, from, to)
        .await?
        .into_iter()
        .filter_map(|c| standing::due(rules, c.certification, c.valid_until, today).map(|s| (c, s)))
        .collect();
    let written: std::collections::HashSet<String> =
        notices::written(db, due.iter().map(|(c, s)| once_key(c, *s)).collect())
            .await?
            .into_iter()
            .collect();
    let mut round = Round::default();
    for (c, stage) in due {
        if written.contains(&once_key(&c, stage)) {
            continue;
        }
        if let Some(mailed) = remind(db, rules, public_url, &c, stage, today).await? {
            round.written += 1;
            round.mailed += u64::from(mailed);
        }
    }
    Ok(round)
}

/// Writes one reminder (and its mail, as chosen); `None` when it was written before or is not
/// to be sent (an application under way, an account closed).
async fn remind(
    db: &DatabaseConnection,
    rules: &RuleSet,
    public_url: &str,
    c: &CertificateRecord,
    stage: Stage,
    today: NaiveDate,
) -> DbResult<Option<bool>> {
    let Some(user) = accounts::user(db, c.physician_id).await? else {
        return Ok(None);
    };
    if user.disabled {
        return Ok(None);
    }
    let page = match crate::services::mypage::my_page(db, c.physician_id).await {
        Ok(p) => p,
        Err(crate::services::mypage::MyPageError::Db(e)) => return Err(e),
        Err(_) => return Ok(None),
    };
    if page
        .open_applications
        .iter()
        .any(|a| a.certification == c.certification)
    {
        return Ok(None);
    }
    let procedure = match c.certification {
        domain::Certification::Occupational => domain::Procedure::OccupationalRenewal,
        domain::Certification::Sports => domain::Procedure::SportsRenewal,
    };
    let decision = evaluate(rules, &page.evaluation_input(procedure, today, &[]));
    let certification = Message::key(format!("certification.{}", c.certification));
    let missing = domain::words::missing(&decision);
    let state = if missing.is_empty() {
        Message::key("reminder.ready")
    } else {
        Message::key("reminder.missing").arg(
            "lines",
            missing
                .iter()
                .map(|m| format!("・{}", m.render(mail::MAIL_LANG)))
                .collect::<Vec<_>>()
                .join("\n"),
        )
    };
    let until = domain::words::day(c.valid_until);
    let notice = Message::key(format!("notice.reminder.{}", stage.code()))
        .arg_msg("certification", certification.clone())
        .arg("until", &until);
    let settings = notices::settings(db, c.physician_id).await?;
    let txn = crate::db::begin(db).await?;
    let fresh = notices::insert(
        &txn,
        &NewNotice {
            user_id: c.physician_id,
            kind: NoticeKind::Reminder,
            once_key: Some(once_key(c, stage)),
            message: &notice,
            link: Some(LINK),
            mailed: settings.reminders_by_mail,
        },
        Utc::now(),
    )
    .await?;
    if !fresh {
        // Another round wrote it first.
        return Ok(None);
    }
    if settings.reminders_by_mail {
        let subject = Message::key("reminder.subject").arg_msg("notice", notice.clone());
        let body = Message::key("reminder.body")
            .arg("name", &page.profile.name_kanji)
            .arg_msg("notice", notice)
            .arg_msg("certification", certification)
            .arg("number", &c.number)
            .arg("until", until)
            .arg(
                "recommended",
                decision
                    .deadlines
                    .recommended_submission
                    .map(domain::words::day)
                    .unwrap_or_default(),
            )
            .arg_msg("state", state)
            .arg(
                "link",
                format!("{}{LINK}", public_url.trim_end_matches('/')),
            );
        mail::queue(&txn, &user.email, &subject, &body, None).await?;
    }
    crate::db::commit(txn).await?;
    Ok(Some(settings.reminders_by_mail))
}
