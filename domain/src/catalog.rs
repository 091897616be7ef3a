//! The fixed vocabulary of the two certifications: procedures, credit categories and subjects.
//! Codes are the ones in `shared/spec/glossary.md`; display words live in the client's locale
//! catalogue, keyed by these codes.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// An unknown code, with the list of codes that would have been accepted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown {what} `{given}`; expected one of: {expected}")]
pub struct UnknownCode {
    /// What kind of code was expected.
    pub what: &'static str,
    /// The code that was given.
    pub given: String,
    /// The accepted codes, comma separated.
    pub expected: String,
}

/// Implements `code()`, `ALL`, `FromStr`, `Display` and string serde for a fieldless enum.
macro_rules! code_enum {
    ($(#[$meta:meta])* $name:ident, $what:literal { $($(#[$vmeta:meta])* $variant:ident => $code:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum $name { $($(#[$vmeta])* $variant),+ }

        impl $name {
            /// Every value, in the order of the spec.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The code used in data, APIs and the locale catalogue.
            pub const fn code(self) -> &'static str {
                match self { $($name::$variant => $code),+ }
            }
        }

        impl ::std::str::FromStr for $name {
            type Err = $crate::catalog::UnknownCode;
            fn from_str(s: &str) -> Result<Self, $crate::catalog::UnknownCode> {
                match s {
                    $($code => Ok($name::$variant),)+
                    _ => Err($crate::catalog::UnknownCode {
                        what: $what,
                        given: s.to_owned(),
                        expected: [$($code),+].join(", "),
                    }),
                }
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.code())
            }
        }

        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.code())
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = <String as ::serde::Deserialize>::deserialize(d)?;
                s.parse().map_err(<D::Error as ::serde::de::Error>::custom)
            }
        }

        #[cfg(feature = "openapi")]
        impl ::utoipa::PartialSchema for $name {
            fn schema() -> ::utoipa::openapi::RefOr<::utoipa::openapi::schema::Schema> {
                $crate::openapi::codes(&[$($code),+])
            }
        }

        #[cfg(feature = "openapi")]
        impl ::utoipa::ToSchema for $name {}
    };
}

pub(crate) use code_enum;

code_enum!(
    /// One of the two certifications.
    Certification, "certification" {
        /// 認定産業医
        Occupational => "occupational",
        /// 認定健康スポーツ医
        Sports => "sports",
    }
);

code_enum!(
    /// What an eligibility decision is about.
    Procedure, "procedure" {
        /// 認定産業医 新規
        OccupationalNew => "occupational.new",
        /// 認定産業医 更新
        OccupationalRenewal => "occupational.renewal",
        /// 認定健康スポーツ医 新規
        SportsNew => "sports.new",
        /// 認定健康スポーツ医 更新
        SportsRenewal => "sports.renewal",
    }
);

impl Procedure {
    /// The certification this procedure grants or renews.
    pub const fn certification(self) -> Certification {
        match self {
            Procedure::OccupationalNew | Procedure::OccupationalRenewal => {
                Certification::Occupational
            }
            Procedure::SportsNew | Procedure::SportsRenewal => Certification::Sports,
        }
    }

    /// Whether this procedure renews an existing certificate.
    pub const fn is_renewal(self) -> bool {
        matches!(
            self,
            Procedure::OccupationalRenewal | Procedure::SportsRenewal
        )
    }
}

code_enum!(
    /// The category of a credit (what kind of training it was).
    Category, "category" {
        /// 基礎研修 前期
        OccupationalBasicEarly => "occupational.basic.early",
        /// 基礎研修 実地
        OccupationalBasicPractical => "occupational.basic.practical",
        /// 基礎研修 後期
        OccupationalBasicLate => "occupational.basic.late",
        /// 生涯研修 更新
        OccupationalLifelongUpdate => "occupational.lifelong.update",
        /// 生涯研修 実地
        OccupationalLifelongPractical => "occupational.lifelong.practical",
        /// 生涯研修 専門
        OccupationalLifelongSpecialized => "occupational.lifelong.specialized",
        /// 健康スポーツ医学講習会 前期
        SportsCourseEarly => "sports.course.early",
        /// 健康スポーツ医学講習会 後期
        SportsCourseLate => "sports.course.late",
        /// 再研修会
        SportsRefresher => "sports.refresher",
    }
);

