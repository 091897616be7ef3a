//! Unknown paths.

use leptos::prelude::*;
use leptos_router::components::A;

use crate::i18n::use_i18n;
use crate::routes::Page;

/// The page for an unknown path.
#[component]
pub fn NotFound() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <section class="card">
            <h1>{move || i18n.t("notfound.title")}</h1>
            <A href=Page::Home.path()>{move || i18n.t("notfound.back")}</A>
        </section>
    }
}
