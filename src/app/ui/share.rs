//! Sharing the experiment: "Copy link" (the address bar always reproduces the run, see
//! `state/url.rs`; Ctrl+Shift+L or ⌘+Shift+L from anywhere on the page) with a confirmation, and
//! where the browser refuses the clipboard (an iframe without the permission) the link in a field
//! to copy by hand; and "Save log", the training log as CSV.

use leptos::prelude::*;
use wasm_bindgen::JsCast;

use crate::app::state::{download, Store};
use crate::i18n::t;
use crate::settings::Task;

/// How long the confirmation stays, in milliseconds.
const CONFIRM_MS: u64 = 4_000;

/// What the last copy did.
#[derive(Clone, Debug, PartialEq)]
enum Copied {
    Not,
    Done,
    /// The browser refused the clipboard: the link to copy by hand.
    Refused(String),
}

#[component]
pub fn ShareBar() -> impl IntoView {
    let store = Store::from_context();
    let copied = RwSignal::new(Copied::Not);
    let copy = move || {
        let Some(href) = window().location().href().ok() else { return };
        let promise = window().navigator().clipboard().write_text(&href);
        leptos::task::spawn_local(async move {
            match wasm_bindgen_futures::JsFuture::from(promise).await {
                Ok(_) => {
                    copied.set(Copied::Done);
                    set_timeout(
                        move || {
                            copied.update(|c| {
                                if *c == Copied::Done {
                                    *c = Copied::Not
                                }
                            })
                        },
                        std::time::Duration::from_millis(CONFIRM_MS),
                    );
                }
                Err(_) => copied.set(Copied::Refused(href)),
            }
        });
    };
    let shortcut = window_event_listener(leptos::ev::keydown, move |ev| {
        if (ev.ctrl_key() || ev.meta_key()) && ev.shift_key() && !ev.alt_key() && ev.key().eq_ignore_ascii_case("l") {
            ev.prevent_default();
            copy();
        }
    });
    on_cleanup(move || shortcut.remove());
    let save_log = move |_| {
        let task = store.lesson.get_untracked();
        let csv = if task == Task::Agnews {
            store.news.history.with_untracked(|h| h.to_csv())
        } else {
            store.history.with_untracked(|h| h.to_csv())
        };
        download(&format!("unroll-{task}-training-log.csv"), "text/csv", &csv);
    };
    let status = move || match copied.get() {
        Copied::Not => String::new(),
        Copied::Done => t().share.copied.to_string(),
        Copied::Refused(_) => t().share.refused.to_string(),
    };
    view! {
        <div class="share" role="group" aria-label=t().share.group>
            <button
                type="button"
                class="secondary small"
                data-testid="copy-link"
                title=t().share.copy_link_hint
                aria-keyshortcuts="Control+Shift+L Meta+Shift+L"
                on:click=move |_| copy()
            >
                {t().share.copy_link}
            </button>
            <button type="button" class="secondary small" data-testid="save-log" title=t().share.save_log_hint on:click=save_log>
                {t().share.save_log}
            </button>
            <span class="share-status" role="status" data-testid="share-status">{status}</span>
            {move || match copied.get() {
                Copied::Refused(link) => Some(view! {
                    <input
                        type="text"
                        class="share-link"
                        readonly
                        aria-label=t().share.link_field
                        prop:value=link
                        data-testid="share-link"
                        on:focus=move |ev| {
                            if let Some(input) = ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok()) {
                                input.select();
                            }
                        }
                    />
                }),
                _ => None,
            }}
        </div>
    }
}
