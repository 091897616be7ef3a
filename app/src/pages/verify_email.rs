//! `/verify-email#TOKEN`: the link of the confirmation mail. The token is read from the fragment
//! (never sent in a URL the server logs), used once, and removed from the address bar; the page
//! says what was confirmed and what comes next. Works without a login (the mail may be opened on
//! another device).

use domain::identity::{IdentityStatus, IdentityView};
use leptos::prelude::*;
use leptos_router::components::A;

use crate::api;
use crate::auth::use_auth;
use crate::i18n::use_i18n;
use crate::routes::Page;

/// `/verify-email`
#[component]
pub fn VerifyEmail() -> impl IntoView {
    let i18n = use_i18n();
    let auth = use_auth();
    let token = crate::routes::take_link_token(Page::VerifyEmail);
    let result = LocalResource::new(move || {
        let token = token.clone();
        async move {
            let answer = api::verify_email(&token).await;
            if answer.is_ok() {
                auth.reload().await;
            }
            answer
        }
    });
    let next = move |view: &IdentityView| {
        if view.verified() {
            "verify.done.verified"
        } else {
            "verify.done.pending"
        }
    };
    view! {
        <section class="card narrow" data-testid="verify-email">
            <h1>{move || i18n.t("verify.title")}</h1>
            <Suspense fallback=move || view! { <p class="loading">{i18n.t("verify.checking")}</p> }>
                {move || result.get().map(|r| match r {
                    Ok(v) => {
                        let key = next(&v);
                        let status = v.status;
                        view! {
                            <p class="banner ok" role="status" data-testid="verify-ok">{i18n.t("verify.ok")}</p>
                            <p>{i18n.t(key)}</p>
                            {(status == IdentityStatus::Pending).then(|| view! { <p class="hint">{i18n.t("identity.licence.how_long")}</p> })}
                            <A href=Page::MyPage.path() attr:class="button wide" attr:data-testid="verify-to-mypage">{i18n.t("verify.to_mypage")}</A>
                        }.into_any()
                    }
                    Err(e) => view! {
                        <p class="banner error" role="alert" data-testid="verify-failed">{i18n.msg(&e.message())}</p>
                        <A href=Page::MyPage.path() attr:class="button wide secondary">{i18n.t("verify.to_mypage")}</A>
                    }.into_any(),
                })}
            </Suspense>
        </section>
    }
}
