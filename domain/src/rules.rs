//! Versioned rule sets: every number of `shared/spec/rules.md` as data, so that an association
//! can change a parameter (by loading another set) without touching the engine.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::catalog::OccupationalSubject;
use crate::units::Units;

/// All parameters of the certification rules, as one versioned value.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RuleSet {
    /// Identifies the set in decisions and stored applications, e.g. `jma-2025-04`.
    pub version: String,
    /// Occupational physician, new certificate.
    pub occupational_new: OccupationalNewRules,
    /// Occupational physician, renewal.
    pub occupational_renewal: RenewalRules,
    /// Health sports physician, new certificate.
    pub sports_new: SportsNewRules,
    /// Health sports physician, renewal.
    pub sports_renewal: SportsRenewalRules,
    /// Length of a validity period, new or renewed, in years.
    pub validity_years: u32,
    /// Review rounds of the occupational certification.
    pub occupational_rounds: ReviewRounds,
    /// Review rounds of the sports certification (configuration, `rules.md`).
    pub sports_rounds: ReviewRounds,
    /// Last day of sessions recorded in the paper handbook (手帳管理); later ones are registered
    /// by organizers.
    pub handbook_cutoff: NaiveDate,
    /// A renewal can be applied for from this many months before expiry (rules.md: associations
    /// send the forms 3–4 months ahead; earlier, units of the rest of the period would be lost).
    #[serde(default = "default_renewal_opens_months")]
    pub renewal_opens_months_before: u32,
    /// Review and registration fee (審査・登録料) of a new or renewal application, in yen,
    /// paid to the prefectural association.
    #[serde(default = "default_fee_yen")]
    pub fee_yen: u32,
}

/// Renewals open 6 months before expiry (rules.md's decision).
fn default_renewal_opens_months() -> u32 {
    6
}

fn default_fee_yen() -> u32 {
    10_000
}

impl RuleSet {
    /// The review rounds of `certification`.
    pub fn rounds(&self, certification: crate::Certification) -> &ReviewRounds {
        match certification {
            crate::Certification::Occupational => &self.occupational_rounds,
            crate::Certification::Sports => &self.sports_rounds,
        }
    }
}

/// `occupational.new`: basic training, or the UOEH equivalent route.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct OccupationalNewRules {
    /// Minimum of the early part (前期研修).
    pub early_total: Units,
    /// Per-subject minimums of the early part.
    pub early_subjects: Vec<SubjectMinimum>,
    /// Minimum of the practical part (実地研修).
    pub practical_total: Units,
    /// Minimum of the late part (後期研修).
    pub late_total: Units,
    /// Whether individually attended web seminars count toward basic training (JMA 2024: no).
    pub online_basic_counts: bool,
    /// Years after the last basic day within which the application must be made.
    pub window_years: u32,
    /// Years after the UOEH completion date within which the application must be made.
    pub uoeh_window_years: u32,
}

/// The minimum of one early-part subject.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubjectMinimum {
    /// The subject.
    pub subject: OccupationalSubject,
    /// Its minimum.
    pub minimum: Units,
}

/// `occupational.renewal`.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RenewalRules {
    /// Minimum lifelong units inside the window.
    pub lifelong_total: Units,
    /// Minimum of each of update, practical and specialised.
    pub each_kind_minimum: Units,
    /// At most this many online units count toward the total (update and specialised only).
    pub online_cap: Units,
    /// Grace period after expiry, in months, with a stated special reason.
    pub grace_months: u32,
    /// JMA asks for the application this many months before expiry.
    pub recommended_months_before: u32,
    /// The COVID special measure, if any.
    pub covid_special: Option<CovidSpecial>,
}

/// コロナ特例: late renewals of certificates expiring on or after `expiry_from` may count units
/// attended after expiry, until `ends`.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CovidSpecial {
    /// Certificates whose expiry is on or after this day are covered.
    pub expiry_from: NaiveDate,
    /// Last day on which the measure applies.
    pub ends: NaiveDate,
}

/// `sports.new`: every subject of the course, or an exemption.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SportsNewRules {
    /// Units needed in each of the 25 subjects (60 minutes = 1 unit).
    pub subject_minimum: Units,
    /// Whether web attendance counts (it does).
    pub online_counts: bool,
}

