//! Staff designate (指定) the sessions organizers submit: the queue of their prefecture (JMA:
//! every prefecture), each session with what staff check — programme, units against the time,
//! delivery, lecturers, the questions the form raised — and two decisions: designate (with the
//! number entered, or the next one made) or return with a reason the organizer reads.

use domain::api::LateAddition;
use domain::sessions::{DesignateRequest, Designation, DesignationItem, ReturnRequest};
use leptos::prelude::*;

use crate::api;
use crate::components::decision::day;
use crate::components::loaded::loaded;
use crate::components::paged::Paged;
use crate::components::shell::StaffTabs;
use crate::i18n::use_i18n;
use crate::routes::Page;

/// Sessions per page of the queue (the server's page).
const PAGE: usize = 50;

/// `/designation`
#[component]
pub fn DesignationQueue() -> impl IntoView {
    let i18n = use_i18n();
    let auth = crate::auth::use_auth();
    let state = RwSignal::new(Designation::Submitted);
    // JMA sees every prefecture's sessions: one prefecture at a time on request.
    let prefecture = RwSignal::new(String::new());
    // What the last decision did, said above the list (the item leaves the queue).
    let done = RwSignal::new(None::<domain::Message>);
    let list = LocalResource::new(move || {
        let (s, p) = (state.get(), prefecture.get());
        async move { api::designation_queue(s.code(), &p, None).await }
    });
    let pages = Paged::new(
        PAGE,
        move || {
            state.get();
            prefecture.get();
        },
        move |after| {
            let (s, p) = (state.get_untracked(), prefecture.get_untracked());
            async move { api::designation_queue(s.code(), &p, Some(after)).await }
        },
    );
    let decided = move |m: domain::Message| {
        done.set(Some(m));
        list.refetch();
    };
    view! {
        <StaffTabs current=Page::Designation />
        <h1>{move || i18n.t("designation.title")}</h1>
        <p class="muted">{move || i18n.t("designation.lead")}</p>
        <section class="card filters">
            <div class="field">
                <label for="d-state">{move || i18n.t("review.filter.status")}</label>
                <select id="d-state" data-testid="designation-state" on:change=move |ev| {
                    if let Ok(s) = event_target_value(&ev).parse() { done.set(None); state.set(s); }
                }>
                    {Designation::ALL.iter().map(|s| { let s = *s; view! { <option value=s.code() selected={s == Designation::Submitted}>{move || i18n.t(&format!("designation.{s}"))}</option> } }).collect_view()}
                </select>
            </div>
            {move || (auth.role() == Some(domain::account::Role::JmaStaff)).then(|| view! {
                <div class="field">
                    <label for="d-pref">{i18n.t("review.filter.prefecture")}</label>
                    <select id="d-pref" data-testid="designation-prefecture" prop:value=move || prefecture.get() on:change=move |ev| { done.set(None); prefecture.set(event_target_value(&ev)); }>
                        <option value="">{i18n.t("review.filter.all")}</option>
                        {domain::Prefecture::all().map(|p| view! { <option value=p.code().to_string()>{i18n.prefecture(p)}</option> }).collect_view()}
                    </select>
                </div>
            })}
        </section>
        {move || done.get().map(|m| view! { <p class="banner ok" role="status" data-testid="designation-done">{i18n.msg(&m)}</p> })}
        {loaded(list, move |first| {
            if first.is_empty() {
                return view! { <p class="muted" data-testid="designation-empty">{i18n.t("designation.none")}</p> }.into_any();
            }
            let (items, full) = pages.rows(first);
            let last = items.last().map(|i| i.session.id);
            view! {
                <ul class="list cards" data-testid="designation-queue">
                    {items.into_iter().map(|item| view! { <Item item=item decided=decided /> }).collect_view()}
                </ul>
                {pages.more_button(full, last, "identities.more")}
            }.into_any()
        })}
        <LateAdditionCard prefecture=prefecture />
    }
}