impl Category {
    /// The glossary's Japanese name (CSV exports and the client's catalogue use it).
    pub const fn name_ja(self) -> &'static str {
        match self {
            Category::OccupationalBasicEarly => "基礎研修（前期）",
            Category::OccupationalBasicPractical => "基礎研修（実地）",
            Category::OccupationalBasicLate => "基礎研修（後期）",
            Category::OccupationalLifelongUpdate => "生涯研修（更新）",
            Category::OccupationalLifelongPractical => "生涯研修（実地）",
            Category::OccupationalLifelongSpecialized => "生涯研修（専門）",
            Category::SportsCourseEarly => "健康スポーツ医学講習会（前期）",
            Category::SportsCourseLate => "健康スポーツ医学講習会（後期）",
            Category::SportsRefresher => "再研修会",
        }
    }

    /// The English name used in the UI's English locale.
    pub const fn name_en(self) -> &'static str {
        match self {
            Category::OccupationalBasicEarly => "Basic training (early)",
            Category::OccupationalBasicPractical => "Basic training (practical)",
            Category::OccupationalBasicLate => "Basic training (late)",
            Category::OccupationalLifelongUpdate => "Lifelong training (update)",
            Category::OccupationalLifelongPractical => "Lifelong training (practical)",
            Category::OccupationalLifelongSpecialized => "Lifelong training (specialised)",
            Category::SportsCourseEarly => "Health sports medicine course (early)",
            Category::SportsCourseLate => "Health sports medicine course (late)",
            Category::SportsRefresher => "Refresher training",
        }
    }

    /// The certification a credit of this category belongs to.
    pub const fn certification(self) -> Certification {
        match self {
            Category::SportsCourseEarly
            | Category::SportsCourseLate
            | Category::SportsRefresher => Certification::Sports,
            _ => Certification::Occupational,
        }
    }

    /// Occupational basic training (基礎研修).
    pub const fn is_occupational_basic(self) -> bool {
        matches!(
            self,
            Category::OccupationalBasicEarly
                | Category::OccupationalBasicPractical
                | Category::OccupationalBasicLate
        )
    }

    /// Occupational lifelong training (生涯研修).
    pub const fn is_occupational_lifelong(self) -> bool {
        matches!(
            self,
            Category::OccupationalLifelongUpdate
                | Category::OccupationalLifelongPractical
                | Category::OccupationalLifelongSpecialized
        )
    }

    /// Whether a credit of this category must name a subject.
    pub const fn requires_subject(self) -> bool {
        matches!(
            self,
            Category::OccupationalBasicEarly
                | Category::SportsCourseEarly
                | Category::SportsCourseLate
        )
    }

    /// The subjects a credit of this category may name (empty when it names none).
    pub fn subjects(self) -> Vec<Subject> {
        match self {
            Category::OccupationalBasicEarly => OccupationalSubject::ALL
                .iter()
                .map(|s| Subject::Occupational(*s))
                .collect(),
            Category::SportsCourseEarly => (1..=SPORTS_EARLY_SUBJECTS)
                .map(Subject::SportsEarly)
                .collect(),
            Category::SportsCourseLate => (1..=SPORTS_LATE_SUBJECTS)
                .map(Subject::SportsLate)
                .collect(),
            _ => Vec::new(),
        }
    }
}

code_enum!(
    /// The eight subjects of the early part of occupational basic training.
    OccupationalSubject, "occupational early subject" {
        /// 総論
        General => "general",
        /// 健康管理
        HealthManagement => "health_management",
        /// メンタルヘルス対策
        MentalHealth => "mental_health",
        /// 健康保持増進
        HealthPromotion => "health_promotion",
        /// 作業環境管理
        WorkEnvironment => "work_environment",
        /// 作業管理
        WorkManagement => "work_management",
        /// 有害業務管理
        HazardousWork => "hazardous_work",
        /// 産業医活動の実際
        Practice => "practice",
    }
);

/// Reads a form's category and, where the category has subjects, its subject; each problem is
/// pushed to `errors` as a field error.
pub fn parse_category_subject(
    category: &str,
    subject: &str,
    errors: &mut Vec<crate::text::FieldError>,
) -> (Option<Category>, Option<Subject>) {
    use crate::text::{FieldError, Message};
    let Ok(category) = category.parse::<Category>() else {
        errors.push(FieldError::new(
            "category",
            "required",
            Message::key("catalog.category.required"),
        ));
        return (None, None);
    };
    if !category.requires_subject() {
        return (Some(category), None);
    }
    match subject.parse::<Subject>() {
        Ok(s) if category.subjects().contains(&s) => (Some(category), Some(s)),
        _ => {
            errors.push(FieldError::new(
                "subject",
                "required",
                Message::key("catalog.subject.required"),
            ));
            (Some(category), None)
        }
    }
}

