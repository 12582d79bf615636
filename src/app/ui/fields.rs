//! Setting controls. Each edits one field of [`Settings`] by its key (the URL key), through
//! `Settings::set`, so names, ranges and messages come from the one table in `settings.rs`.
//! A refused value shows its message beside the control and leaves the experiment untouched.

use leptos::prelude::*;

use crate::app::state::Store;
use crate::settings::Settings;

/// A setting's choices: its value in the link and its text on the page. Made from a constant
/// table (`&'static [...]`) or from an array a function builds from the page's strings.
#[derive(Clone, Debug)]
pub struct Choices(Vec<(&'static str, &'static str)>);

impl From<&'static [(&'static str, &'static str)]> for Choices {
    fn from(options: &'static [(&'static str, &'static str)]) -> Choices {
        Choices(options.to_vec())
    }
}

impl<const N: usize> From<&'static [(&'static str, &'static str); N]> for Choices {
    fn from(options: &'static [(&'static str, &'static str); N]) -> Choices {
        Choices(options.to_vec())
    }
}

impl<const N: usize> From<[(&'static str, &'static str); N]> for Choices {
    fn from(options: [(&'static str, &'static str); N]) -> Choices {
        Choices(options.to_vec())
    }
}

impl From<Vec<(&'static str, &'static str)>> for Choices {
    fn from(options: Vec<(&'static str, &'static str)>) -> Choices {
        Choices(options)
    }
}

/// The current text of setting `key`, recomputed only when the settings change and passed on only
/// when that text changes (a select's options all compare against one memo).
fn current(store: Store, key: &'static str) -> Memo<String> {
    Memo::new(move |_| store.settings.with(|s| s.get(key).unwrap_or_default()))
}

/// Applies `key = text` on top of the current settings; `Err` holds the message to show.
fn try_apply(store: Store, key: &'static str, text: &str) -> Result<(), String> {
    let mut s: Settings = store.settings.get_untracked();
    s.set(key, text).map_err(|e| e.message)?;
    s.validate().map_err(|e| if e.key == key { e.message } else { e.to_string() })?;
    if s != store.settings.get_untracked() {
        store.apply(s);
    }
    Ok(())
}

/// A number setting typed as text (so that any input gets a message, not silence).
#[component]
pub fn NumberField(
    key: &'static str,
    label: &'static str,
    #[prop(optional)] hint: &'static str,
    #[prop(optional, into)] disabled: Option<Signal<bool>>,
) -> impl IntoView {
    let store = Store::from_context();
    let value = current(store, key);
    let error = RwSignal::new(None::<String>);
    let id = format!("setting-{key}");
    let described = format!("{id}-msg");
    let on_change = move |ev: leptos::ev::Event| {
        let text = event_target_value(&ev);
        error.set(try_apply(store, key, &text).err());
    };
    view! {
        <div class="field" class:invalid=move || error.with(Option::is_some)>
            <label for=id.clone()>{label}</label>
            <input
                id=id
                type="text"
                inputmode="decimal"
                autocomplete="off"
                spellcheck="false"
                data-setting=key
                prop:value=move || value.get()
                prop:disabled=move || disabled.is_some_and(|d| d.get())
                aria-invalid=move || error.with(Option::is_some).to_string()
                aria-describedby=described.clone()
                on:change=on_change
            />
            <p class="field-msg" id=described aria-live="polite">
                {move || error.get().unwrap_or_else(|| hint.to_string())}
            </p>
        </div>
    }
}

/// A choice among a few values, as a `<select>`.
#[component]
pub fn SelectField(
    key: &'static str,
    label: &'static str,
    #[prop(into)] options: Choices,
    #[prop(optional)] hint: &'static str,
    #[prop(optional, into)] disabled: Option<Signal<bool>>,
) -> impl IntoView {
    let store = Store::from_context();
    let current = current(store, key);
    let error = RwSignal::new(None::<String>);
    let id = format!("setting-{key}");
    let described = format!("{id}-msg");
    view! {
        <div class="field">
            <label for=id.clone()>{label}</label>
            <select
                id=id
                data-setting=key
                aria-describedby=described.clone()
                prop:disabled=move || disabled.is_some_and(|d| d.get())
                on:change=move |ev| error.set(try_apply(store, key, &event_target_value(&ev)).err())
            >
                {options.0.into_iter().map(|(value, text)| view! {
                    <option value=value selected=move || current.with(|c| c == value)>{text}</option>
                }).collect_view()}
            </select>
            <p class="field-msg" id=described aria-live="polite">{move || error.get().unwrap_or_else(|| hint.to_string())}</p>
        </div>
    }
}

/// A choice among a few values, as a row of radio buttons (one tab stop, arrow keys move).
#[component]
pub fn SegmentedField(key: &'static str, legend: &'static str, #[prop(into)] options: Choices) -> impl IntoView {
    let store = Store::from_context();
    let current = current(store, key);
    view! {
        <fieldset class="segmented" data-setting=key>
            <legend>{legend}</legend>
            <div class="segments">
                {options.0.into_iter().map(|(value, text)| {
                    let checked = move || current.with(|c| c == value);
                    view! {
                        <label class:checked=checked>
                            <input
                                type="radio"
                                name=format!("setting-{key}")
                                value=value
                                prop:checked=checked
                                on:change=move |_| { let _ = try_apply(store, key, value); }
                            />
                            <span>{text}</span>
                        </label>
                    }
                }).collect_view()}
            </div>
        </fieldset>
    }
}