/// One session of the queue and, while it waits, the two decisions.
#[component]
fn Item(
    item: DesignationItem,
    decided: impl Fn(domain::Message) + Copy + 'static,
) -> impl IntoView {
    let i18n = use_i18n();
    let s = item.session.clone();
    let id = s.id;
    let number = RwSignal::new(String::new());
    let reason = RwSignal::new(String::new());
    let designate = Action::new_local(move |n: &String| {
        let req = DesignateRequest { number: n.clone() };
        async move { api::designate_session(id, &req).await }
    });
    let give_back = Action::new_local(move |r: &String| {
        let req = ReturnRequest { reason: r.clone() };
        async move { api::return_session(id, &req).await }
    });
    Effect::new(move |_| {
        if let Some(Ok(done)) = designate.value().get() {
            let n = done.session.designation_number.unwrap_or_default();
            decided(domain::Message::key("designation.done").arg("number", n));
        }
    });
    Effect::new(move |_| {
        if let Some(Ok(_)) = give_back.value().get() {
            decided(domain::Message::key("designation.returned_done"));
        }
    });
    let failure = move || {
        designate
            .value()
            .get()
            .and_then(Result::err)
            .or_else(|| give_back.value().get().and_then(Result::err))
    };
    let busy = move || designate.pending().get() || give_back.pending().get();
    let waiting = s.designation == Designation::Submitted;
    let number_id = format!("d-number-{id}");
    let reason_id = format!("d-reason-{id}");
    view! {
        <li class="card" data-testid="designation-item" data-session=id.to_string()>
            <h2>{s.title.clone()}</h2>
            <div class="badges">
                <span class="badge">{i18n.t(&format!("category.{}", s.category))}</span>
                {s.subject.map(|x| view! { <span class="badge">{i18n.t(&format!("subject.{x}"))}</span> })}
                <span class="badge ok">{i18n.f("sessions.units", &[("n", s.units.to_string())])}</span>
                {s.online.then(|| view! { <span class="badge">{i18n.t("org.online")}</span> })}
            </div>
            <p class="muted">
                {format!("{} {}–{}", day(s.date), s.starts_at, s.ends_at)}<br />
                {format!("{} · {}", i18n.prefecture(s.prefecture), s.venue)}<br />
                {i18n.f("designation.organizer", &[("body", s.organizing_body.clone())])}" · "{i18n.f("designation.capacity", &[("n", item.capacity.to_string())])}<br />
                <span data-testid="designation-lecturers">{if item.lecturers.is_empty() {
                    i18n.t("designation.no_lecturers").to_owned()
                } else {
                    i18n.f("designation.lecturers", &[("numbers", item.lecturers.join(", "))])
                }}</span>
            </p>
            {s.designation_number.clone().map(|n| view! { <p>{i18n.f("org.designation_number", &[("number", n)])}</p> })}
            {s.returned_reason.clone().map(|r| view! { <p class="banner warn">{i18n.f("org.returned_reason", &[("reason", r)])}</p> })}
            {(!item.questions.is_empty()).then(|| view! {
                <div class="banner warn" data-testid="designation-questions">
                    <p><strong>{i18n.t("designation.questions")}</strong></p>
                    <ul>{item.questions.iter().map(|q| view! { <li>{i18n.msg(q)}</li> }).collect_view()}</ul>
                </div>
            })}
            {waiting.then(|| view! {
                <div class="field">
                    <label for=number_id.clone()>{i18n.t("designation.number")}</label>
                    <input id=number_id data-testid="designation-number" prop:value=move || number.get() on:input=move |ev| number.set(event_target_value(&ev)) />
                </div>
                <button class="button wide" data-testid="designate" disabled=busy on:click=move |_| { designate.dispatch(number.get_untracked()); }>
                    {i18n.t("designation.designate")}
                </button>
                <div class="field">
                    <label for=reason_id.clone()>{i18n.t("designation.reason")}</label>
                    <textarea id=reason_id data-testid="designation-reason" rows="3" prop:value=move || reason.get() on:input=move |ev| reason.set(event_target_value(&ev))></textarea>
                </div>
                <button class="button wide danger" data-testid="return-session" disabled=move || busy() || reason.get().trim().is_empty() on:click=move |_| { give_back.dispatch(reason.get_untracked()); }>
                    {i18n.t("designation.return")}
                </button>
            })}
            {move || failure().map(|e| view! {
                <div class="banner error" role="alert"><p>{i18n.msg(&e.message())}</p>
                    <ul>{e.fields().into_iter().map(|f| view! { <li>{i18n.msg(&f.message)}</li> }).collect_view()}</ul></div>
            })}
        </li>
    }
}

