//! The lesson switch (sine wave / your sequence) and the box where a student types a sequence.
//! The text is checked here, on the page, with the same parser the worker uses; a bad sequence
//! gets its message beside the box and the running experiment is left as it was.

use leptos::prelude::*;

use super::store::Store;
use crate::data::series::parse_sequence;
use crate::settings::{Settings, Task};

/// Shown in the box the first time: a pattern with period 5, repeated.
pub const SAMPLE: &str =
    "1, 3, 2, 5, 4, 1, 3, 2, 5, 4, 1, 3, 2, 5, 4, 1, 3, 2, 5, 4, 1, 3, 2, 5, 4, 1, 3, 2, 5, 4, 1, 3, 2, 5, 4, 1, 3, 2, 5, 4";

/// What the typed-sequence box holds and says.
#[derive(Clone, Copy)]
pub struct TypedState {
    pub text: RwSignal<String>,
    pub message: RwSignal<Option<String>>,
    /// Whether the typed-sequence lesson is selected in the switch.
    pub selected: RwSignal<bool>,
}

impl TypedState {
    pub fn new(store: Store) -> Self {
        let s = store.settings.get_untracked();
        let text = if s.series.is_empty() { SAMPLE.to_string() } else { s.series.clone() };
        TypedState { text: RwSignal::new(text), message: RwSignal::new(None), selected: RwSignal::new(s.task == Task::Typed) }
    }

    /// Trains on the box's sequence if it is valid; otherwise explains why not.
    fn submit(&self, store: Store) {
        let text = self.text.get_untracked();
        match parse_sequence(&text) {
            Ok(_) => {
                self.message.set(None);
                let s = Settings { task: Task::Typed, series: text, ..store.settings.get_untracked() };
                store.apply(s);
            }
            Err(e) => self.message.set(Some(e.to_string())),
        }
    }
}

#[component]
pub fn LessonSwitch(store: Store, typed: TypedState) -> impl IntoView {
    let choose_sine = move |_| {
        typed.selected.set(false);
        let s = store.settings.get_untracked();
        if s.task != Task::Sine {
            store.apply(Settings { task: Task::Sine, ..s });
        }
    };
    let choose_typed = move |_| {
        typed.selected.set(true);
        typed.submit(store);
    };
    view! {
        <fieldset class="lesson-switch segmented">
            <legend class="visually-hidden">"Lesson"</legend>
            <div class="segments">
                <label class:checked=move || !typed.selected.get()>
                    <input type="radio" name="lesson" value="sine" prop:checked=move || !typed.selected.get() on:change=choose_sine />
                    <span>"Sine wave"</span>
                </label>
                <label class:checked=move || typed.selected.get()>
                    <input type="radio" name="lesson" value="typed" prop:checked=move || typed.selected.get() on:change=choose_typed />
                    <span>"Your sequence"</span>
                </label>
            </div>
        </fieldset>
    }
}

#[component]
pub fn TypedPanel(store: Store, typed: TypedState) -> impl IntoView {
    let on_keydown = move |ev: leptos::ev::KeyboardEvent| {
        if ev.key() == "Enter" && (ev.ctrl_key() || ev.meta_key()) {
            ev.prevent_default();
            typed.submit(store);
        }
    };
    let active = move || store.settings.with(|s| s.task == Task::Typed && s.series == typed.text.get());
    view! {
        <section class="typed-panel" aria-labelledby="typed-label">
            <label id="typed-label" for="typed-series">"Your sequence"</label>
            <p class="hint" id="typed-hint">
                "Numbers separated by commas or spaces, e.g. "<code>"1, 2, 3, 4, 5, 6"</code>" or "<code>"0 0.84 0.91 0.14 -0.75"</code>
                ". The first 80 % is trained on, the rest is held out; values are standardised for training."
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
                <button type="button" class="secondary" on:click=move |_| typed.submit(store)>"Train on this sequence"</button>
                <span class="typed-status">{move || if active() { "This sequence is loaded." } else { "Ctrl+Enter also works." }}</span>
            </div>
            <p id="typed-message" class="field-msg error" role="alert" data-testid="series-message">{move || typed.message.get()}</p>
        </section>
    }
}
