//! Form pieces: a labelled field with its errors, and the error banner.

use domain::FieldError;
use leptos::prelude::*;

use crate::i18n::use_i18n;

/// A labelled text input bound to `value`, showing the errors for `name`.
#[component]
pub fn Field(
    /// Field name (matches the API's field errors).
    name: &'static str,
    /// Catalogue key of the label.
    label: &'static str,
    /// Bound value.
    value: RwSignal<String>,
    /// Current field errors of the form.
    errors: RwSignal<Vec<FieldError>>,
    /// Input type.
    #[prop(default = "text")]
    kind: &'static str,
    /// `autocomplete` hint.
    #[prop(default = "off")]
    autocomplete: &'static str,
    /// `inputmode` hint (numeric keyboards on phones).
    #[prop(default = "text")]
    inputmode: &'static str,
    /// The element's id where two forms of a page send a field of the same name.
    #[prop(optional)]
    id: Option<&'static str>,
) -> impl IntoView {
    let i18n = use_i18n();
    let mine = move || {
        errors
            .get()
            .into_iter()
            .filter(|e| e.field == name)
            .collect::<Vec<_>>()
    };
    let id = id.map_or_else(|| format!("f-{name}"), str::to_owned);
    view! {
        <div class="field" class:invalid=move || !mine().is_empty()>
            <label for=id.clone()>{move || i18n.t(label)}</label>
            <input
                id=id
                name=name
                type=kind
                autocomplete=autocomplete
                inputmode=inputmode
                prop:value=move || value.get()
                on:input=move |ev| value.set(event_target_value(&ev))
            />
            <FieldErrors name=name errors=errors />
        </div>
    }
}

/// The errors of one field.
#[component]
pub fn FieldErrors(name: &'static str, errors: RwSignal<Vec<FieldError>>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <For
            each=move || errors.get().into_iter().filter(move |e| e.field == name).enumerate()
            key=|(i, e)| (*i, e.code.clone())
            let:item
        >
            <p class="field-error" data-testid=format!("error-{name}")>{move || i18n.msg(&item.1.message)}</p>
        </For>
    }
}

/// A banner for a form-level error.
#[component]
pub fn ErrorBanner(message: RwSignal<Option<domain::Message>>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        {move || message.get().map(|m| view! { <p class="banner error" role="alert">{i18n.msg(&m)}</p> })}
    }
}

/// Shows a failed request: its field errors beside the fields, its message in the banner.
pub fn show_failure(
    e: &crate::api::ApiFailure,
    errors: RwSignal<Vec<FieldError>>,
    banner: RwSignal<Option<domain::Message>>,
) {
    errors.set(e.fields());
    banner.set(Some(e.message()));
}

/// An inline "why?" form: a reason is required (it goes to the audit log), then confirm or
/// cancel. Used where a step must be explained: undoing a scan, correcting posted units.
#[component]
pub fn ReasonForm(
    /// Catalogue key of the question.
    label: &'static str,
    /// Catalogue key of the confirm button.
    confirm: &'static str,
    /// Gets the trimmed reason.
    on_confirm: Callback<String>,
    /// Closes the form.
    on_cancel: Callback<()>,
) -> impl IntoView {
    let i18n = use_i18n();
    let reason = RwSignal::new(String::new());
    let empty = move || reason.get().trim().is_empty();
    view! {
        <form class="reason" data-testid="reason-form" novalidate on:submit=move |ev: leptos::ev::SubmitEvent| {
            ev.prevent_default();
            if !empty() {
                on_confirm.run(reason.get().trim().to_owned());
            }
        }>
            <div class="field">
                <label>
                    {move || i18n.t(label)}
                    <input data-testid="reason" autocomplete="off" prop:value=move || reason.get() on:input=move |ev| reason.set(event_target_value(&ev)) />
                </label>
            </div>
            <div class="actions">
                <button class="button" type="submit" data-testid="reason-confirm" disabled=empty>{move || i18n.t(confirm)}</button>
                <button class="button secondary" type="button" on:click=move |_| on_cancel.run(())>{move || i18n.t("common.cancel")}</button>
            </div>
        </form>
    }
}
