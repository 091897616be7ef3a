//! A list the server sends a page at a time (review and identity queues, session search,
//! outbox): the page's resource loads the first page with its filters; "more" fetches the page
//! that follows the last row shown and appends it; a change of filter starts again.

use std::future::Future;

use leptos::prelude::*;

use crate::api::ApiFailure;
use crate::i18n::use_i18n;

/// The pages after the first of one list.
pub struct Paged<T: Send + Sync + 'static> {
    later: RwSignal<Vec<T>>,
    more: Action<i32, Result<Vec<T>, ApiFailure>>,
    page: usize,
}

impl<T: Send + Sync + 'static> Clone for Paged<T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T: Send + Sync + 'static> Copy for Paged<T> {}

impl<T: Clone + Send + Sync + 'static> Paged<T> {
    /// Pages of `page` rows; `fetch(cursor)` loads the page that follows the row `cursor`.
    /// `filters` reads the signals the first page depends on: when one changes, the later
    /// pages are dropped.
    pub fn new<F, Fut>(page: usize, filters: impl Fn() + 'static, fetch: F) -> Paged<T>
    where
        F: Fn(i32) -> Fut + 'static,
        Fut: Future<Output = Result<Vec<T>, ApiFailure>> + 'static,
    {
        let later = RwSignal::new(Vec::new());
        let more = Action::new_local(move |cursor: &i32| fetch(*cursor));
        Effect::new(move |_| {
            filters();
            later.set(Vec::new());
            more.value().set(None);
        });
        Effect::new(move |_| {
            if let Some(Ok(rows)) = more.value().get() {
                later.update(|l| l.extend(rows));
            }
        });
        Paged { later, more, page }
    }

    /// The first page followed by the pages fetched since, and whether another may follow
    /// (the last page fetched was full).
    pub fn rows(&self, first: Vec<T>) -> (Vec<T>, bool) {
        let full = match self.more.value().get() {
            Some(Ok(rows)) => rows.len() == self.page,
            _ => first.len() == self.page,
        };
        let mut rows = first;
        rows.extend(self.later.get());
        (rows, full)
    }

    /// The button that fetches the page after row `last` (shown when `full`), and what went
    /// wrong with the last fetch. `label` is the catalogue key of the button.
    pub fn more_button(self, full: bool, last: Option<i32>, label: &'static str) -> impl IntoView {
        let i18n = use_i18n();
        let more = self.more;
        view! {
            {(full && last.is_some()).then(|| view! {
                <button class="button secondary wide" data-testid="list-more" disabled=move || more.pending().get()
                    on:click=move |_| { if let Some(id) = last { more.dispatch(id); } }>
                    {i18n.t(label)}
                </button>
            })}
            {move || more.value().get().and_then(Result::err).map(|e| view! { <p class="banner error" role="alert">{i18n.msg(&e.message())}</p> })}
        }
    }
}
