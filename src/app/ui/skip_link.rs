//! "Skip to training controls": a link, shown when it has the keyboard's focus, that puts the
//! focus on the Train button. One starts the page (before the top bar) and one starts each
//! settings column, so a keyboard user deep in the settings is one Shift+Tab and Enter away from
//! Train instead of tabbing through everything after it.

use leptos::prelude::*;
use wasm_bindgen::JsCast;

/// Focuses the Train button (every lesson's toolbar has one: `data-testid="train"`). A disabled
/// one cannot take focus: the toolbar group takes it then.
fn focus_train() {
    let Some(doc) = web_sys::window().and_then(|w| w.document()) else { return };
    for selector in ["[data-testid=\"train\"]:not(:disabled)", "#training-controls"] {
        if let Some(el) = doc.query_selector(selector).ok().flatten().and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok()) {
            if el.focus().is_ok() && doc.active_element().is_some_and(|a| a == *el) {
                return;
            }
        }
    }
}

#[component]
pub fn SkipToControls(#[prop(optional)] text: Option<&'static str>) -> impl IntoView {
    let on_click = move |ev: leptos::ev::MouseEvent| {
        ev.prevent_default();
        focus_train();
    };
    view! {
        <a class="skip-link" href="#training-controls" on:click=on_click>{text.unwrap_or(crate::i18n::t().page.skip_to_controls)}</a>
    }
}
