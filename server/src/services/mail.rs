//! Notifications by e-mail through a transactional outbox: a mail is a row written in the same
//! transaction as the state change it reports, so it is never lost nor sent for a change that
//! rolled back. When `NINTEI_SMTP_URL` is set, one delivery loop per server sends pending rows
//! through SMTP (lettre): woken after each commit that wrote mail, and every
//! `NINTEI_OUTBOX_SECONDS` anyway (so mail written before a restart goes out). Each row is
//! claimed by one conditional update before it is sent, so two loops (two instances) never send
//! it twice. Without SMTP the rows stay in the outbox, which admins read. The log names mails by
//! id, never by address. Texts come from the catalogue, in Japanese (the language of the
//! association's correspondence).

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
pub const MAX_ATTEMPTS: i32 = 5;

/// How long a delivery holds its claim on a mail (a crashed delivery's claim expires).
const CLAIM_SECONDS: i64 = 120;

/// Sends what the outbox holds.
#[derive(Clone)]
pub struct Mailer {
    smtp: Option<AsyncSmtpTransport<Tokio1Executor>>,
    from: Mailbox,
    wake: std::sync::Arc<tokio::sync::Notify>,
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

/// A single-use link by mail: what it is for, where it leads and how long it works.
pub struct Link<'a> {
    /// The token's purpose (`tokens::RESET_PASSWORD`, …).
    pub purpose: &'a str,
    /// The new address, for an e-mail change.
    pub new_email: Option<String>,
    /// The page the link opens, with the token in its fragment (never sent to servers).
    pub page: &'a str,
    /// The catalogue's subject key.
    pub subject: &'a str,
    /// The catalogue's body key; the body gets `{link}` and the lifetime.
    pub body: &'a str,
    /// How long it works.
    pub lifetime: Lifetime,
}

/// How long a mailed link works, in the unit its mail names.
#[derive(Clone, Copy, Debug)]
pub enum Lifetime {
    /// So many minutes (the body gets `{minutes}`).
    Minutes(i64),
    /// So many hours (the body gets `{hours}`).
    Hours(i64),
}

impl Lifetime {
    fn duration(self) -> chrono::Duration {
        match self {
            Lifetime::Minutes(m) => chrono::Duration::minutes(m),
            Lifetime::Hours(h) => chrono::Duration::hours(h),
        }
    }

    fn arg(self) -> (&'static str, i64) {
        match self {
            Lifetime::Minutes(m) => ("minutes", m),
            Lifetime::Hours(h) => ("hours", h),
        }
    }
}

/// Stores a new link's token (its hash only) for `user_id` and writes its mail to `to` into the
/// outbox, inside the caller's transaction.
pub async fn queue_link(
    db: &impl ConnectionTrait,
    public_url: &str,
    user_id: i32,
    to: &str,
    link: Link<'_>,
    now: chrono::DateTime<Utc>,
) -> DbResult<()> {
    let (token, hash) = crate::security::new_token();
    let expires_at = now + link.lifetime.duration();
    crate::db::tokens::insert(db, hash, user_id, link.purpose, link.new_email, expires_at).await?;
    let url = format!("{}/{}#{token}", public_url.trim_end_matches('/'), link.page);
    let (unit, amount) = link.lifetime.arg();
    queue(
        db,
        to,
        &Message::key(link.subject),
        &Message::key(link.body).arg("link", url).arg(unit, amount),
        None,
    )
    .await
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

/// Mails the staff of `prefecture` — or, while it has no staff account yet, JMA's staff — inside
/// the caller's transaction (a new application, a session submitted for designation). Disabled
/// accounts get nothing.
pub async fn tell_staff(
    db: &impl ConnectionTrait,
    prefecture: domain::Prefecture,
    subject: &Message,
    body: &Message,
) -> DbResult<()> {
    use crate::db::accounts::enabled_of_role;
    use domain::account::Role;
    let mut to = enabled_of_role(db, Role::PrefecturalStaff, Some(prefecture)).await?;
    if to.is_empty() {
        to = enabled_of_role(db, Role::JmaStaff, None).await?;
    }
    for u in to {
        queue(db, &u.email, subject, body, None).await?;
    }
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
        Ok(Mailer {
            smtp,
            from,
            wake: std::sync::Arc::new(tokio::sync::Notify::new()),
        })
    }

    /// Wakes the delivery loop: a commit wrote mail (no-op without SMTP).
    pub fn deliver_pending(&self, _db: &DatabaseConnection) {
        self.wake.notify_one();
    }

    /// Starts the delivery loop of this server (nothing without SMTP): a round when woken and
    /// every `every`, so nothing waits for the next state change.
    pub fn start(
        &self,
        db: &DatabaseConnection,
        every: std::time::Duration,
        metrics: std::sync::Arc<crate::metrics::Metrics>,
    ) {
        if self.smtp.is_none() {
            return;
        }
        let mailer = self.clone();
        let db = db.clone();
        tokio::spawn(async move {
            loop {
                let round = mailer.deliver_now(&db).await;
                metrics.job_ran(crate::metrics::Job::Outbox, round.is_ok());
                if let Err(e) = round {
                    tracing::warn!(error = %e, "outbox delivery round failed; retrying later");
                }
                tokio::select! {
                    () = mailer.wake.notified() => {}
                    () = tokio::time::sleep(every) => {}
                }
            }
        });
    }

    /// One delivery round: every pending mail this round can claim is sent once.
    pub async fn deliver_now(&self, db: &DatabaseConnection) -> DbResult<()> {
        match &self.smtp {
            Some(smtp) => deliver(smtp, &self.from, db).await,
            None => Ok(()),
        }
    }
}

/// The newest mails of the outbox, for admins, a page of [`domain::application::QUEUE_PAGE`]
/// older than `before` when given.
pub async fn newest(db: &DatabaseConnection, before: Option<i32>) -> DbResult<Vec<OutboxMail>> {
    outbox::newest(db, before, domain::application::QUEUE_PAGE as u64).await
}

async fn deliver(
    smtp: &AsyncSmtpTransport<Tokio1Executor>,
    from: &Mailbox,
    db: &DatabaseConnection,
) -> DbResult<()> {
    for row in outbox::pending(db, MAX_ATTEMPTS).await? {
        let mail = &row.mail;
        let now = Utc::now();
        if !outbox::claim(
            db,
            mail.id,
            now,
            now + chrono::Duration::seconds(CLAIM_SECONDS),
        )
        .await?
        {
            // Sent or being sent by another delivery.
            continue;
        }
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
                // The error may quote the address: it stays in the row, which admins read.
                tracing::warn!(mail = mail.id, "mail not delivered; kept in the outbox");
                (None, Some(e))
            }
        };
        outbox::attempted(db, mail.id, row.attempts + 1, sent_at, error).await?;
    }
    Ok(())
}
