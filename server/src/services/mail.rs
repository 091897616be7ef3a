//! Notifications by e-mail through a transactional outbox: a mail is a row written in the same
//! transaction as the state change it reports, so it is never lost nor sent for a change that
//! rolled back. After the commit, SMTP (lettre) delivers pending rows when `NINTEI_SMTP_URL` is
//! set; without SMTP the rows stay in the outbox, which admins read. Texts come from the
//! catalogue, in Japanese (the language of the association's correspondence).

use chrono::Utc;
use domain::application::{OutboxMail, Step};
use domain::{Lang, Message};
use lettre::message::Mailbox;
use lettre::{AsyncSmtpTransport, AsyncTransport, Tokio1Executor};
use sea_orm::{ConnectionTrait, DatabaseConnection};

use crate::config::Settings;
use crate::db::{DbResult, outbox};

/// The language mails are written in.
pub const MAIL_LANG: Lang = Lang::Ja;

/// Attempts before a mail is left for an operator to look at.
const MAX_ATTEMPTS: i32 = 5;

/// Sends what the outbox holds.
#[derive(Clone)]
pub struct Mailer {
    smtp: Option<AsyncSmtpTransport<Tokio1Executor>>,
    from: Mailbox,
}

impl std::fmt::Debug for Mailer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "Mailer(smtp: {}, from: {})",
            self.smtp.is_some(),
            self.from
        )
    }
}

/// Which application mail a step sends, if any (`mail.application.<kind>.*` in the catalogue).
pub fn application_mail(step: Step) -> Option<&'static str> {
    match step {
        Step::Submit | Step::Resubmit => Some("received"),
        Step::RequestCorrection => Some("correction"),
        Step::Forward => Some("forwarded"),
        Step::Approve => Some("approved"),
        Step::Reject => Some("rejected"),
        _ => None,
    }
}

/// Writes a mail into the outbox, inside the caller's transaction; `note` (a reviewer's
/// message or reason) is added below the body as written.
pub async fn queue(
    db: &impl ConnectionTrait,
    to: &str,
    subject: &Message,
    body: &Message,
    note: Option<&str>,
) -> DbResult<()> {
    let mut text = body.render(MAIL_LANG);
    if let Some(n) = note {
        text.push_str(&format!("\n\n{n}\n"));
    }
    outbox::queue(db, to, &subject.render(MAIL_LANG), &text).await?;
    tracing::info!(subject = %subject.key, "mail queued in the outbox");
    Ok(())
}

impl Mailer {
    /// The mailer the settings describe.
    pub fn from_settings(settings: &Settings) -> Result<Mailer, String> {
        let from: Mailbox = settings
            .mail_from
            .parse()
            .map_err(|e| format!("NINTEI_MAIL_FROM: {e}"))?;
        let smtp = settings
            .smtp_url
            .as_ref()
            .map(|url| {
                AsyncSmtpTransport::<Tokio1Executor>::from_url(url.expose())
                    .map(|b| b.build())
                    .map_err(|e| format!("NINTEI_SMTP_URL: {e}"))
            })
            .transpose()?;
        Ok(Mailer { smtp, from })
    }

    /// Delivers pending mails in the background (no-op without SMTP).
    pub fn deliver_pending(&self, db: &DatabaseConnection) {
        let Some(smtp) = self.smtp.clone() else {
            return;
        };
        let from = self.from.clone();
        let db = db.clone();
        tokio::spawn(async move {
            if let Err(e) = deliver(&smtp, &from, &db).await {
                tracing::warn!(error = %e, "outbox delivery stopped");
            }
        });
    }
}

/// The newest mails of the outbox, for admins.
pub async fn newest(db: &DatabaseConnection) -> DbResult<Vec<OutboxMail>> {
    outbox::newest(db, 200).await
}

async fn deliver(
    smtp: &AsyncSmtpTransport<Tokio1Executor>,
    from: &Mailbox,
    db: &DatabaseConnection,
) -> DbResult<()> {
    for row in outbox::pending(db, MAX_ATTEMPTS).await? {
        let mail = &row.mail;
        let result = match mail.to.parse::<Mailbox>() {
            Ok(to) => match lettre::Message::builder()
                .from(from.clone())
                .to(to)
                .subject(mail.subject.clone())
                .body(mail.body.clone())
            {
                Ok(message) => smtp
                    .send(message)
                    .await
                    .map(|_| ())
                    .map_err(|e| e.to_string()),
                Err(e) => Err(e.to_string()),
            },
            Err(e) => Err(e.to_string()),
        };
        let (sent_at, error) = match result {
            Ok(()) => (Some(Utc::now()), None),
            Err(e) => {
                tracing::warn!(error = %e, "mail not delivered; kept in the outbox");
                (None, Some(e))
            }
        };
        outbox::attempted(db, mail.id, row.attempts + 1, sent_at, error).await?;
    }
    Ok(())
}
