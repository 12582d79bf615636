//! The language menu in the top bar: English · Deutsch. Each is a link to this experiment in
//! that language (the page reads `lang` at start), so choosing one opens the same experiment
//! again, and the link can be copied or opened in a new tab like any other.

use leptos::prelude::*;

use crate::app::state::{url, Store};
use crate::i18n::{lang, t, Lang};

#[component]
pub fn LanguageMenu() -> impl IntoView {
    let store = Store::from_context();
    let current = lang();
    view! {
        <nav class="language" aria-label=t().page.language title=t().page.language_hint data-testid="language">
            {Lang::ALL.into_iter().map(|l| {
                if l == current {
                    view! { <span class="current" aria-current="true" lang=l.code()>{l.name()}</span> }.into_any()
                } else {
                    let href = move || store.settings.with(|s| url::link_in(s, l));
                    view! { <a href=href lang=l.code() hreflang=l.code()>{l.name()}</a> }.into_any()
                }
            }).collect_view()}
        </nav>
    }
}
