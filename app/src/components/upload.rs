//! One document slot: choose a file (photo or PDF), checked in the browser by the same function
//! as on the server, then uploaded with a progress bar. Used by the application form and by My
//! Page's licence check.

use domain::application::{DocumentKind, DocumentView, sniff};
use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::JsCast;

use crate::api;
use crate::components::application::size_text;
use crate::i18n::use_i18n;

/// Largest upload the server accepts by default (`NINTEI_UPLOAD_MAX_MB`); the server decides.
const UPLOAD_LIMIT: u64 = 10 * 1024 * 1024;

/// A document slot of `kind`; uploaded documents join `docs`.
#[component]
pub fn Upload(
    kind: DocumentKind,
    required: bool,
    docs: RwSignal<Vec<DocumentView>>,
    /// The label's catalogue key, when not the kind's name.
    #[prop(optional)]
    label: Option<&'static str>,
) -> impl IntoView {
    let i18n = use_i18n();
    let progress = RwSignal::new(None::<u32>);
    let problem = RwSignal::new(None::<domain::Message>);
    let on_change = move |ev: leptos::ev::Event| {
        let Some(input) = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
        else {
            return;
        };
        let Some(file) = input.files().and_then(|f| f.get(0)) else {
            return;
        };
        problem.set(None);
        progress.set(Some(0));
        spawn_local(async move {
            let buffer = wasm_bindgen_futures::JsFuture::from(file.array_buffer()).await;
            let bytes = match buffer {
                Ok(b) => js_sys::Uint8Array::new(&b).to_vec(),
                Err(_) => Vec::new(),
            };
            if let Err(p) = sniff(&bytes, UPLOAD_LIMIT) {
                progress.set(None);
                problem.set(Some(p.message()));
                return;
            }
            match api::upload_document(kind, &file.name(), &bytes, move |p| progress.set(Some(p)))
                .await
            {
                Ok(view) => {
                    docs.update(|d| d.push(view));
                    progress.set(None);
                }
                Err(e) => {
                    progress.set(None);
                    problem.set(Some(e.message()));
                }
            }
        });
    };
    let mine = move || {
        docs.get()
            .into_iter()
            .filter(|d| d.kind == kind)
            .collect::<Vec<_>>()
    };
    view! {
        <div class="upload" data-testid=format!("upload-{kind}")>
            <label class="label" for=format!("upload-input-{kind}")>
                {move || match label {
                    Some(key) => i18n.t(key),
                    None => i18n.t(&format!("document.{kind}")),
                }}
                {if required { view! { <span class="badge status-expiring">{move || i18n.t("application.documents.required")}</span> }.into_any() } else { view! { <span class="badge">{move || i18n.t("application.documents.optional")}</span> }.into_any() }}
            </label>
            {move || mine().into_iter().map(|d| {
                let id = d.id;
                view! {
                    <div class="line uploaded">
                        <span>"✓ "{d.file_name.clone()}" ("{size_text(d.size)}")"</span>
                        <button type="button" class="link" on:click=move |_| docs.update(|all| all.retain(|x| x.id != id))>{i18n.t("application.documents.remove")}</button>
                    </div>
                }
            }).collect_view()}
            <input type="file" id=format!("upload-input-{kind}") accept="application/pdf,image/jpeg,image/png" on:change=on_change data-testid=format!("file-{kind}") />
            {move || progress.get().map(|p| view! {
                <div class="bar" role="progressbar" aria-label=i18n.t("application.documents.upload_progress") aria-valuenow=p aria-valuemin="0" aria-valuemax="100"><div class="bar-fill" style=format!("width:{p}%")></div></div>
                <p class="hint">{i18n.f("application.documents.uploading", &[("p", p.to_string())])}</p>
            })}
            {move || problem.get().map(|m| view! { <p class="field-error" role="alert">{i18n.msg(&m)}</p> })}
        </div>
    }
}
