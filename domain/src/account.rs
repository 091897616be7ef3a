//! Accounts: roles, and the parsed values of the physician registration form. The browser form
//! and the server handler call the same `parse` functions, so a value that reaches the database
//! has passed the same checks the user saw.

use std::fmt;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::catalog::code_enum;
use crate::prefecture::Prefecture;
use crate::text::{FieldError, Message};

code_enum!(
    /// Who a user is to the system.
    Role, "role" {
        /// A physician with a My Page.
        Physician => "physician",
        /// Runs training sessions for an organizing body.
        Organizer => "organizer",
        /// Staff of one prefectural medical association.
        PrefecturalStaff => "prefectural_staff",
        /// Staff of the Japan Medical Association.
        JmaStaff => "jma_staff",
        /// Creates staff and organizer accounts.
        Admin => "admin",
    }
);

impl Role {
    /// The role with this code.
    pub fn from_code(code: &str) -> Option<Role> {
        code.parse().ok()
    }
}

code_enum!(
    /// Whether the physician is a JMA member (through a prefectural association).
    Membership, "membership" {
        /// A member: applications go to the prefecture of membership.
        Member => "member",
        /// A non-member: applications go to the prefecture of the workplace.
        NonMember => "non_member",
    }
);

use crate::text::normalize_digits as ascii_digits;

/// 医籍登録番号: the medical registry number, digits only (full-width digits accepted).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct RegistryNumber(String);

impl RegistryNumber {
    /// Reads a registry number: 1 to 7 digits, leading zeros dropped.
    pub fn parse(text: &str) -> Result<RegistryNumber, FieldError> {
        let digits = ascii_digits(text.trim());
        let bad = || {
            FieldError::new(
                "registry_number",
                "not_digits",
                Message::key("account.registry_number.not_digits"),
            )
        };
        if digits.is_empty() || digits.len() > 7 || !digits.chars().all(|c| c.is_ascii_digit()) {
            return Err(bad());
        }
        let trimmed = digits.trim_start_matches('0');
        if trimmed.is_empty() {
            return Err(bad());
        }
        Ok(RegistryNumber(trimmed.to_owned()))
    }

    /// The digits.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for RegistryNumber {
    type Error = String;
    fn try_from(s: String) -> Result<Self, String> {
        RegistryNumber::parse(&s).map_err(|e| e.message.render(crate::Lang::En))
    }
}

impl From<RegistryNumber> for String {
    fn from(r: RegistryNumber) -> String {
        r.0
    }
}

impl fmt::Display for RegistryNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A name in kanji (or any script), as written on the medical licence.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonName(String);

impl PersonName {
    /// Reads a name: not blank, at most 50 characters, no control characters.
    pub fn parse(text: &str) -> Result<PersonName, FieldError> {
        let name = text.trim();
        if name.is_empty() {
            return Err(FieldError::new(
                "name_kanji",
                "required",
                Message::key("account.name_kanji.required"),
            ));
        }
        if name.chars().count() > 50 || name.chars().any(char::is_control) {
            return Err(FieldError::new(
                "name_kanji",
                "invalid_name",
                Message::key("account.name_kanji.invalid_name"),
            ));
        }
        Ok(PersonName(name.to_owned()))
    }

    /// The name.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A name in full-width katakana (フリガナ); spaces between family and given names allowed.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct KanaName(String);

impl KanaName {
    /// Reads a katakana name. Hiragana and half-width katakana are converted to full-width
    /// katakana (common slips on phones); half-width spaces become full-width ones.
    pub fn parse(text: &str) -> Result<KanaName, FieldError> {
        let converted: String = crate::text::full_width_kana(text.trim())
            .chars()
            .map(|c| match c {
                'ぁ'..='ゖ' => char::from_u32(c as u32 + 0x60).unwrap_or(c),
                ' ' => '\u{3000}',
                other => other,
            })
            .collect();
        let is_katakana = |c: char| matches!(c, 'ァ'..='ヺ' | 'ー' | '・' | '\u{3000}');
        if converted.is_empty()
            || converted.chars().count() > 50
            || !converted.chars().all(is_katakana)
        {
            return Err(FieldError::new(
                "name_kana",
                "not_katakana",
                Message::key("account.name_kana.not_katakana"),
            ));
        }
        Ok(KanaName(converted))
    }

