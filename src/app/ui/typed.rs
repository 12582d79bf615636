//! The box where a student types a sequence.
//! The text is checked here, on the page, with the same parser the worker uses; a bad sequence
//! gets its message beside the box and the running experiment is left as it was.

use leptos::prelude::*;

use crate::app::state::Store;
use crate::data::series::parse_sequence;
use crate::i18n::t;
use crate::lesson::series::suggested_for;
use crate::settings::{Settings, Task};

/// Shown in the box the first time: a pattern with period 5, repeated.
pub const SAMPLE: &str =
    "1, 3, 2, 5, 4, 1, 3, 2, 5, 4, 1, 3, 2, 5, 4, 1, 3, 2, 5, 4, 1, 3, 2, 5, 4, 1, 3, 2, 5, 4, 1, 3, 2, 5, 4, 1, 3, 2, 5, 4";

/// What the typed-sequence box holds and says.
#[derive(Clone, Copy)]
pub struct TypedState {
    pub text: RwSignal<String>,
    pub message: RwSignal<Option<String>>,
}

impl TypedState {
    pub fn new(store: Store) -> Self {
        let s = store.settings.get_untracked();
        let text = if s.series.is_empty() { SAMPLE.to_string() } else { s.series.clone() };
        let typed = TypedState { text: RwSignal::new(text), message: RwSignal::new(None) };
        // A model file saved in the typed lesson brings its sequence: the box shows it.
        Effect::watch(
            move || store.files_opened.get(),
            move |_, _, _| {
                let s = store.settings.get_untracked();
                if s.task == Task::Typed {
                    typed.text.set(s.series);
                    typed.message.set(None);
                }
            },
            false,
        );
        typed
    }

    /// Trains on the box's sequence if it is valid; otherwise explains why not.
    pub fn submit(&self, store: Store) {
        let text = self.text.get_untracked();
        match parse_sequence(&text) {
            Ok(values) => {
                self.message.set(None);
                let base = store.base_for(Task::Typed);
                // A new sequence gets the sensible way to learn it (a trend: its changes; a short
                // one: a linear rule); the student's choices stay for the same sequence.
                let s = if base.series == text { base } else { suggested_for(&values, base) };
                store.apply(Settings { series: text, ..s });
            }
            Err(e) => self.message.set(Some(e.to_string())),
        }
    }
}

#[component]
pub fn TypedPanel(typed: TypedState) -> impl IntoView {
    let store = Store::from_context();
    let on_keydown = move |ev: leptos::ev::KeyboardEvent| {
        if ev.key() == "Enter" && (ev.ctrl_key() || ev.meta_key()) {
            ev.prevent_default();
            typed.submit(store);
        }
    };
    let active = move || store.settings.with(|s| s.task == Task::Typed && s.series == typed.text.get());
    view! {
        <section class="typed-panel" aria-labelledby="typed-label">
            <label id="typed-label" for="typed-series">{t().charts.typed_label}</label>
            <p class="hint" id="typed-hint">
                {t().charts.typed_hint_start}<code>"1, 2, 3, 4, 5, 6"</code>{t().charts.typed_hint_or}<code>"0 0.84 0.91 0.14 -0.75"</code>
                {t().charts.typed_hint_end}
            </p>
            <textarea
                id="typed-series"
                data-testid="series-input"
                rows="3"
                spellcheck="false"
                aria-describedby="typed-hint typed-message"
                aria-invalid=move || typed.message.with(Option::is_some).to_string()
                prop:value=move || typed.text.get()
                on:input=move |ev| { typed.text.set(event_target_value(&ev)); typed.message.set(None); }
                on:keydown=on_keydown
            ></textarea>
            <div class="typed-actions">
                <button type="button" class="secondary" on:click=move |_| typed.submit(store)>{t().charts.typed_train}</button>
                <span class="typed-status">{move || if active() { t().charts.typed_loaded } else { t().charts.typed_ctrl_enter }}</span>
            </div>
            <p id="typed-message" class="field-msg error" role="alert" data-testid="series-message">{move || typed.message.get()}</p>
        </section>
    }
}
