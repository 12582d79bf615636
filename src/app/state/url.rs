//! The experiment's URL: settings are read from `location.search` and `location.hash` at start
//! and written back (with `history.replaceState`) whenever they change, so the address bar always
//! reproduces the run. The typed sequence goes behind `#` (`settings::FRAGMENT_KEYS`).

use crate::settings::{SettingError, Settings};

/// Settings from the page's URL, and what in it could not be used.
pub fn read() -> (Settings, Vec<SettingError>) {
    let location = web_sys::window().map(|w| w.location());
    let search = location.as_ref().and_then(|l| l.search().ok()).unwrap_or_default();
    let hash = location.as_ref().and_then(|l| l.hash().ok()).unwrap_or_default();
    Settings::from_link(&search, &hash)
}

/// Puts `settings` in the address bar without adding a history entry.
pub fn write(settings: &Settings) {
    let Some(window) = web_sys::window() else { return };
    let Ok(history) = window.history() else { return };
    let path = window.location().pathname().unwrap_or_default();
    let (query, fragment) = settings.to_link();
    let url = if fragment.is_empty() { format!("{path}?{query}") } else { format!("{path}?{query}#{fragment}") };
    let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&url));
}