    /// The katakana.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// An address as it is stored and looked up: full-width letters and ＠ as ASCII (typed with a
/// Japanese input method left on; mail can only reach the ASCII form), trimmed, lower-cased.
pub fn normalize_email(text: &str) -> String {
    crate::text::ascii_width(text).trim().to_lowercase()
}

/// An e-mail address, lower-cased.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Email(String);

impl Email {
    /// Reads an address: one `@`, a dot in the domain, no spaces, at most 254 characters.
    pub fn parse(text: &str) -> Result<Email, FieldError> {
        let email = normalize_email(text);
        let ok = email.len() <= 254
            && !email.chars().any(char::is_whitespace)
            && email.split_once('@').is_some_and(|(local, domain)| {
                !local.is_empty()
                    && !domain.contains('@')
                    && domain.contains('.')
                    && !domain.starts_with('.')
                    && !domain.ends_with('.')
            });
        if !ok {
            return Err(FieldError::new(
                "email",
                "invalid_email",
                Message::key("account.email.invalid_email"),
            ));
        }
        Ok(Email(email))
    }

    /// The address.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Minimum password length.
pub const PASSWORD_MIN_CHARS: usize = 10;

/// The most common passwords of public breach lists (lower-cased), refused whatever their length.
const COMMON_PASSWORDS: &[&str] = &[
    "123456",
    "123456789",
    "12345678",
    "password",
    "qwerty123",
    "qwerty1",
    "111111",
    "12345",
    "1234567890",
    "1234567",
    "password1",
    "123123",
    "abc123",
    "qwerty",
    "000000",
    "iloveyou",
    "1q2w3e4r5t",
    "1qaz2wsx",
    "qwertyuiop",
    "password123",
    "passw0rd",
    "p@ssw0rd",
    "p@ssword",
    "letmein",
    "welcome",
    "welcome1",
    "admin",
    "admin123",
    "administrator",
    "monkey",
    "dragon",
    "football",
    "baseball",
    "sunshine",
    "princess",
    "superman",
    "trustno1",
    "starwars",
    "master",
    "shadow",
    "michael",
    "jennifer",
    "1234qwer",
    "zaq12wsx",
    "asdfghjkl",
    "asdf1234",
    "zxcvbnm",
    "zxcvbnm123",
    "q1w2e3r4t5",
    "aa123456",
    "123qwe",
    "qwe123",
    "1111111111",
    "0000000000",
    "1234512345",
    "9876543210",
    "0123456789",
    "abcdefghij",
    "abcd1234",
    "password12",
    "password1234",
    "passwordpassword",
    "changeme",
    "changeme123",
    "iloveyou1",
    "loveyou",
    "doctor",
    "doctor123",
    "medical",
    "hospital",
    "nintei",
    "nintei123",
    "sangyoui",
    "mypage",
    "mypage123",
    "tokyo2020",
    "nippon",
    "japan123",
    "sakura",
    "sakura123",
    "pokemon",
    "naruto",
    "doraemon",
];

/// A password that passed the policy (never stored: it is hashed by the server at once).
#[derive(Clone, PartialEq, Eq)]
pub struct Password(String);

impl fmt::Debug for Password {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Password(…)")
    }
}

impl Password {
    /// Checks the policy: at least [`PASSWORD_MIN_CHARS`] characters, not a common password,
    /// not the registry number or e-mail address.
    pub fn parse(text: &str, personal: &[&str]) -> Result<Password, FieldError> {
        if text.chars().count() < PASSWORD_MIN_CHARS {
            return Err(FieldError::new(
                "password",
                "too_short",
                Message::key("account.password.too_short").arg("n", PASSWORD_MIN_CHARS),
            ));
        }
        let lower = text.to_lowercase();
        if COMMON_PASSWORDS.contains(&lower.as_str())
            || personal
                .iter()
                .any(|p| p.chars().count() >= 4 && lower.contains(&p.to_lowercase()))
        {
            return Err(FieldError::new(
                "password",
                "too_common",
                Message::key("account.password.too_common"),
            ));
        }
        Ok(Password(text.to_owned()))
    }

