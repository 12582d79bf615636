//! The message bar: divergence, errors, calm news about the engine, and URL settings that could
//! not be used.

use leptos::prelude::*;

use crate::app::state::{Notice, Store};
use crate::i18n::{fill, t};

#[component]
pub fn NoticeBar() -> impl IntoView {
    let store = Store::from_context();
    move || {
        store.notice.get().map(|n| {
            let s = t().settings;
            let (class, role, title, body) = match n {
                Notice::Diverged(m) => ("notice warn", "alert", s.notice_diverged, m),
                Notice::Error(m) => ("notice error", "alert", s.notice_error, m),
                Notice::Info(title, m) => ("notice info", "status", title, m),
                Notice::Url(items) => ("notice info", "status", s.notice_url, fill(s.notice_url_body, &[("items", &listed(&items))])),
            };
            view! {
                <div class=class role=role data-testid="notice">
                    <p><strong>{title}": "</strong>{body}</p>
                    <button type="button" class="icon-button" aria-label=s.dismiss on:click=move |_| store.notice.set(None)>
                        <span aria-hidden="true">"×"</span>
                    </button>
                </div>
            }
        })
    }
}

/// Most problems of a link the notice names; the rest are counted.
const LISTED: usize = 6;

/// The first [`LISTED`] of `items`, and how many more there are.
fn listed(items: &[String]) -> String {
    let mut text = items.iter().take(LISTED).cloned().collect::<Vec<_>>().join("; ");
    if items.len() > LISTED {
        let more = items.len() - LISTED;
        let s = t().settings;
        text.push_str(&fill(if more == 1 { s.notice_more_one } else { s.notice_more_many }, &[("n", &more)]));
    }
    text
}
