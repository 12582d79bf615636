//! The experiment's URL: settings are read from `location.search` at start and written back
//! (with `history.replaceState`) whenever they change, so the address bar always reproduces the run.

use crate::settings::{SettingError, Settings};

/// Settings from the page's URL, and what in it could not be used.
pub fn read() -> (Settings, Vec<SettingError>) {
    let search = web_sys::window().and_then(|w| w.location().search().ok()).unwrap_or_default();
    Settings::from_query(&search)
}

/// Puts `settings` in the address bar without adding a history entry.
pub fn write(settings: &Settings) {
    let Some(window) = web_sys::window() else { return };
    let Ok(history) = window.history() else { return };
    let path = window.location().pathname().unwrap_or_default();
    let url = format!("{path}?{}", settings.to_query());
    let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&url));
}
