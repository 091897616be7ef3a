//! OpenAPI schemas of the value types whose JSON form is written by hand (`feature = "openapi"`,
//! for the server's `/api/openapi.json`): each says exactly what its serde code accepts.

use utoipa::openapi::RefOr;
use utoipa::openapi::schema::{ObjectBuilder, OneOfBuilder, Schema, Type};
use utoipa::{PartialSchema, ToSchema};

/// A string that is one of `codes`.
pub fn codes(codes: &[&str]) -> RefOr<Schema> {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .enum_values(Some(codes.iter().copied()))
        .into()
}

impl PartialSchema for crate::Units {
    fn schema() -> RefOr<Schema> {
        // Written as a number (whole or half units); read from a number or a decimal string.
        OneOfBuilder::new()
            .item(
                ObjectBuilder::new()
                    .schema_type(Type::Number)
                    .minimum(Some(0))
                    .multiple_of(Some(0.5)),
            )
            .item(
                ObjectBuilder::new()
                    .schema_type(Type::String)
                    .pattern(Some(r"^[0-9]+(\.[05])?$")),
            )
            .into()
    }
}
impl ToSchema for crate::Units {}

impl PartialSchema for crate::Prefecture {
    fn schema() -> RefOr<Schema> {
        ObjectBuilder::new()
            .schema_type(Type::Integer)
            .minimum(Some(1))
            .maximum(Some(47))
            .description(Some("JIS prefecture code, 1 (Hokkaido) to 47 (Okinawa)"))
            .into()
    }
}
impl ToSchema for crate::Prefecture {}

impl PartialSchema for crate::catalog::Subject {
    fn schema() -> RefOr<Schema> {
        ObjectBuilder::new()
            .schema_type(Type::String)
            .description(Some("a subject code of the glossary"))
            .into()
    }
}
impl ToSchema for crate::catalog::Subject {}

impl PartialSchema for crate::engine::RequirementCode {
    fn schema() -> RefOr<Schema> {
        ObjectBuilder::new()
            .schema_type(Type::String)
            .description(Some("a requirement code of eligibility-cases.md"))
            .into()
    }
}
impl ToSchema for crate::engine::RequirementCode {}