/// `sports.renewal`.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SportsRenewalRules {
    /// Minimum refresher units inside the window.
    pub refresher_total: Units,
    /// Grace period after expiry, in months, with a stated special reason.
    pub grace_months: u32,
    /// Months before expiry that the application is recommended.
    pub recommended_months_before: u32,
    /// The sports COVID measure ended on 2023-12-31; kept as data so history can be replayed.
    pub covid_special: Option<CovidSpecial>,
}

/// JMA receipt deadlines of review rounds and how much earlier a prefecture closes.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReviewRounds {
    /// Months (1–12) whose `day` is a JMA receipt deadline.
    pub months: Vec<u32>,
    /// Day of the month of the JMA receipt deadline.
    pub day: u32,
    /// Default number of days before the JMA deadline that a prefecture closes its intake.
    pub prefectural_lead_days: u32,
}

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("rule-set dates are valid")
}

impl RuleSet {
    /// The rules in force (JMA, April 2025 onwards, with the decisions of `rules.md`).
    pub fn current() -> RuleSet {
        use OccupationalSubject::*;
        let w = Units::whole;
        RuleSet {
            version: "jma-2025-04".to_owned(),
            occupational_new: OccupationalNewRules {
                early_total: w(14),
                early_subjects: [
                    (General, 2),
                    (HealthManagement, 2),
                    (MentalHealth, 1),
                    (HealthPromotion, 1),
                    (WorkEnvironment, 2),
                    (WorkManagement, 2),
                    (HazardousWork, 2),
                    (Practice, 2),
                ]
                .into_iter()
                .map(|(subject, n)| SubjectMinimum {
                    subject,
                    minimum: w(n),
                })
                .collect(),
                practical_total: w(10),
                late_total: w(26),
                online_basic_counts: false,
                window_years: 5,
                uoeh_window_years: 5,
            },
            occupational_renewal: RenewalRules {
                lifelong_total: w(20),
                each_kind_minimum: w(1),
                online_cap: w(5),
                grace_months: 6,
                recommended_months_before: 2,
                covid_special: Some(CovidSpecial {
                    expiry_from: date(2020, 2, 1),
                    ends: date(2028, 3, 31),
                }),
            },
            sports_new: SportsNewRules {
                subject_minimum: w(1),
                online_counts: true,
            },
            sports_renewal: SportsRenewalRules {
                refresher_total: w(5),
                grace_months: 6,
                recommended_months_before: 2,
                covid_special: Some(CovidSpecial {
                    expiry_from: date(2020, 2, 1),
                    ends: date(2023, 12, 31),
                }),
            },
            validity_years: 5,
            renewal_opens_months_before: default_renewal_opens_months(),
            occupational_rounds: ReviewRounds {
                months: vec![5, 7, 9, 11, 1, 3],
                day: 1,
                prefectural_lead_days: 28,
            },
            // Decision: the sports rounds are configuration; by default they follow the
            // occupational calendar so that a prefecture runs one intake for both.
            sports_rounds: ReviewRounds {
                months: vec![5, 7, 9, 11, 1, 3],
                day: 1,
                prefectural_lead_days: 28,
            },
            handbook_cutoff: date(2025, 3, 31),
            fee_yen: default_fee_yen(),
        }
    }
}

impl Default for RuleSet {
    fn default() -> Self {
        RuleSet::current()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_early_subject_minimums_add_up_to_the_early_total() {
        let rules = RuleSet::current();
        let sum: Units = rules
            .occupational_new
            .early_subjects
            .iter()
            .map(|s| s.minimum)
            .sum();
        assert_eq!(sum, rules.occupational_new.early_total);
        assert_eq!(rules.occupational_new.early_subjects.len(), 8);
    }

    #[test]
    fn a_rule_set_round_trips_through_json_so_associations_can_ship_their_own() {
        let rules = RuleSet::current();
        let json = serde_json::to_string(&rules).unwrap();
        assert_eq!(serde_json::from_str::<RuleSet>(&json).unwrap(), rules);
    }
}
