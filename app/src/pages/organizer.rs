//! Organizers: their sessions, the check-in page used at the door, and review & posting.

use std::collections::HashMap;

use domain::api::{
    AttendanceRow, CorrectionAction, Grant, ImportReport, PostRequest, SessionCorrection,
};
use domain::sessions::{Presence, SessionForm};
use domain::{Category, FieldError, Prefecture};
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::{A, Redirect};

use crate::api;
use crate::components::decision::day;
use crate::components::form::{ErrorBanner, Field, FieldErrors, ReasonForm, show_failure};
use crate::i18n::use_i18n;
use crate::pages::checkin::hm_jst;
use crate::routes::{Page, checkin_path, review_path, use_path_id};

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
    let (designation, lecturers) = (f(""), f(""));
    let (tol_in, tol_out) = (f("5"), f("5"));
    let online = RwSignal::new(false);
    let errors = RwSignal::new(Vec::<FieldError>::new());
    let banner = RwSignal::new(None);
    let create = Action::new_local(move |form: &SessionForm| {
        let form = form.clone();
        async move { api::create_session(&form).await }
    });
    Effect::new(move |_| match create.value().get() {
        Some(Ok(_)) => {
            errors.set(Vec::new());
            banner.set(None);
            sessions.refetch();
        }
        Some(Err(e)) => {
            show_failure(&e, errors, banner);
        }
        None => {}
    });
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
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
            designation_number: designation.get(),
            lecturers: lecturers.get(),
            tolerance_in_minutes: tol_in.get().trim().parse().ok(),
            tolerance_out_minutes: tol_out.get().trim().parse().ok(),
        };
        // Blank means the default; anything else must be whole minutes.
        let mut found = form.parse().err().unwrap_or_default();
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
            create.dispatch(form);
        } else {
            errors.set(found);
        }
    };
    view! {
        <h1>{move || i18n.t("org.title")}</h1>
        <Suspense fallback=move || view! { <p>{i18n.t("common.loading")}</p> }>
            {move || sessions.get().map(|r| match r {
                Ok(list) if list.is_empty() => view! { <p class="muted">{i18n.t("org.none")}</p> }.into_any(),
                Err(e) if e.status == 401 => view! { <Redirect path=Page::Login.path() /> }.into_any(),
                Ok(list) => view! {
                    <ul class="list" data-testid="org-sessions">
                        {list.into_iter().map(|s| view! {
                            <li>
                                <div class="line"><strong>{s.title.clone()}</strong>{s.posted.then(|| view! { <span class="badge ok">{i18n.t("review.credited")}</span> })}</div>
                                <span class="muted">{format!("{} {}–{} · {}", day(s.date), s.starts_at, s.ends_at, s.venue)}</span>
                                <div class="actions">
                                    <A href=checkin_path(s.id) attr:class="button">{i18n.t("org.checkin")}</A>
                                    <A href=review_path(s.id) attr:class="button secondary">{i18n.t("org.review")}</A>
                                </div>
                            </li>
                        }).collect_view()}
                    </ul>
                }.into_any(),
                Err(e) => view! { <p class="banner error">{i18n.msg(&e.message())}</p> }.into_any(),
            })}
        </Suspense>
        <section class="card">
            <h2>{move || i18n.t("org.create")}</h2>
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
                            <select id="s-subject" on:change=move |ev| subject.set(event_target_value(&ev))>
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
                    <select id="s-pref" on:change=move |ev| prefecture.set(event_target_value(&ev))>
                        <option value="">{move || i18n.t("register.choose")}</option>
                        {Prefecture::all().map(|p| view! { <option value=p.code().to_string()>{move || i18n.prefecture(p)}</option> }).collect_view()}
                    </select>
                    <FieldErrors name="prefecture" errors=errors />
                </div>
                <label class="choice"><input type="checkbox" prop:checked=move || online.get() on:change=move |ev| online.set(event_target_checked(&ev)) />{move || i18n.t("org.online")}</label>
                <Field name="capacity" label="org.capacity" value=capacity errors=errors inputmode="numeric" />
                <Field name="designation_number" label="org.designation" value=designation errors=errors />
                <Field name="lecturers" label="org.lecturers" value=lecturers errors=errors inputmode="numeric" />
                <div class="row">
                    <Field name="tolerance_in_minutes" label="org.tolerance_in" value=tol_in errors=errors inputmode="numeric" />
                    <Field name="tolerance_out_minutes" label="org.tolerance_out" value=tol_out errors=errors inputmode="numeric" />
                </div>
                <button class="button wide" type="submit">{move || i18n.t("org.create")}</button>
            </form>
        </section>
    }
}

