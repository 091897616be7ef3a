//! Notifications by e-mail through a transactional outbox: a mail is a row written in the same
//! transaction as the state change it reports, so it is never lost nor sent for a change that
//! rolled back. After the commit, SMTP (lettre) delivers pending rows when `NINTEI_SMTP_URL` is
//! set; without SMTP the rows stay in the outbox, which admins read, and the log shows them.

use chrono::Utc;
use domain::application::OutboxMail;
use lettre::message::Mailbox;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect, Set,
};

use crate::config::Settings;
use crate::entities::outbox;
use crate::error::ApiError;

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

    /// Writes a mail into the outbox, inside the caller's transaction.
    pub async fn queue(
        db: &impl ConnectionTrait,
        to: &str,
        subject: &str,
        body: &str,
    ) -> Result<(), ApiError> {
        outbox::ActiveModel {
            to_address: Set(to.to_owned()),
            subject: Set(subject.to_owned()),
            body: Set(body.to_owned()),
            created_at: Set(Utc::now()),
            sent_at: Set(None),
            attempts: Set(0),
            last_error: Set(None),
            ..Default::default()
        }
        .insert(db)
        .await?;
        tracing::info!(%to, %subject, "mail queued in the outbox");
        Ok(())
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
pub async fn outbox_mails(db: &DatabaseConnection) -> Result<Vec<OutboxMail>, ApiError> {
    Ok(outbox::Entity::find()
        .order_by_desc(outbox::Column::Id)
        .limit(200)
        .all(db)
        .await?
        .into_iter()
        .map(|m| OutboxMail {
            id: m.id,
            to: m.to_address,
            subject: m.subject,
            body: m.body,
            created_at: m.created_at,
            sent_at: m.sent_at,
        })
        .collect())
}

async fn deliver(
    smtp: &AsyncSmtpTransport<Tokio1Executor>,
    from: &Mailbox,
    db: &DatabaseConnection,
) -> Result<(), ApiError> {
    let pending = outbox::Entity::find()
        .filter(outbox::Column::SentAt.is_null())
        .filter(outbox::Column::Attempts.lt(5))
        .order_by_asc(outbox::Column::Id)
        .all(db)
        .await?;
    for row in pending {
        let result = match row.to_address.parse::<Mailbox>() {
            Ok(to) => match Message::builder()
                .from(from.clone())
                .to(to)
                .subject(row.subject.clone())
                .body(row.body.clone())
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
        let attempts = row.attempts + 1;
        let mut update: outbox::ActiveModel = row.into();
        update.attempts = Set(attempts);
        match result {
            Ok(()) => update.sent_at = Set(Some(Utc::now())),
            Err(e) => {
                tracing::warn!(error = %e, "mail not delivered; kept in the outbox");
                update.last_error = Set(Some(e));
            }
        }
        update.update(db).await?;
    }
    Ok(())
}
