//! Counting attempts atomically (`throttles`): each check is one `INSERT … ON CONFLICT DO
//! UPDATE … RETURNING` statement, the same on SQLite and PostgreSQL, so that parallel requests
//! are counted one by one and none passes a check that another has already used up.

use sea_orm::{ConnectionTrait, DatabaseBackend, EntityTrait, Statement, Value};

use crate::db::{DbError, DbResult};
use crate::entities::throttle;

/// Growing delays: the first `free` attempts within `window_ms` go through at once; after each
/// further attempt the key waits one `unit_ms`, then twice that, and so on up to `cap_ms`. A
/// success clears the key.
#[derive(Clone, Copy, Debug)]
pub struct Schedule {
    /// Attempts without delay.
    pub free: i64,
    /// The first delay.
    pub unit_ms: i64,
    /// The longest delay.
    pub cap_ms: i64,
    /// After this long without a new window, counting starts again.
    pub window_ms: i64,
}

impl Schedule {
    /// The delay after attempt `n` (1-based).
    pub fn delay_ms(&self, n: i64) -> i64 {
        if n <= self.free {
            return 0;
        }
        let doublings = u32::try_from((n - self.free - 1).min(40)).unwrap_or(40);
        self.unit_ms
            .saturating_mul(1_i64.checked_shl(doublings).unwrap_or(i64::MAX))
            .min(self.cap_ms)
    }

    /// The delay as SQL for the count expression `n` (constants only; nothing from a request).
    fn delay_sql(&self, n: &str) -> String {
        let mut sql = format!("CASE WHEN {n} <= {} THEN 0", self.free);
        let mut k = self.free + 1;
        while self.delay_ms(k) < self.cap_ms && k < self.free + 40 {
            sql.push_str(&format!(" WHEN {n} = {k} THEN {}", self.delay_ms(k)));
            k += 1;
        }
        sql.push_str(&format!(" ELSE {} END", self.cap_ms));
        sql
    }
}

/// Placeholder `i` (1-based) in the backend's dialect.
fn p(backend: DatabaseBackend, i: usize) -> String {
    match backend {
        DatabaseBackend::Postgres => format!("${i}"),
        _ => format!("?{i}"),
    }
}

/// One attempt at `key` on the `schedule`: `Ok(())` when it may go ahead (and is counted),
/// `Err(ms)` when it must wait that long (and is not counted).
pub async fn attempt(
    db: &impl ConnectionTrait,
    key: &str,
    now_ms: i64,
    schedule: &Schedule,
) -> DbResult<Result<(), i64>> {
    let b = db.get_database_backend();
    let (key_p, now_p) = (p(b, 1), p(b, 2));
    let expired = format!("throttles.window_start <= {now_p} - {}", schedule.window_ms);
    let next = format!("(CASE WHEN {expired} THEN 1 ELSE throttles.count + 1 END)");
    let sql = format!(
        "INSERT INTO throttles (key, count, window_start, blocked_until) \
         VALUES ({key_p}, 1, {now_p}, {now_p} + {first}) \
         ON CONFLICT (key) DO UPDATE SET \
           count = {next}, \
           window_start = CASE WHEN {expired} THEN {now_p} ELSE throttles.window_start END, \
           blocked_until = {now_p} + ({delay}) \
         WHERE throttles.blocked_until <= {now_p} \
         RETURNING count",
        first = schedule.delay_ms(1),
        delay = schedule.delay_sql(&next),
    );
    let values: [Value; 2] = [key.into(), now_ms.into()];
    if db
        .query_one_raw(Statement::from_sql_and_values(b, sql, values))
        .await?
        .is_some()
    {
        return Ok(Ok(()));
    }
    let row = throttle::Entity::find_by_id(key.to_owned())
        .one(db)
        .await?
        .ok_or_else(|| DbError::Corrupt(format!("throttle {key} vanished")))?;
    Ok(Err((row.blocked_until - now_ms).max(1)))
}

/// How long `key` must still wait, if it must (a read; nothing is counted).
pub async fn blocked(db: &impl ConnectionTrait, key: &str, now_ms: i64) -> DbResult<Option<i64>> {
    Ok(throttle::Entity::find_by_id(key.to_owned())
        .one(db)
        .await?
        .filter(|t| t.blocked_until > now_ms)
        .map(|t| t.blocked_until - now_ms))
}

/// Forgets `key` (a login that succeeded).
pub async fn clear(db: &impl ConnectionTrait, key: &str) -> DbResult<()> {
    throttle::Entity::delete_by_id(key.to_owned())
        .exec(db)
        .await?;
    Ok(())
}

/// One use of `key`, at most `limit` per `window_ms`: `Ok(())`, or `Err(ms)` until the window
/// ends. Every use is counted, refused ones too.
pub async fn hit(
    db: &impl ConnectionTrait,
    key: &str,
    now_ms: i64,
    window_ms: i64,
    limit: i64,
) -> DbResult<Result<(), i64>> {
    let b = db.get_database_backend();
    let (key_p, now_p) = (p(b, 1), p(b, 2));
    let expired = format!("throttles.window_start <= {now_p} - {window_ms}");
    let sql = format!(
        "INSERT INTO throttles (key, count, window_start, blocked_until) \
         VALUES ({key_p}, 1, {now_p}, 0) \
         ON CONFLICT (key) DO UPDATE SET \
           count = CASE WHEN {expired} THEN 1 ELSE throttles.count + 1 END, \
           window_start = CASE WHEN {expired} THEN {now_p} ELSE throttles.window_start END \
         RETURNING count, window_start"
    );
    let values: [Value; 2] = [key.into(), now_ms.into()];
    let row = db
        .query_one_raw(Statement::from_sql_and_values(b, sql, values))
        .await?
        .ok_or_else(|| DbError::Corrupt(format!("throttle {key} not counted")))?;
    let count: i32 = row.try_get("", "count")?;
    let start: i64 = row.try_get("", "window_start")?;
    if i64::from(count) > limit {
        Ok(Err((start + window_ms - now_ms).max(1)))
    } else {
        Ok(Ok(()))
    }
}

/// Forgets keys idle for `idle_ms` (the purge).
pub async fn purge(db: &impl ConnectionTrait, now_ms: i64, idle_ms: i64) -> DbResult<u64> {
    use sea_orm::{ColumnTrait, QueryFilter};
    Ok(throttle::Entity::delete_many()
        .filter(throttle::Column::WindowStart.lt(now_ms - idle_ms))
        .filter(throttle::Column::BlockedUntil.lt(now_ms))
        .exec(db)
        .await?
        .rows_affected)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delays_double_after_the_free_attempts_up_to_the_cap() {
        let s = Schedule {
            free: 3,
            unit_ms: 1000,
            cap_ms: 300_000,
            window_ms: 900_000,
        };
        let delays: Vec<i64> = (1..=13).map(|n| s.delay_ms(n)).collect();
        assert_eq!(
            delays,
            [
                0, 0, 0, 1000, 2000, 4000, 8000, 16000, 32000, 64000, 128000, 256000, 300000
            ]
        );
        assert!(s.delay_sql("n").ends_with("ELSE 300000 END"));
    }
}