/// `/organizer/sessions/{id}/review`: attendees, partial grants with reasons, posting; before
/// posting a paper sheet can be imported; after posting, corrections with reasons.
#[component]
pub fn Review() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_path_id();
    let info = LocalResource::new(move || api::my_session(session()));
    let rows = LocalResource::new(move || api::attendance(session()));
    let reasons = RwSignal::new(HashMap::<String, String>::new());
    let banner = RwSignal::new(None);
    let posted = RwSignal::new(None::<u32>);
    let post = Action::new_local(move |req: &PostRequest| {
        let (id, req) = (session(), req.clone());
        async move { api::post_session(id, &req).await }
    });
    Effect::new(move |_| match post.value().get() {
        Some(Ok(r)) => {
            banner.set(None);
            posted.set(Some(r.credits_written));
            rows.refetch();
            info.refetch();
        }
        Some(Err(e)) => banner.set(Some(e.message())),
        None => {}
    });
    let submit = move |_| {
        let grants = reasons
            .get()
            .into_iter()
            .filter(|(_, r)| !r.trim().is_empty())
            .map(|(registry_number, reason)| Grant {
                registry_number,
                reason,
            })
            .collect();
        post.dispatch(PostRequest { grants });
    };
    let is_posted = move || info.get().and_then(|r| r.ok()).is_some_and(|s| s.posted);
    let corrected = RwSignal::new(None::<String>);
    // The attendee whose correction reason is being asked for.
    let correcting = RwSignal::new(None::<String>);
    let correct = move |registry_number: String, action: CorrectionAction, reason: String| {
        correcting.set(None);
        let req = SessionCorrection {
            client_ref: Some(crate::ids::new_id()),
            registry_number,
            action,
            reason,
        };
        spawn_local(async move {
            match api::correct_session(session(), &req).await {
                Ok(row) => {
                    banner.set(None);
                    corrected.set(Some(row.registry_number));
                    rows.refetch();
                }
                Err(e) => banner.set(Some(e.message())),
            }
        });
    };
    let extra = RwSignal::new(String::new());
    let extra_reason = RwSignal::new(String::new());
    let describe = move |row: &AttendanceRow| -> String {
        match row.presence {
            Presence::Full => i18n.t("review.full").to_owned(),
            Presence::Partial {
                late_minutes,
                early_minutes,
                missing_in,
                missing_out,
            } => {
                let mut parts = vec![i18n.t("review.partial").to_owned()];
                if missing_in {
                    parts.push(i18n.t("review.no_in").to_owned());
                } else if late_minutes > 0 {
                    parts.push(i18n.f("review.late", &[("n", late_minutes.to_string())]));
                }
                if missing_out {
                    parts.push(i18n.t("review.no_out").to_owned());
                } else if early_minutes > 0 {
                    parts.push(i18n.f("review.early", &[("n", early_minutes.to_string())]));
                }
                parts.join("・")
            }
        }
    };
    view! {
        <p><A href=Page::Organizer.path()>{move || i18n.t("org.back")}</A></p>
        <h1>{move || i18n.t("review.title")}</h1>
        {move || info.get().and_then(|r| r.ok()).map(|s| view! {
            <p><strong>{s.title.clone()}</strong><br /><span class="muted">{format!("{} {}–{} · {}", day(s.date), s.starts_at, s.ends_at, s.venue)}</span></p>
            {s.posted.then(|| view! { <p class="banner info" data-testid="posted-note">{i18n.t("review.posted_note")}</p> })}
        })}
        <ErrorBanner message=banner />
        {move || posted.get().map(|n| view! { <p class="banner ok" data-testid="posted">{i18n.f("review.posted", &[("n", n.to_string())])}</p> })}
        {move || corrected.get().map(|r| view! { <p class="banner ok" data-testid="corrected">{i18n.f("correct.done", &[("r", r)])}</p> })}
        <Suspense fallback=move || view! { <p>{i18n.t("common.loading")}</p> }>
            {move || rows.get().map(|r| match r {
                Ok(list) if list.is_empty() => view! { <p class="muted">{i18n.t("review.none")}</p> }.into_any(),
                Ok(list) => {
                    let done = is_posted();
                    view! {
                    <ul class="list" data-testid="attendance">
                        {list.into_iter().map(|row| {
                            let partial = row.presence != Presence::Full && !row.lecturer;
                            let reg = row.registry_number.clone();
                            let reg2 = row.registry_number.clone();
                            let credited = row.credited;
                            view! {
                                <li data-registry=row.registry_number.clone()>
                                    <div class="line"><strong>{row.name.clone().unwrap_or_else(|| row.registry_number.clone())}</strong>
                                        <span class="muted">{row.first_in.map(hm_jst).unwrap_or_else(|| "--:--".into())}" – "{row.last_out.map(hm_jst).unwrap_or_else(|| "--:--".into())}</span></div>
                                    <div class="badges">
                                        <span class="badge" class:ok=!partial>{describe(&row)}</span>
                                        {row.lecturer.then(|| view! { <span class="badge">{i18n.t("review.lecturer")}</span> })}
                                        {(done && credited).then(|| view! { <span class="badge ok">{i18n.t("review.credited")}</span> })}
                                        {(done && !credited).then(|| view! { <span class="badge">{i18n.t("review.not_credited")}</span> })}
                                    </div>
                                    {(partial && !done).then(|| view! {
                                        <div class="field">
                                            <label>{i18n.t("review.grant")}</label>
                                            <input on:input=move |ev| { let v = event_target_value(&ev); let k = reg.clone(); reasons.update(|m| { m.insert(k, v); }); } />
                                        </div>
                                    })}
                                    {done.then(|| {
                                        let (action, label, button, class, testid) = if credited {
                                            (CorrectionAction::Withdraw, "correct.withdraw_reason", "correct.withdraw", "button danger", "withdraw")
                                        } else {
                                            (CorrectionAction::Add, "correct.add_reason", "correct.add", "button secondary", "add")
                                        };
                                        move || {
                                            let reg = reg2.clone();
                                            if correcting.get().as_deref() == Some(reg.as_str()) {
                                                view! { <ReasonForm label=label confirm=button on_confirm=Callback::new(move |reason| correct(reg.clone(), action, reason)) on_cancel=Callback::new(move |_| correcting.set(None)) /> }.into_any()
                                            } else {
                                                view! { <button class=class data-testid=testid on:click=move |_| correcting.set(Some(reg.clone()))>{i18n.t(button)}</button> }.into_any()
                                            }
                                        }
                                    })}
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                    {(!done).then(|| view! {
                        <button class="button wide" data-testid="post" on:click=submit disabled=move || post.pending().get()>{i18n.t("review.post")}</button>
                    })}
                }.into_any()
                }
                Err(e) => view! { <p class="banner error">{i18n.msg(&e.message())}</p> }.into_any(),
            })}
        </Suspense>
        {move || is_posted().then(|| view! {
            <section class="card">
                <h2>{i18n.t("correct.title")}</h2>
                <p class="muted">{i18n.t("correct.lead")}</p>
                <form novalidate data-testid="add-unlisted" on:submit=move |ev: leptos::ev::SubmitEvent| {
                    ev.prevent_default();
                    let (r, why) = (extra.get(), extra_reason.get());
                    if !r.trim().is_empty() && !why.trim().is_empty() {
                        correct(r, CorrectionAction::Add, why.trim().to_owned());
                        extra.set(String::new());
                        extra_reason.set(String::new());
                    }
                }>
                    <div class="field">
                        <label for="x-number">{i18n.t("register.registry_number")}</label>
                        <input id="x-number" inputmode="numeric" data-testid="add-number" prop:value=move || extra.get() on:input=move |ev| extra.set(event_target_value(&ev)) />
                    </div>
                    <div class="field">
                        <label for="x-reason">{i18n.t("correct.add_reason")}</label>
                        <input id="x-reason" data-testid="add-reason" prop:value=move || extra_reason.get() on:input=move |ev| extra_reason.set(event_target_value(&ev)) />
                    </div>
                    <button class="button secondary wide" type="submit" disabled=move || extra.get().trim().is_empty() || extra_reason.get().trim().is_empty()>{i18n.t("correct.add")}</button>
                </form>
            </section>
        })}
        {move || info.get().and_then(|r| r.ok()).filter(|s| !s.posted).map(|_| view! { <PaperImport session=session() on_done=Callback::new(move |_| rows.refetch()) /> })}
    }
}

/// An empty sheet with its header (UTF-8 with a BOM, so Excel opens the Japanese correctly).
const TEMPLATE: &str = "data:text/csv;charset=utf-8,%EF%BB%BF%E5%8C%BB%E7%B1%8D%E7%99%BB%E9%8C%B2%E7%95%AA%E5%8F%B7,%E6%B0%8F%E5%90%8D,%E5%85%A5%E5%AE%A4,%E9%80%80%E5%AE%A4%0D%0A";

/// Importing a paper attendance sheet (CSV): a dry run that lists every bad line, then the
/// import. Nothing is written while a line is bad; the same sheet twice writes nothing twice.
#[component]
fn PaperImport(session: i32, on_done: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let text = RwSignal::new(String::new());
    let report = RwSignal::new(None::<ImportReport>);
    let banner = RwSignal::new(None);
    let run = Action::new_local(move |dry: &bool| {
        let (dry, csv) = (*dry, text.get_untracked());
        async move { api::import_attendance(session, csv, dry).await }
    });
    Effect::new(move |_| match run.value().get() {
        Some(Ok(r)) => {
            banner.set(None);
            if !r.dry_run && r.problems.is_empty() {
                on_done.run(());
            }
            report.set(Some(r));
        }
        Some(Err(e)) => banner.set(Some(e.message())),
        None => {}
    });
    let on_file = move |ev: leptos::ev::Event| {
        let input = event_target::<web_sys::HtmlInputElement>(&ev);
        let Some(file) = input.files().and_then(|f| f.get(0)) else {
            return;
        };
        if file.size() > 1_048_576.0 {
            banner.set(Some(domain::Message::key("import.too_large")));
            return;
        }
        spawn_local(async move {
            if let Ok(v) = wasm_bindgen_futures::JsFuture::from(file.text()).await {
                text.set(v.as_string().unwrap_or_default());
                report.set(None);
            }
        });
    };
    view! {
        <section class="card" data-testid="paper-import">
            <h2>{move || i18n.t("import.title")}</h2>
            <p class="muted">{move || i18n.t("import.lead")}</p>
            <p><a href=TEMPLATE download="attendance.csv" data-testid="import-template">{move || i18n.t("import.template")}</a></p>
            <ErrorBanner message=banner />
            <div class="field">
                <label for="i-file">{move || i18n.t("import.file")}</label>
                <input id="i-file" type="file" accept=".csv,text/csv" on:change=on_file />
            </div>
            <div class="field">
                <label for="i-text">{move || i18n.t("import.text")}</label>
                <textarea id="i-text" rows="5" data-testid="import-text" placeholder="123456,山田 太郎,12:58,15:02" prop:value=move || text.get() on:input=move |ev| { text.set(event_target_value(&ev)); report.set(None); }></textarea>
            </div>
            <button class="button secondary wide" data-testid="import-check" on:click=move |_| { run.dispatch(true); }>{move || i18n.t("import.check")}</button>
            {move || report.get().map(|r| {
                let clean = r.problems.is_empty();
                view! {
                    <div class="banner" class:ok=clean class:error=!clean data-testid="import-report">
                        {if r.dry_run {
                            i18n.f("import.checked", &[("n", r.valid_rows.to_string()), ("old", r.already_imported.to_string()), ("bad", r.problems.len().to_string())])
                        } else {
                            i18n.f("import.done", &[("n", r.scans_written.to_string())])
                        }}
                        <ul>
                            {r.problems.iter().map(|p| view! { <li>{i18n.msg(&p.message)}</li> }).collect_view()}
                        </ul>
                    </div>
                    {(r.dry_run && clean && r.valid_rows > 0).then(|| view! {
                        <button class="button wide" data-testid="import-run" on:click=move |_| { run.dispatch(false); }>{i18n.t("import.run")}</button>
                    })}
                }
            })}
        </section>
    }
}
