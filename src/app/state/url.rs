//! The experiment's URL: settings are read from `location.search` and `location.hash` at start
//! and written back (with `history.replaceState`) whenever they change, so the address bar always
//! reproduces the run. The typed sequence goes behind `#` (`settings::FRAGMENT_KEYS`); the page's
//! own fields (how it is embedded: `app::embed`) are kept as they came.

use std::cell::RefCell;

use crate::app::embed::EmbedOptions;
use crate::i18n::Lang;
use crate::settings::{SettingError, Settings};

thread_local! {
    /// The page's own link fields, written back beside the settings.
    static PAGE: RefCell<Option<EmbedOptions>> = const { RefCell::new(None) };
}

/// Settings and embedding from the page's URL, and what in it could not be used, in the page's
/// language (chosen here, from the link's `lang` or the browser's, before anything is said).
pub fn read() -> (Settings, EmbedOptions, Vec<SettingError>) {
    let location = web_sys::window().map(|w| w.location());
    let search = location.as_ref().and_then(|l| l.search().ok()).unwrap_or_default();
    let hash = location.as_ref().and_then(|l| l.hash().ok()).unwrap_or_default();
    // The link is decoded once; the settings and the page's own fields each take theirs.
    let pairs = Settings::link_pairs(&search, &hash);
    let page_fields = || EmbedOptions::from_pairs(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    // The language first: the link's refusals below are written in it.
    choose_language(&page_fields().0);
    let (settings, mut problems) = Settings::from_pairs(&pairs);
    let (embed, more) = page_fields();
    problems.extend(more);
    PAGE.with(|q| *q.borrow_mut() = Some(embed.clone()));
    (settings, embed, problems)
}

/// The link to `settings` on this page (path, query, fragment), with the page's own fields;
/// only with its language when `plain` (the full page, not the embed).
pub fn link(settings: &Settings, plain: bool) -> String {
    let page = PAGE.with(|q| q.borrow().clone()).unwrap_or_default();
    let page = if plain { EmbedOptions { lang: page.lang, ..EmbedOptions::default() } } else { page };
    link_with(settings, &page)
}

/// The link to `settings` on this page in language `lang` (what the language menu opens).
pub fn link_in(settings: &Settings, lang: Lang) -> String {
    let page = PAGE.with(|q| q.borrow().clone()).unwrap_or_default();
    link_with(settings, &EmbedOptions { lang: Some(lang), ..page })
}

fn link_with(settings: &Settings, page: &EmbedOptions) -> String {
    let path = web_sys::window().and_then(|w| w.location().pathname().ok()).unwrap_or_default();
    let (mut query, fragment) = settings.to_link();
    let page = page.to_query();
    if !page.is_empty() {
        query = format!("{query}&{page}");
    }
    if fragment.is_empty() {
        format!("{path}?{query}")
    } else {
        format!("{path}?{query}#{fragment}")
    }
}

/// Puts `settings` in the address bar without adding a history entry.
pub fn write(settings: &Settings) {
    let Some(window) = web_sys::window() else { return };
    let Ok(history) = window.history() else { return };
    let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&link(settings, false)));
}

/// The page's language: the link's `lang`, else the first of the browser's languages the page
/// speaks, else English. Set for the whole page, `<html lang>` included (screen readers read
/// with it).
fn choose_language(page: &EmbedOptions) -> Lang {
    let lang = page.lang.unwrap_or_else(|| {
        let tags: Vec<String> =
            web_sys::window().map(|w| w.navigator().languages().iter().filter_map(|v| v.as_string()).collect()).unwrap_or_default();
        Lang::preferred(tags.iter().map(String::as_str))
    });
    crate::i18n::set_lang(lang);
    if let Some(root) = web_sys::window().and_then(|w| w.document()).and_then(|d| d.document_element()) {
        let _ = root.set_attribute("lang", lang.code());
    }
    lang
}
