//! Review at a prefecture's scale (issue #16): the queue's search by the start of a name, and a
//! dashboard that counts the rounds of the last year.
//! - `physicians(name_kanji)` and `physicians(name_kana)`: a name is searched by its start, as a
//!   range of code points. PostgreSQL compares text by the database's collation unless told,
//!   so there the index and the query both use `COLLATE "C"` (code-point order, as SQLite's
//!   `BINARY`); a range in another collation would miss names.
//! - `applications(round_deadline, certification, status)`: JMA's dashboard counts every
//!   prefecture's applications of the rounds since a year ago, without reading older ones.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, DatabaseBackend};

/// (index, table, columns)
const INDEXES: &crate::Indexes = &[(
    "applications_round",
    "applications",
    &["round_deadline", "certification", "status"],
)];

/// (index, column) of `physicians`, searched by a name's start.
const NAMES: [(&str, &str); 2] = [
    ("physicians_name_kanji", "name_kanji"),
    ("physicians_name_kana", "name_kana"),
];

migration! {
    up(m) {
        crate::create_indexes(m, INDEXES).await?;
        let db = m.get_connection();
        for (name, column) in NAMES {
            let sql = match db.get_database_backend() {
                DatabaseBackend::Postgres => {
                    format!("CREATE INDEX {name} ON physicians ({column} COLLATE \"C\")")
                }
                _ => format!("CREATE INDEX {name} ON physicians ({column})"),
            };
            db.execute_unprepared(&sql).await?;
        }
        Ok(())
    }
    down(m) {
        let db = m.get_connection();
        for (name, _) in NAMES {
            db.execute_unprepared(&format!("DROP INDEX {name}")).await?;
        }
        crate::drop_indexes(m, INDEXES).await
    }
}