    /// The text, for hashing.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

/// The registration form as typed (all text, as the browser sends it).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct RegistrationForm {
    /// 医籍登録番号
    pub registry_number: String,
    /// 氏名
    pub name_kanji: String,
    /// フリガナ
    pub name_kana: String,
    /// 生年月日, `YYYY-MM-DD`
    pub birth_date: String,
    /// メールアドレス
    pub email: String,
    /// パスワード
    pub password: String,
    /// Prefecture of membership (members) or of the workplace (non-members), JIS code.
    pub prefecture: String,
    /// `member` or `non_member`
    pub membership: String,
    /// 勤務先 (optional)
    #[serde(default)]
    pub workplace_name: String,
    /// The registry number already has a My Page and this person says it is theirs: the
    /// account is made for a claim that staff decide.
    #[serde(default)]
    pub claim: bool,
}

/// A registration that passed every check.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Registration {
    /// 医籍登録番号
    pub registry_number: RegistryNumber,
    /// 氏名
    pub name_kanji: PersonName,
    /// フリガナ
    pub name_kana: KanaName,
    /// 生年月日
    pub birth_date: NaiveDate,
    /// Login e-mail.
    pub email: Email,
    /// Password (to be hashed).
    pub password: Password,
    /// Prefecture that receives applications.
    pub prefecture: Prefecture,
    /// Membership.
    pub membership: Membership,
    /// Workplace, if given.
    pub workplace_name: Option<String>,
    /// Claims a registry number that another account holds.
    pub claim: bool,
}

impl Registration {
    /// The physician's details as registered.
    pub fn profile(&self) -> crate::api::PhysicianProfile {
        crate::api::PhysicianProfile {
            registry_number: self.registry_number.as_str().to_owned(),
            name_kanji: self.name_kanji.as_str().to_owned(),
            name_kana: self.name_kana.as_str().to_owned(),
            birth_date: self.birth_date,
            prefecture: self.prefecture,
            membership: self.membership,
            workplace_name: self.workplace_name.clone(),
            phone: None,
        }
    }
}

/// Reads a date of birth: a real day, the physician at least 24 and at most 110 years old.
pub fn parse_birth_date(text: &str, today: NaiveDate) -> Result<NaiveDate, FieldError> {
    let bad = || {
        FieldError::new(
            "birth_date",
            "invalid_date",
            Message::key("account.birth_date.invalid_date"),
        )
    };
    let date: NaiveDate = ascii_digits(text.trim())
        .replace('/', "-")
        .parse()
        .map_err(|_| bad())?;
    let age = today.years_since(date).unwrap_or(0);
    if age > 110 {
        return Err(FieldError::new(
            "birth_date",
            "implausible_date",
            Message::key("account.birth_date.too_old"),
        ));
    }
    if age < 24 {
        return Err(FieldError::new(
            "birth_date",
            "implausible_date",
            Message::key("account.birth_date.implausible_date"),
        ));
    }
    Ok(date)
}

impl RegistrationForm {
    /// Checks every field and returns all problems at once, so the form can show each beside
    /// its field.
    pub fn parse(&self, today: NaiveDate) -> Result<Registration, Vec<FieldError>> {
        let mut errors = Vec::new();
        fn ok<T>(errors: &mut Vec<FieldError>, r: Result<T, FieldError>) -> Option<T> {
            r.map_err(|e| errors.push(e)).ok()
        }
        let registry_number = ok(&mut errors, RegistryNumber::parse(&self.registry_number));
        let name_kanji = ok(&mut errors, PersonName::parse(&self.name_kanji));
        let name_kana = ok(&mut errors, KanaName::parse(&self.name_kana));
        let birth_date = ok(&mut errors, parse_birth_date(&self.birth_date, today));
        let email = ok(&mut errors, Email::parse(&self.email));
        let personal = [
            self.registry_number.trim(),
            self.email.split('@').next().unwrap_or(""),
        ];
        let password = ok(&mut errors, Password::parse(&self.password, &personal));
        let prefecture = ok(
            &mut errors,
            self.prefecture
                .trim()
                .parse::<u8>()
                .ok()
                .and_then(Prefecture::from_code)
                .ok_or_else(|| {
                    FieldError::new(
                        "prefecture",
                        "required",
                        Message::key("account.prefecture.required"),
                    )
                }),
        );
        let membership = ok(
            &mut errors,
            match self.membership.as_str() {
                "member" => Ok(Membership::Member),
                "non_member" => Ok(Membership::NonMember),
                _ => Err(FieldError::new(
                    "membership",
                    "required",
                    Message::key("account.membership.required"),
                )),
            },
        );
        let workplace = self.workplace_name.trim();
        let workplace_name = if workplace.chars().count() > 100 {
            errors.push(FieldError::new(
                "workplace_name",
                "too_long",
                Message::key("account.workplace_name.too_long"),
            ));
            None
        } else {
            (!workplace.is_empty()).then(|| workplace.to_owned())
        };
        match (
            registry_number,
            name_kanji,
            name_kana,
            birth_date,
            email,
            password,
            prefecture,
            membership,
        ) {
            (
                Some(registry_number),
                Some(name_kanji),
                Some(name_kana),
                Some(birth_date),
                Some(email),
                Some(password),
                Some(prefecture),
                Some(membership),
            ) if errors.is_empty() => Ok(Registration {
                registry_number,
                name_kanji,
                name_kana,
                birth_date,
                email,
                password,
                prefecture,
                membership,
                workplace_name,
                claim: self.claim,
            }),
            _ => Err(errors),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 24).unwrap()
    }