/// A later addition: after a designated session's posting window, the units of one attendee
/// the organizer asked about, found by the session's number, with the reason (recorded).
#[component]
fn LateAdditionCard(prefecture: RwSignal<String>) -> impl IntoView {
    let i18n = use_i18n();
    let number = RwSignal::new(String::new());
    let registry = RwSignal::new(String::new());
    let reason = RwSignal::new(String::new());
    // One reference per addition: a retried tap gives the same answer, never a second credit.
    let client_ref = StoredValue::new(crate::ids::new_id());
    let send = Action::new_local(move |req: &LateAddition| {
        let req = req.clone();
        async move { api::add_late(&req).await }
    });
    Effect::new(move |_| {
        if let Some(Ok(_)) = send.value().get() {
            registry.set(String::new());
            reason.set(String::new());
            client_ref.set_value(crate::ids::new_id());
        }
    });
    let ready = move || {
        !number.get().trim().is_empty()
            && !registry.get().trim().is_empty()
            && !reason.get().trim().is_empty()
    };
    view! {
        // Rare beside the daily queue: folded until asked for.
        <details class="card" data-testid="late-addition">
            <summary><h2>{move || i18n.t("late.title")}</h2></summary>
            <p class="muted">{move || i18n.t("late.lead")}</p>
            <div class="field">
                <label for="late-number">{move || i18n.t("late.number")}</label>
                <input id="late-number" autocomplete="off" data-testid="late-number" prop:value=move || number.get() on:input=move |ev| number.set(event_target_value(&ev)) />
            </div>
            <div class="field">
                <label for="late-registry">{move || i18n.t("late.registry")}</label>
                <input id="late-registry" inputmode="numeric" autocomplete="off" data-testid="late-registry" prop:value=move || registry.get() on:input=move |ev| registry.set(event_target_value(&ev)) />
            </div>
            <div class="field">
                <label for="late-reason">{move || i18n.t("late.reason")}</label>
                <textarea id="late-reason" rows="2" data-testid="late-reason" prop:value=move || reason.get() on:input=move |ev| reason.set(event_target_value(&ev))></textarea>
            </div>
            <button class="button wide" data-testid="late-add" disabled=move || !ready() || send.pending().get() on:click=move |_| {
                send.dispatch(LateAddition {
                    designation_number: number.get_untracked(),
                    prefecture: prefecture.get_untracked().parse().ok(),
                    registry_number: registry.get_untracked(),
                    reason: reason.get_untracked(),
                    client_ref: Some(client_ref.get_value()),
                });
            }>{move || i18n.t("late.add")}</button>
            {move || send.value().get().map(|r| match r {
                Ok(done) => view! {
                    <p class="banner ok" role="status" data-testid="late-done">{i18n.f("late.done", &[("number", done.row.registry_number.clone()), ("title", done.session.title.clone())])}</p>
                }.into_any(),
                Err(e) => view! {
                    <div class="banner error" role="alert"><p>{i18n.msg(&e.message())}</p>
                        <ul>{e.fields().into_iter().map(|f| view! { <li>{i18n.msg(&f.message)}</li> }).collect_view()}</ul></div>
                }.into_any(),
            })}
        </details>
    }
}