/// Number of subjects of the early part of the health sports medicine course.
pub const SPORTS_EARLY_SUBJECTS: u8 = 13;
/// Number of subjects of the late part of the health sports medicine course.
pub const SPORTS_LATE_SUBJECTS: u8 = 12;

/// The subject of a credit: an occupational early subject or a sports course subject.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Subject {
    /// One of the eight early-part subjects of occupational basic training.
    Occupational(OccupationalSubject),
    /// `early_01` … `early_13` of the health sports medicine course.
    SportsEarly(u8),
    /// `late_01` … `late_12` of the health sports medicine course.
    SportsLate(u8),
}

impl Subject {
    /// The code used in data, APIs and the locale catalogue, e.g. `mental_health`, `early_07`.
    pub fn code(self) -> String {
        match self {
            Subject::Occupational(s) => s.code().to_owned(),
            Subject::SportsEarly(n) => format!("early_{n:02}"),
            Subject::SportsLate(n) => format!("late_{n:02}"),
        }
    }
}

impl fmt::Display for Subject {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.code())
    }
}

impl FromStr for Subject {
    type Err = UnknownCode;
    fn from_str(s: &str) -> Result<Subject, UnknownCode> {
        let numbered = |prefix: &str, max: u8| -> Option<u8> {
            let digits = s.strip_prefix(prefix)?;
            if digits.len() != 2 {
                return None;
            }
            digits.parse::<u8>().ok().filter(|n| (1..=max).contains(n))
        };
        if let Some(n) = numbered("early_", SPORTS_EARLY_SUBJECTS) {
            return Ok(Subject::SportsEarly(n));
        }
        if let Some(n) = numbered("late_", SPORTS_LATE_SUBJECTS) {
            return Ok(Subject::SportsLate(n));
        }
        s.parse::<OccupationalSubject>().map(Subject::Occupational).map_err(|_| UnknownCode {
            what: "subject",
            given: s.to_owned(),
            expected: format!(
                "{}, early_01…early_{SPORTS_EARLY_SUBJECTS:02}, late_01…late_{SPORTS_LATE_SUBJECTS:02}",
                OccupationalSubject::ALL.iter().map(|s| s.code()).collect::<Vec<_>>().join(", ")
            ),
        })
    }
}

impl Serialize for Subject {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.code())
    }
}

