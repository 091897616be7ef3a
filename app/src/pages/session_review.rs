//! Attendance review and posting of one session; paper sheets; corrections after posting.

use crate::api::{self, Door};
use crate::clock::hm_jst;
use crate::components::decision::day;
use crate::components::desk::load_queue;
use crate::components::form::{ErrorBanner, ReasonForm};
use crate::components::loaded::loaded;
use crate::i18n::use_i18n;
use crate::routes::{Page, use_path_id};
use domain::api::{
    AttendanceRow, CorrectionAction, Grant, ImportReport, PostRequest, SessionCorrection,
};
use domain::sessions::Presence;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;
use std::collections::HashMap;

/// `/organizer/sessions/{id}/review`: attendees, partial grants with reasons, posting; before
/// posting a paper sheet can be imported; after posting, corrections with reasons.
#[component]
pub fn SessionReview() -> impl IntoView {
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
    // Devices that said they still hold scans (from the server), and this device's own queue.
    let unsent = RwSignal::new(Vec::<domain::FieldError>::new());
    let here = move || load_queue(&Door::Organizer(session())).unsent();
    Effect::new(move |_| match post.value().get() {
        Some(Ok(r)) => {
            banner.set(None);
            unsent.set(Vec::new());
            posted.set(Some(r.credits_written));
            rows.refetch();
            info.refetch();
        }
        Some(Err(e)) if e.fields().iter().any(|f| f.code == "unsent_scans") => {
            banner.set(None);
            unsent.set(e.fields());
        }
        Some(Err(e)) => banner.set(Some(e.message())),
        None => {}
    });
    let send = move |confirm_unsent: bool| {
        let grants = reasons
            .get()
            .into_iter()
            .filter(|(_, r)| !r.trim().is_empty())
            .map(|(registry_number, reason)| Grant {
                registry_number,
                reason,
            })
            .collect();
        post.dispatch(PostRequest {
            grants,
            confirm_unsent,
        });
    };
    // The first tap on 単位を登録する shows what will be posted; the second posts.
    let confirming = RwSignal::new(false);
    let submit = move |_| {
        confirming.set(false);
        if here() > 0 {
            unsent.set(vec![domain::FieldError::new(
                "doors",
                "unsent_scans",
                domain::Message::key("review.unsent_here").arg("n", here()),
            )]);
        } else {
            send(false);
        }
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
    let describe = move |row: &AttendanceRow| -> String { row.presence.describe(i18n.lang.get()) };
    view! {
        <p><A href=Page::Organizer.path()>{move || i18n.t("org.back")}</A></p>
        <h1>{move || i18n.t("review.title")}</h1>
        {move || info.get().and_then(|r| r.ok()).map(|s| view! {
            <p><strong>{s.title.clone()}</strong><br /><span class="muted">{format!("{} {}–{} · {}", day(s.date), s.starts_at, s.ends_at, s.venue)}</span></p>
            {s.posted.then(|| view! { <p class="banner info" data-testid="posted-note">{i18n.t("review.posted_note")}</p> })}
        })}
        <div class="actions">
            <a class="button secondary" download="" data-testid="attendance-csv" href=move || api::attendance_export(session(), "csv", i18n.lang.get())>{move || i18n.t("review.export_csv")}</a>
            <a class="button secondary" download="" data-testid="attendance-pdf" href=move || api::attendance_export(session(), "pdf", i18n.lang.get())>{move || i18n.t("review.export_pdf")}</a>
        </div>
        <ErrorBanner message=banner />
        {move || posted.get().map(|n| view! { <p class="banner ok" data-testid="posted">{i18n.f("review.posted", &[("n", n.to_string())])}</p> })}
        {move || corrected.get().map(|r| view! { <p class="banner ok" data-testid="corrected">{i18n.f("correct.done", &[("r", r)])}</p> })}
        {loaded(rows, move |r| match r {
                list if list.is_empty() => view! { <p class="muted">{i18n.t("review.none")}</p> }.into_any(),
                list => {
                    let done = is_posted();
                    // The server lists them in フリガナ order (domain::api::kana_order).
                    let full = list.iter().filter(|r| r.presence == Presence::Full && !r.lecturer).count();
                    let lecturers = list.iter().filter(|r| r.lecturer).count();
                    let unregistered = list.iter().filter(|r| r.name.is_none()).count();
                    let totals = i18n.f("review.totals", &[
                        ("n", list.len().to_string()),
                        ("full", full.to_string()),
                        ("partial", (list.len() - full - lecturers).to_string()),
                        ("lecturers", lecturers.to_string()),
                        ("unregistered", unregistered.to_string()),
                    ]);
                    // Who the post would credit now: full attendees, lecturers, and partial
                    // attendees with a reason.
                    let rows_for_count = list.clone();
                    let to_credit = move || {
                        let given = reasons.get();
                        rows_for_count
                            .iter()
                            .filter(|r| {
                                !r.credited
                                    && (r.lecturer
                                        || r.presence == Presence::Full
                                        || given.get(&r.registry_number).is_some_and(|g| !g.trim().is_empty()))
                            })
                            .count()
                    };
                    let units = move || info.get().and_then(|r| r.ok()).map(|s| s.units.to_string()).unwrap_or_default();
                    // One reason for every partial attendee at once (a long day, a late train).
                    let partial_rows: Vec<String> = list
                        .iter()
                        .filter(|r| r.presence != Presence::Full && !r.lecturer && !r.credited)
                        .map(|r| r.registry_number.clone())
                        .collect();
                    let bulk = RwSignal::new(String::new());
                    let apply_bulk = move |_| {
                        let reason = bulk.get_untracked();
                        reasons.update(|m| {
                            for r in &partial_rows {
                                m.insert(r.clone(), reason.clone());
                            }
                        });
                    };
                    let any_partial = list.iter().any(|r| r.presence != Presence::Full && !r.lecturer);
                    view! {
                    <p class="muted" data-testid="attendance-totals">{totals}</p>
                    {(any_partial && !done).then(|| view! {
                        <div class="card" data-testid="bulk-grant">
                            <div class="field">
                                <label for="bulk-reason">{i18n.t("review.bulk_reason")}</label>
                                <input id="bulk-reason" data-testid="bulk-reason" prop:value=move || bulk.get() on:input=move |ev| bulk.set(event_target_value(&ev)) />
                            </div>
                            <button class="button secondary wide" data-testid="bulk-apply" disabled=move || bulk.get().trim().is_empty() on:click=apply_bulk.clone()>{i18n.t("review.bulk_apply")}</button>
                        </div>
                    })}
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
                                        {row.name.is_none().then(|| view! { <span class="badge status-warn" data-testid="unregistered">{i18n.t("review.unregistered")}</span> })}
                                        {(done && credited).then(|| view! { <span class="badge ok">{i18n.t("review.credited")}</span> })}
                                        {(done && !credited).then(|| view! { <span class="badge">{i18n.t("review.not_credited")}</span> })}
                                    </div>
                                    {(partial && !done).then(|| {
                                        // Labelled: each row's reason field is named by its label (axe found it unnamed).
                                        let id = format!("grant-{}", row.registry_number);
                                        view! {
                                            <div class="field">
                                                <label for=id.clone()>{i18n.t("review.grant")}</label>
                                                <input id=id prop:value={ let k = reg.clone(); move || reasons.get().get(&k).cloned().unwrap_or_default() } on:input=move |ev| { let v = event_target_value(&ev); let k = reg.clone(); reasons.update(|m| { m.insert(k, v); }); } />
                                            </div>
                                        }
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
                        {move || (!unsent.get().is_empty()).then(|| view! {
                            <div class="banner error" role="alert" data-testid="unsent-warning">
                                <p>{i18n.t("review.unsent_title")}</p>
                                <ul>{unsent.get().into_iter().map(|f| view! { <li>{i18n.msg(&f.message)}</li> }).collect_view()}</ul>
                                <p>{i18n.t("review.unsent_lead")}</p>
                                <button class="button danger wide" data-testid="post-anyway" on:click=move |_| send(true)>{i18n.t("review.post_anyway")}</button>
                            </div>
                        })}
                        {move || confirming.get().then(|| view! {
                            <div class="banner info" role="alert" data-testid="post-summary">
                                <p>{i18n.f("review.post_summary", &[("n", to_credit().to_string()), ("units", units())])}</p>
                                <p class="muted">{i18n.t("review.post_summary_lead")}</p>
                                <button class="button wide" data-testid="post-confirm" on:click=submit disabled=move || post.pending().get()>{i18n.t("review.post_confirm")}</button>
                                <button class="button secondary wide" on:click=move |_| confirming.set(false)>{i18n.t("common.cancel")}</button>
                            </div>
                        })}
                        {move || (!confirming.get()).then(|| view! {
                            <button class="button wide" data-testid="post" on:click=move |_| { unsent.set(Vec::new()); confirming.set(true); } disabled=move || post.pending().get()>{i18n.t("review.post")}</button>
                        })}
                    })}
                }.into_any()
                }
            })}
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
        {move || info.get().and_then(|r| r.ok()).filter(|s| !s.posted).map(|s| view! { <PaperImport session=session() online=s.online on_done=Callback::new(move |_| rows.refetch()) /> })}
    }
}

/// An empty sheet with its header (UTF-8 with a BOM, so Excel opens the Japanese correctly).
const TEMPLATE: &str = "data:text/csv;charset=utf-8,%EF%BB%BF%E5%8C%BB%E7%B1%8D%E7%99%BB%E9%8C%B2%E7%95%AA%E5%8F%B7,%E6%B0%8F%E5%90%8D,%E5%85%A5%E5%AE%A4,%E9%80%80%E5%AE%A4%0D%0A";

/// Importing a paper attendance sheet (CSV): a dry run that lists every bad line, then the
/// import. Nothing is written while a line is bad; the same sheet twice writes nothing twice.
#[component]
fn PaperImport(session: i32, online: bool, on_done: Callback<()>) -> impl IntoView {
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
            // A web seminar's attendance comes from the meeting's entry and exit log instead.
            <h2>{move || i18n.t(if online { "import.title.online" } else { "import.title" })}</h2>
            <p class="muted">{move || i18n.t(if online { "import.lead.online" } else { "import.lead" })}</p>
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
