//! The language context. Every string a person sees comes from the one catalogue in
//! `domain::i18n` (shared with the server's mails and files); this module keeps the chosen
//! language (persisted in `localStorage`) and renders keys and messages in it.

use leptos::prelude::*;

pub use domain::Lang;

const STORAGE_KEY: &str = "nintei.lang";

/// The language context.
#[derive(Clone, Copy, Debug)]
pub struct I18n {
    /// The current language.
    pub lang: RwSignal<Lang>,
}

/// Provides the language, restored from the last visit (Japanese by default).
pub fn provide_i18n_context() {
    let saved = crate::clock::local_storage().and_then(|s| s.get_item(STORAGE_KEY).ok().flatten());
    let lang = RwSignal::new(if saved.as_deref() == Some("en") {
        Lang::En
    } else {
        Lang::Ja
    });
    Effect::new(move |_| {
        let l = lang.get();
        let code = if l == Lang::En { "en" } else { "ja" };
        if let Some(s) = crate::clock::local_storage() {
            let _ = s.set_item(STORAGE_KEY, code);
        }
        if let Some(root) = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.document_element())
        {
            let _ = root.set_attribute("lang", code);
        }
    });
    provide_context(I18n { lang });
}

/// The language context.
pub fn use_i18n() -> I18n {
    expect_context::<I18n>()
}

/// Looks a key up; a missing key shows itself, so it is noticed rather than hidden.
pub fn lookup(lang: Lang, key: &str) -> &'static str {
    domain::i18n::text(lang, key).unwrap_or_else(|| Box::leak(key.to_owned().into_boxed_str()))
}

impl I18n {
    /// The text of `key` in the current language (reactive).
    pub fn t(&self, key: &str) -> &'static str {
        lookup(self.lang.get(), key)
    }

    /// The text of `key` with `{name}` placeholders filled in.
    pub fn f(&self, key: &str, args: &[(&str, String)]) -> String {
        let n = args
            .iter()
            .find(|(k, _)| *k == "n")
            .map(|(_, v)| v.as_str());
        let key = domain::i18n::counted_key(self.lang.get(), key, n);
        let mut text = self.t(&key).to_owned();
        for (name, value) in args {
            text = text.replace(&format!("{{{name}}}"), value);
        }
        text
    }

    /// A message (from the server or the domain) in the current language.
    pub fn msg(&self, m: &domain::Message) -> String {
        m.render(self.lang.get())
    }

    /// A prefecture's name.
    pub fn prefecture(&self, p: domain::Prefecture) -> &'static str {
        if self.lang.get() == Lang::En {
            p.name_en()
        } else {
            p.name_ja()
        }
    }
}
