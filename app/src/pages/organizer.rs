//! Organizers: their sessions, the check-in page used at the door, and review & posting.

use domain::sessions::{Designation, SessionForm};
use domain::{Category, FieldError, Prefecture};
use leptos::prelude::*;
use leptos_router::components::A;

use crate::api;
use crate::components::decision::day;
use crate::components::form::{ErrorBanner, Field, FieldErrors, show_failure};
use crate::components::loaded::loaded;
use crate::i18n::use_i18n;
use crate::routes::Page;

/// `/organizer`: the organizer's sessions and the form to create one.
#[component]
pub fn OrganizerHome() -> impl IntoView {
    let i18n = use_i18n();
    let sessions = LocalResource::new(api::my_sessions);
    let f = |v: &str| RwSignal::new(v.to_owned());
    let (title, category, subject, units, date) = (
        f(""),
        f("occupational.lifelong.update"),
        f(""),
        f("2"),
        f(""),
    );
    let (starts, ends, venue, prefecture, capacity) =
        (f("13:00"), f("15:00"), f(""), f(""), f("100"));
    let (lecturers, contact) = (f(""), f(""));
    // The form's questions (units against the time, online practical units) the server asked:
    // shown with a button to submit anyway.
    let questions = RwSignal::new(Vec::<domain::Message>::new());
    let (tol_in, tol_out) = (f("5"), f("5"));
    let online = RwSignal::new(false);
    let errors = RwSignal::new(Vec::<FieldError>::new());
    let banner = RwSignal::new(None);
    // The session being changed, or none for a new one.
    let editing = RwSignal::new(None::<i32>);
    // One reference per new session: a double tap or a retry makes one session.
    let reference = StoredValue::new(crate::ids::new_id());
    let save = Action::new_local(move |(id, form): &(Option<i32>, SessionForm)| {
        let (id, form) = (*id, form.clone());
        async move {
            match id {
                Some(id) => api::edit_session(id, &form).await,
                None => api::create_session(&form).await,
            }
        }
    });
    let fill = move |form: SessionForm| {
        title.set(form.title);
        category.set(form.category);
        subject.set(form.subject);
        units.set(form.units);
        date.set(form.date);
        starts.set(form.starts_at);
        ends.set(form.ends_at);
        venue.set(form.venue);
        prefecture.set(form.prefecture);
        online.set(form.online);
        capacity.set(form.capacity);
        lecturers.set(form.lecturers);
        contact.set(form.contact);
        tol_in.set(
            form.tolerance_in_minutes
                .map(|m| m.to_string())
                .unwrap_or_default(),
        );
        tol_out.set(
            form.tolerance_out_minutes
                .map(|m| m.to_string())
                .unwrap_or_default(),
        );
    };
    // Saved: the form starts afresh, so nothing typed for one session is sent again as another.
    let reset = move || {
        fill(SessionForm {
            category: "occupational.lifelong.update".into(),
            units: "2".into(),
            starts_at: "13:00".into(),
            ends_at: "15:00".into(),
            capacity: "100".into(),
            tolerance_in_minutes: Some(domain::sessions::DEFAULT_TOLERANCE_MINUTES),
            tolerance_out_minutes: Some(domain::sessions::DEFAULT_TOLERANCE_MINUTES),
            ..SessionForm::default()
        })
    };
    Effect::new(move |_| match save.value().get() {
        Some(Ok(_)) => {
            reset();
            errors.set(Vec::new());
            questions.set(Vec::new());
            banner.set(None);
            if editing.get_untracked().is_none() {
                reference.set_value(crate::ids::new_id());
            }
            editing.set(None);
            sessions.refetch();
        }
        Some(Err(e)) => {
            let asked: Vec<domain::Message> = e
                .fields()
                .into_iter()
                .filter(|f| f.code == "question")
                .map(|f| f.message)
                .collect();
            if asked.is_empty() || asked.len() != e.fields().len() {
                questions.set(Vec::new());
                show_failure(&e, errors, banner);
            } else {
                errors.set(Vec::new());
                banner.set(None);
                questions.set(asked);
            }
        }
        None => {}
    });
    let start_edit = move |id: i32| {
        leptos::task::spawn_local(async move {
            match api::session_form(id).await {
                Ok(form) => {
                    fill(form);
                    editing.set(Some(id));
                    errors.set(Vec::new());
                    if let Some(el) = web_sys::window()
                        .and_then(|w| w.document())
                        .and_then(|d| d.get_element_by_id("session-form"))
                    {
                        el.scroll_into_view();
                    }
                }
                Err(e) => banner.set(Some(e.message())),
            }
        });
    };
    let cancel = move |id: i32| {
        let ok = web_sys::window()
            .and_then(|w| w.confirm_with_message(i18n.t("org.cancel_confirm")).ok())
            .unwrap_or(false);
        if ok {
            leptos::task::spawn_local(async move {
                if let Err(e) = api::cancel_session(id).await {
                    banner.set(Some(e.message()));
                }
                sessions.refetch();
            });
        }
    };
    let submit = move |confirm_questions: bool| {
        let form = SessionForm {
            title: title.get(),
            category: category.get(),
            subject: subject.get(),
            units: units.get(),
            date: date.get(),
            starts_at: starts.get(),
            ends_at: ends.get(),
            venue: venue.get(),
            prefecture: prefecture.get(),
            online: online.get(),
            capacity: capacity.get(),
            lecturers: lecturers.get(),
            contact: contact.get(),
            tolerance_in_minutes: tol_in.get().trim().parse().ok(),
            tolerance_out_minutes: tol_out.get().trim().parse().ok(),
            client_ref: Some(reference.get_value()),
            confirm_questions,
        };
        // Blank means the default; anything else must be whole minutes.
        let mut found = form
            .parse(crate::clock::today_jst())
            .err()
            .unwrap_or_default();
        for (text, field) in [
            (tol_in.get(), "tolerance_in_minutes"),
            (tol_out.get(), "tolerance_out_minutes"),
        ] {
            let text = text.trim().to_owned();
            if !text.is_empty() && text.parse::<u32>().is_err() {
                found.push(FieldError::new(
                    field,
                    "not_number",
                    domain::Message::key("session.tolerance.not_number"),
                ));
            }
        }
        if found.is_empty() {
            save.dispatch((editing.get_untracked(), form));
        } else {
            errors.set(found);
        }
    };
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        submit(false);
    };
    view! {
        <h1>{move || i18n.t("org.title")}</h1>
        {loaded(sessions, move |r| match r {
                list if list.is_empty() => view! { <p class="muted">{i18n.t("org.none")}</p> }.into_any(),
                list => view! {
                    <ul class="list" data-testid="org-sessions">
                        {list.into_iter().map(|s| {
                            let id = s.id;
                            let open = !s.posted && !s.cancelled;
                            let designated = s.designation == Designation::Designated;
                            let state = s.designation;
                            view! {
                                <li data-testid="org-session">
                                    <div class="line"><strong>{s.title.clone()}</strong>
                                        {(!s.cancelled).then(|| view! { <span class=format!("badge designation-{state}") data-testid="designation">{i18n.t(&format!("designation.{state}"))}</span> })}
                                        {s.posted.then(|| view! { <span class="badge ok">{i18n.t("review.credited")}</span> })}
                                        {s.cancelled.then(|| view! { <span class="badge" data-testid="cancelled">{i18n.t("org.cancelled")}</span> })}
                                    </div>
                                    <span class="muted">{format!("{} {}–{} · {}", day(s.date), s.starts_at, s.ends_at, s.venue)}</span>
                                    {s.designation_number.clone().map(|n| view! { <span class="muted">{i18n.f("org.designation_number", &[("number", n)])}</span> })}
                                    {s.returned_reason.clone().map(|r| view! { <p class="banner warn" data-testid="returned-reason">{i18n.f("org.returned_reason", &[("reason", r)])}</p> })}
                                    <div class="actions">
                                        {(open && designated).then(|| view! { <A href=Page::CheckIn.with_id(id) attr:class="button">{i18n.t("org.checkin")}</A> })}
                                        {(!s.cancelled && designated).then(|| view! { <A href=Page::SessionReview.with_id(id) attr:class="button secondary">{i18n.t("org.review")}</A> })}
                                        {open.then(|| view! {
                                            <button class="button secondary" data-testid="edit-session" on:click=move |_| start_edit(id)>{i18n.t("org.edit")}</button>
                                            <button class="button danger" data-testid="cancel-session" on:click=move |_| cancel(id)>{i18n.t("org.cancel")}</button>
                                        })}
                                    </div>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                }.into_any(),
            })}
        <section class="card" id="session-form">
            <h2>{move || if editing.get().is_some() { i18n.t("org.edit_title") } else { i18n.t("org.create") }}</h2>
            <ErrorBanner message=banner />
            <form on:submit=on_submit novalidate>
                <Field name="title" label="org.title_field" value=title errors=errors />
                <div class="field">
                    <label for="s-category">{move || i18n.t("whatif.category")}</label>
                    <select id="s-category" prop:value=move || category.get() on:change=move |ev| { category.set(event_target_value(&ev)); subject.set(String::new()); }>
                        {Category::ALL.iter().map(|c| { let c = *c; view! { <option value=c.code()>{move || i18n.t(&format!("category.{c}"))}</option> } }).collect_view()}
                    </select>
                </div>
                {move || {
                    let cat = category.get().parse::<Category>().ok()?;
                    cat.requires_subject().then(|| view! {
                        <div class="field">
                            <label for="s-subject">{i18n.t("whatif.subject")}</label>
                            <select id="s-subject" prop:value=move || subject.get() on:change=move |ev| subject.set(event_target_value(&ev))>
                                <option value="">{i18n.t("register.choose")}</option>
                                {cat.subjects().into_iter().map(|s| view! { <option value=s.code()>{i18n.t(&format!("subject.{s}"))}</option> }).collect_view()}
                            </select>
                            <FieldErrors name="subject" errors=errors />
                        </div>
                    })
                }}
                <Field name="units" label="common.units" value=units errors=errors inputmode="decimal" />
                <Field name="date" label="whatif.date" value=date errors=errors kind="date" />
                <div class="row">
                    <Field name="starts_at" label="org.starts_at" value=starts errors=errors kind="time" />
                    <Field name="ends_at" label="org.ends_at" value=ends errors=errors kind="time" />
                </div>
                <Field name="venue" label="org.venue" value=venue errors=errors />
                <div class="field">
                    <label for="s-pref">{move || i18n.t("register.prefecture")}</label>
                    <select id="s-pref" prop:value=move || prefecture.get() on:change=move |ev| prefecture.set(event_target_value(&ev))>
                        <option value="">{move || i18n.t("register.choose")}</option>
                        {Prefecture::all().map(|p| view! { <option value=p.code().to_string()>{move || i18n.prefecture(p)}</option> }).collect_view()}
                    </select>
                    <FieldErrors name="prefecture" errors=errors />
                </div>
                <label class="choice"><input type="checkbox" prop:checked=move || online.get() on:change=move |ev| online.set(event_target_checked(&ev)) />{move || i18n.t("org.online")}</label>
                <Field name="capacity" label="org.capacity" value=capacity errors=errors inputmode="numeric" />
                <Field name="lecturers" label="org.lecturers" value=lecturers errors=errors inputmode="numeric" />
                <Field name="contact" label="org.contact" value=contact errors=errors />
                <div class="row">
                    <Field name="tolerance_in_minutes" label="org.tolerance_in" value=tol_in errors=errors inputmode="numeric" />
                    <Field name="tolerance_out_minutes" label="org.tolerance_out" value=tol_out errors=errors inputmode="numeric" />
                </div>
                {move || editing.get().is_none().then(|| view! { <p class="hint">{i18n.t("org.submit_note")}</p> })}
                {move || (!questions.get().is_empty()).then(|| view! {
                    <div class="banner warn" role="alert" data-testid="session-questions">
                        <p><strong>{i18n.t("org.questions")}</strong></p>
                        <ul>{questions.get().iter().map(|q| view! { <li>{i18n.msg(q)}</li> }).collect_view()}</ul>
                        <button class="button secondary wide" type="button" data-testid="submit-anyway" disabled=move || save.pending().get() on:click=move |_| submit(true)>{i18n.t("org.submit_anyway")}</button>
                    </div>
                })}
                <button class="button wide" type="submit" data-testid="save-session" disabled=move || save.pending().get()>
                    {move || if editing.get().is_some() { i18n.t("org.save") } else { i18n.t("org.create") }}
                </button>
                {move || editing.get().is_some().then(|| view! {
                    <button class="button secondary wide" type="button" on:click=move |_| { editing.set(None); errors.set(Vec::new()); reset(); }>{i18n.t("common.cancel")}</button>
                })}
            </form>
        </section>
    }
}