    fn form() -> RegistrationForm {
        RegistrationForm {
            registry_number: "４５６７８９".into(),
            name_kanji: "山田 太郎".into(),
            name_kana: "やまだ タロウ".into(),
            birth_date: "1980/04/01".into(),
            email: "Taro@Example.JP".into(),
            password: "correct horse battery".into(),
            prefecture: "26".into(),
            membership: "member".into(),
            workplace_name: String::new(),
            claim: false,
        }
    }

    #[test]
    fn a_well_filled_form_is_normalised() {
        let r = form().parse(today()).unwrap();
        assert_eq!(r.registry_number.as_str(), "456789");
        assert_eq!(r.name_kana.as_str(), "ヤマダ\u{3000}タロウ");
        assert_eq!(r.email.as_str(), "taro@example.jp");
        assert_eq!(r.prefecture, Prefecture::KYOTO);
    }

    #[test]
    fn every_bad_field_is_reported_at_once() {
        let bad = RegistrationForm {
            password: "password".into(),
            ..RegistrationForm::default()
        };
        let fields: Vec<String> = bad
            .parse(today())
            .unwrap_err()
            .into_iter()
            .map(|e| e.field)
            .collect();
        for f in [
            "registry_number",
            "name_kanji",
            "name_kana",
            "birth_date",
            "email",
            "password",
            "prefecture",
            "membership",
        ] {
            assert!(
                fields.contains(&f.to_owned()),
                "{f} missing from {fields:?}"
            );
        }
    }

    #[test]
    fn what_phones_type_is_normalised_and_each_refusal_says_what_is_wrong() {
        // Full-width address: stored half-width, so that login and mail work.
        let email = Email::parse("　Ｔａｒｏ．Ｙａｍａｄａ＠ｅｘａｍｐｌｅ．ｊｐ　").unwrap();
        assert_eq!(email.as_str(), "taro.yamada@example.jp");
        // Half-width katakana, with voiced marks, as hiragana is.
        assert_eq!(
            KanaName::parse("ﾔﾏﾀﾞ ﾀﾛｳ").unwrap().as_str(),
            "ヤマダ\u{3000}タロウ"
        );
        // An empty name is asked for, not measured.
        let empty = PersonName::parse("  ").unwrap_err();
        assert_eq!(empty.code, "required");
        assert_eq!(empty.message.key, "account.name_kanji.required");
        // 1890 is too long ago, not too recent.
        let old = parse_birth_date("1890-01-01", today()).unwrap_err();
        assert_eq!(old.message.key, "account.birth_date.too_old");
        let young = parse_birth_date("2010-01-01", today()).unwrap_err();
        assert_eq!(young.message.key, "account.birth_date.implausible_date");
    }

    #[test]
    fn a_name_reading_in_latin_letters_is_refused() {
        assert_eq!(KanaName::parse("Yamada").unwrap_err().code, "not_katakana");
    }

    #[test]
    fn common_and_personal_passwords_are_refused_whatever_their_length() {
        assert_eq!(
            Password::parse("Password123", &[]).unwrap_err().code,
            "too_common"
        );
        assert_eq!(Password::parse("short", &[]).unwrap_err().code, "too_short");
        assert_eq!(
            Password::parse("my456789isgood", &["456789"])
                .unwrap_err()
                .code,
            "too_common"
        );
        assert!(Password::parse("correct horse battery", &[]).is_ok());
        // A one-letter e-mail name must not refuse every password containing that letter.
        assert!(Password::parse("correct horse battery", &["a"]).is_ok());
    }

    #[test]
    fn registry_numbers_are_digits_only() {
        assert!(RegistryNumber::parse("12a45").is_err());
        assert!(RegistryNumber::parse("12345678").is_err());
        assert_eq!(RegistryNumber::parse("0012345").unwrap().as_str(), "12345");
    }
}

/// A name as the check-in lookup compares it: without spaces (half- or full-width), hiragana read
/// as katakana, so that 「山田 太郎」, 「山田太郎」 and 「やまだ たろう」 / 「ヤマダ　タロウ」 match.
pub fn lookup_key(name: &str) -> String {
    crate::text::full_width_kana(name)
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '\u{3000}')
        .map(|c| match c {
            'ぁ'..='ゖ' => char::from_u32(c as u32 + 0x60).unwrap_or(c),
            other => other,
        })
        .collect()
}

#[cfg(test)]
mod lookup_tests {
    use super::lookup_key;

    #[test]
    fn names_match_whatever_the_spacing_and_the_kana() {
        assert_eq!(lookup_key("山田 太郎"), lookup_key("山田　太郎"));
        assert_eq!(lookup_key("山田太郎"), "山田太郎");
        assert_eq!(lookup_key("やまだ たろう"), lookup_key("ヤマダ　タロウ"));
        assert_ne!(lookup_key("山田"), lookup_key("山田 太郎"));
    }
}
