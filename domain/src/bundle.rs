//! Which client build a page belongs to. The client is built three times, once per audience,
//! so that a physician's phone never downloads the check-in scanner or the staff pages: the
//! server answers each page's address with its build's `index.html`, and a build that is asked
//! for another audience's page loads that page afresh. The client's route table names each
//! page's build, and a test checks that it agrees with [`Bundle::of_path`].

/// One build of the client.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Bundle {
    /// What a physician opens first: the home page, sign-in and registration, My Page (with its
    /// eligibility preview), the check-in QR code and the pages of mailed links.
    Physician,
    /// A physician's other pages: history, handbook units, transcript, profile, the session
    /// search, applications and the account's security.
    Records,
    /// The check-in desk at the door (an organizer's session or a helper's link): the scanner.
    Door,
    /// Organizers' session pages and the prefectural, JMA and admin staff pages.
    Staff,
}

impl Bundle {
    /// Every build.
    pub const ALL: [Bundle; 4] = [
        Bundle::Physician,
        Bundle::Records,
        Bundle::Door,
        Bundle::Staff,
    ];

    /// The folder of the build under the client's `dist/` (and its URL prefix); the physician's
    /// build is at the root.
    pub const fn dir(self) -> &'static str {
        match self {
            Bundle::Physician => "",
            Bundle::Records => "_records",
            Bundle::Door => "_door",
            Bundle::Staff => "_staff",
        }
    }

    /// The build that shows the page at `path` (the path alone, without query or fragment).
    pub fn of_path(path: &str) -> Bundle {
        let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
        match segments.as_slice() {
            ["door", ..] | ["organizer", "sessions", _, "checkin"] => Bundle::Door,
            [
                "mypage",
                "handbook" | "history" | "transcript" | "profile",
                ..,
            ]
            | ["sessions" | "applications" | "account", ..] => Bundle::Records,
            [
                "organizer" | "review" | "designation" | "identities" | "registry" | "admin",
                ..,
            ] => Bundle::Staff,
            _ => Bundle::Physician,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_page_has_its_build() {
        for (path, bundle) in [
            ("/", Bundle::Physician),
            ("/mypage", Bundle::Physician),
            ("/mypage/qr", Bundle::Physician),
            ("/mypage/history", Bundle::Records),
            ("/mypage/handbook", Bundle::Records),
            ("/applications/12", Bundle::Records),
            ("/sessions", Bundle::Records),
            ("/login", Bundle::Physician),
            ("/account", Bundle::Records),
            ("/accounts", Bundle::Physician),
            ("/door", Bundle::Door),
            ("/organizer/sessions/7/checkin", Bundle::Door),
            ("/organizer/sessions/7/checkin/", Bundle::Door),
            ("/organizer", Bundle::Staff),
            ("/organizer/sessions/7/review", Bundle::Staff),
            ("/review/3", Bundle::Staff),
            ("/identities", Bundle::Staff),
            ("/designation", Bundle::Staff),
            ("/registry", Bundle::Staff),
            ("/admin/audit", Bundle::Staff),
            ("/administration", Bundle::Physician),
            ("/nowhere", Bundle::Physician),
        ] {
            assert_eq!(Bundle::of_path(path), bundle, "{path}");
        }
    }

    #[test]
    fn each_build_has_its_own_folder() {
        let dirs: std::collections::HashSet<_> = Bundle::ALL.iter().map(|b| b.dir()).collect();
        assert_eq!(dirs.len(), Bundle::ALL.len());
    }
}
