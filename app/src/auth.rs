//! Who is logged in, shared by every page.

use domain::api::Me;
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api;

/// The login state.
#[derive(Clone, Copy, Debug)]
pub struct Auth {
    /// The logged-in user, if any.
    pub me: RwSignal<Option<Me>>,
    /// Whether the first check has answered.
    pub checked: RwSignal<bool>,
}

impl Auth {
    /// Asks the server who is logged in, and waits for the answer.
    pub async fn reload(self) {
        // Offline (a basement hall), or the server briefly away: who is logged in has not
        // changed, so the header keeps its links. Only the server's 401 logs out.
        if let Ok(me) = api::me().await {
            self.me.set(me);
        }
        self.checked.set(true);
    }

    /// The role of whoever is logged in (reactive).
    pub fn role(self) -> Option<domain::account::Role> {
        self.me.get().map(|m| m.role)
    }

    /// Asks the server who is logged in, in the background.
    pub fn refresh(self) {
        spawn_local(self.reload());
    }
}

/// Provides the login state and checks it once.
pub fn provide_auth_context() {
    let auth = Auth {
        me: RwSignal::new(None),
        checked: RwSignal::new(false),
    };
    auth.refresh();
    provide_context(auth);
}

/// The login state.
pub fn use_auth() -> Auth {
    expect_context::<Auth>()
}
