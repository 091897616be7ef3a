//! Indexes that only a database of national size showed missing (issue #12, `make
//! bench-scale`): My Page took 44 ms at 340,000 physicians against 2 ms at 3,400, because
//! reading a certificate's periods read every period in the country. The API test
//! `query_plans` now gives its physician a certificate, so it sees that statement too.

use sea_orm_migration::prelude::*;

migration! {
    up(m) {
        m.create_index(
            Index::create()
                .name("certificate_periods_certificate")
                .table("certificate_periods")
                .col("certificate_id")
                .col("valid_from")
                .to_owned(),
        )
        .await
    }
    down(m) {
        m.drop_index(
            Index::drop()
                .name("certificate_periods_certificate")
                .table("certificate_periods")
                .to_owned(),
        )
        .await
    }
}
