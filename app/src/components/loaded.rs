//! The one way a page shows something it loads: a loading line while it first loads (a reload
//! keeps the last view until the new answer is there), the page's view when it answers, a trip to the login page (and back here afterwards) when the session has
//! ended, and the failure in words otherwise.

use leptos::prelude::*;
use leptos_router::components::Redirect;
use leptos_router::hooks::use_location;

use crate::api::ApiFailure;
use crate::i18n::use_i18n;
use crate::routes::login_returning_to;

/// Shows `resource` through `show` once it has answered.
pub fn loaded<T, V>(
    resource: LocalResource<Result<T, ApiFailure>>,
    show: impl Fn(T) -> V + Clone + Send + Sync + 'static,
) -> impl IntoView
where
    T: Clone + 'static,
    V: IntoView + 'static,
{
    let i18n = use_i18n();
    let location = use_location();
    view! {
        <Transition fallback=move || view! { <p class="loading">{i18n.t("common.loading")}</p> }>
            {move || {
                let show = show.clone();
                resource.get().map(move |r| match r {
                    Ok(value) => show(value).into_any(),
                    Err(e) if e.status == 401 => {
                        let here = format!("{}{}", location.pathname.get_untracked(), location.search.get_untracked());
                        view! { <Redirect path=login_returning_to(&here) /> }.into_any()
                    }
                    Err(e) => view! { <p class="banner error" role="alert">{i18n.msg(&e.message())}</p> }.into_any(),
                })
            }}
        </Transition>
    }
}
