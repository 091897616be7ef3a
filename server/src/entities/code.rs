//! `Code<T>`: a column holding one of the domain's code enums (status, role, category…) as its
//! text code. Reading a row parses the code, so a typo in the database is an error at the row,
//! not a string compared by hand somewhere else.

use std::fmt::Display;
use std::str::FromStr;

use sea_orm::sea_query::{self, ArrayType, ColumnType, StringLen, ValueType, ValueTypeErr};
use sea_orm::{ColIdx, DbErr, QueryResult, TryGetError, TryGetable, Value};

/// A domain code enum stored as its text code.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Code<T>(pub T);

impl<T> Code<T> {
    /// The domain value.
    pub fn get(self) -> T {
        self.0
    }
}

impl<T: Display> From<Code<T>> for Value {
    fn from(code: Code<T>) -> Value {
        Value::String(Some(code.0.to_string()))
    }
}

fn parse<T: FromStr>(text: &str) -> Option<T> {
    text.parse().ok()
}

impl<T: FromStr> TryGetable for Code<T> {
    fn try_get_by<I: ColIdx>(res: &QueryResult, idx: I) -> Result<Self, TryGetError> {
        let text = String::try_get_by(res, idx)?;
        parse(&text).map(Code).ok_or_else(|| {
            TryGetError::DbErr(DbErr::Type(format!(
                "stored code `{text}` is not a known {}",
                std::any::type_name::<T>()
            )))
        })
    }
}

impl<T: FromStr> ValueType for Code<T> {
    fn try_from(v: Value) -> Result<Self, ValueTypeErr> {
        let text = <String as ValueType>::try_from(v)?;
        parse(&text).map(Code).ok_or(ValueTypeErr)
    }

    fn type_name() -> String {
        format!("Code<{}>", std::any::type_name::<T>())
    }

    fn array_type() -> ArrayType {
        ArrayType::String
    }

    fn column_type() -> ColumnType {
        ColumnType::String(StringLen::None)
    }
}

impl<T> sea_query::Nullable for Code<T> {
    fn null() -> Value {
        Value::String(None)
    }
}

impl<T> sea_orm::IntoActiveValue<Code<T>> for Code<T>
where
    Code<T>: Into<Value>,
{
    fn into_active_value(self) -> sea_orm::ActiveValue<Code<T>> {
        sea_orm::ActiveValue::Set(self)
    }
}

impl<T> sea_query::postgres_array::NotU8 for Code<T> {}