impl<'de> Deserialize<'de> for Subject {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

/// (日本語, English) names of the occupational early subjects, in `OccupationalSubject::ALL` order.
const OCCUPATIONAL_NAMES: [(&str, &str); 8] = [
    ("総論", "General"),
    ("健康管理", "Health management"),
    ("メンタルヘルス対策", "Mental health"),
    ("健康保持増進", "Health promotion"),
    ("作業環境管理", "Work environment"),
    ("作業管理", "Work management"),
    ("有害業務管理", "Hazardous work"),
    ("産業医活動の実際", "Practice of occupational medicine"),
];
/// Names of `early_01`…`early_13`.
const SPORTS_EARLY_NAMES: [(&str, &str); 13] = [
    ("スポーツ医学概論", "Introduction to sports medicine"),
    (
        "神経・筋の運動生理とトレーニング効果",
        "Neuromuscular exercise physiology",
    ),
    (
        "呼吸・循環系の運動生理とトレーニング効果",
        "Cardiorespiratory exercise physiology",
    ),
    (
        "内分泌・代謝系の運動生理とトレーニング効果",
        "Endocrine and metabolic exercise physiology",
    ),
    ("運動と栄養・食事・飲料", "Exercise, nutrition and fluids"),
    ("女性と運動", "Women and exercise"),
    (
        "発育期と運動（小児科系）",
        "Growth and exercise (paediatrics)",
    ),
    (
        "中高年者と運動（内科系）",
        "Older adults and exercise (internal medicine)",
    ),
    (
        "発育期と運動（整形外科系）",
        "Growth and exercise (orthopaedics)",
    ),
    (
        "中高年者と運動（整形外科系）",
        "Older adults and exercise (orthopaedics)",
    ),
    ("メンタルヘルスと運動", "Mental health and exercise"),
    (
        "運動のためのメディカルチェック（内科系）",
        "Medical check for exercise (internal medicine)",
    ),
    (
        "運動のためのメディカルチェック（整形外科系）",
        "Medical check for exercise (orthopaedics)",
    ),
];
/// Names of `late_01`…`late_12`.
const SPORTS_LATE_NAMES: [(&str, &str); 12] = [
    (
        "運動と内科的障害（急性期・慢性期）",
        "Exercise and medical disorders",
    ),
    (
        "スポーツによる外傷と障害（1）上肢",
        "Sports injuries (1): upper limb",
    ),
    (
        "スポーツによる外傷と障害（2）下肢",
        "Sports injuries (2): lower limb",
    ),
    (
        "スポーツによる外傷と障害（3）脊椎・体幹",
        "Sports injuries (3): spine and trunk",
    ),
    (
        "スポーツによる外傷と障害（4）頭部",
        "Sports injuries (4): head",
    ),
    (
        "運動負荷試験と運動処方の基本",
        "Exercise testing and prescription",
    ),
    (
        "運動療法とリハビリテーション（内科系疾患）",
        "Exercise therapy (internal diseases)",
    ),
    (
        "運動療法とリハビリテーション（運動器疾患）",
        "Exercise therapy (locomotor diseases)",
    ),
    ("アンチ・ドーピング", "Anti-doping"),
    ("障害者とスポーツ", "Sport for people with disabilities"),
    ("保健指導", "Health guidance"),
    ("スポーツ現場での救急処置", "Emergency care in sport"),
];

impl Subject {
    fn names(self) -> (&'static str, &'static str) {
        let pick = |list: &[(&'static str, &'static str)], i: usize| {
            list.get(i).copied().unwrap_or(("", ""))
        };
        match self {
            Subject::Occupational(s) => pick(
                &OCCUPATIONAL_NAMES,
                OccupationalSubject::ALL
                    .iter()
                    .position(|x| *x == s)
                    .unwrap_or(0),
            ),
            Subject::SportsEarly(n) => pick(&SPORTS_EARLY_NAMES, usize::from(n).saturating_sub(1)),
            Subject::SportsLate(n) => pick(&SPORTS_LATE_NAMES, usize::from(n).saturating_sub(1)),
        }
    }

    /// The glossary's Japanese name.
    pub fn name_ja(self) -> &'static str {
        self.names().0
    }

    /// The English name.
    pub fn name_en(self) -> &'static str {
        self.names().1
    }
}

code_enum!(
    /// How a session was attended.
    Delivery, "delivery" {
        /// At the venue (or a group viewing counted as in person).
        InPerson => "in_person",
        /// A web seminar attended individually.
        Online => "online",
    }
);

#[expect(
    clippy::derivable_impls,
    reason = "code_enum! derives a fixed set of traits"
)]
impl Default for Delivery {
    fn default() -> Self {
        Delivery::InPerson
    }
}

code_enum!(
    /// Where a credit came from.
    Source, "source" {
        /// Registered by the organizer through the system.
        System => "system",
        /// Declared by the physician from the paper handbook (sessions up to 2025-03-31).
        Handbook => "handbook",
        /// An adjustment entered by staff, with a reason.
        Staff => "staff",
    }
);

#[expect(
    clippy::derivable_impls,
    reason = "code_enum! derives a fixed set of traits"
)]
impl Default for Source {
    fn default() -> Self {
        Source::System
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_reads_back_as_itself() {
        for c in Category::ALL {
            assert_eq!(c.code().parse::<Category>().unwrap(), *c);
            for s in c.subjects() {
                assert_eq!(s.code().parse::<Subject>().unwrap(), s);
            }
        }
        assert_eq!(Category::SportsCourseEarly.subjects().len(), 13);
        assert_eq!(
            Subject::SportsLate(12).name_ja(),
            "スポーツ現場での救急処置"
        );
        assert_eq!(
            Subject::Occupational(OccupationalSubject::Practice).name_ja(),
            "産業医活動の実際"
        );
        assert_eq!(Category::SportsCourseLate.subjects().len(), 12);
    }

    #[test]
    fn sports_subject_numbers_out_of_range_are_refused() {
        assert!("early_14".parse::<Subject>().is_err());
        assert!("late_00".parse::<Subject>().is_err());
        assert!("early_7".parse::<Subject>().is_err());
        let err = "mental".parse::<Subject>().unwrap_err();
        assert!(err.to_string().contains("mental_health"));
    }
}
