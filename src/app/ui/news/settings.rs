//! The news lesson's settings column: the notebook's presets, then every field they set.

use leptos::prelude::*;

use super::super::fields::{NumberField, SegmentedField, SelectField};
use super::super::settings_panel::{EngineField, OptimizerFields, SeedField, CELLS, LAYERS};
use super::super::skip_link::SkipToControls;
use crate::app::state::Store;
use crate::settings::{Preset, Task};

const PRESETS: &[(&str, &str)] = &[
    ("rnn-title", "rnn-title — SimpleRNN(16), titles"),
    ("rnn", "rnn — SimpleRNN(16), masked"),
    ("lstm", "lstm — LSTM(8), masked"),
    ("gru", "gru — GRU(64), masked"),
    ("bilstm", "bilstm — 2 × Bidirectional LSTM(64)"),
    ("gru-tuned", "gru-tuned — GRU(128), regularised, 4 epochs"),
];
const TEXT: &[(&str, &str)] = &[("title", "title"), ("both", "title + description")];
const ON_OFF: &[(&str, &str)] = &[("true", "on"), ("false", "off")];
const SCHEDULES: &[(&str, &str)] = &[("constant", "constant"), ("cosine", "cosine decay")];

/// The preset picker: choosing one sets all the fields it names (the others stay).
#[component]
fn PresetField() -> impl IntoView {
    let store = Store::from_context();
    let on_change = move |ev: leptos::ev::Event| {
        if let Ok(p) = event_target_value(&ev).parse::<Preset>() {
            let mut s = store.base_for(Task::Agnews);
            p.apply(&mut s);
            store.apply(s);
        }
    };
    view! {
        <div class="field">
            <label for="setting-preset">"Preset"</label>
            <select id="setting-preset" data-setting="preset" on:change=on_change>
                {PRESETS.iter().map(|(value, text)| view! {
                    <option value=*value selected=move || store.settings.with(|s| s.preset.as_str() == *value)>{*text}</option>
                }).collect_view()}
            </select>
        </div>
    }
}

#[component]
pub fn NewsSettingsPanel() -> impl IntoView {
    view! {
        <aside class="settings" aria-label="Settings">
            <SkipToControls text=crate::app::i18n::t().page.back_to_controls />
            <p class="settings-note">"Changing a setting starts a fresh run."</p>
            <section aria-labelledby="h-news-model">
                <h2 id="h-news-model">"Model"</h2>
                <PresetField />
                <SegmentedField key="cell" legend="Cell" options=CELLS />
                <div class="row">
                    <NumberField key="units" label="Units" />
                    <SelectField key="layers" label="Layers" options=LAYERS />
                </div>
                <div class="row">
                    <SelectField key="bidirectional" label="Bidirectional" options=ON_OFF />
                    <NumberField key="embed-dim" label="Embedding size" />
                </div>
            </section>
            <section aria-labelledby="h-news-text">
                <h2 id="h-news-text">"Text"</h2>
                <SelectField key="text" label="Reads" options=TEXT />
                <div class="row">
                    <NumberField key="vocab" label="Vocabulary" />
                    <NumberField key="max-len" label="Max length" hint="0 = per batch" />
                </div>
                <div class="row">
                    <SelectField key="mask" label="Masking" options=ON_OFF hint="off: padding is read as words" />
                    <SelectField key="bucket" label="Bucketing" options=ON_OFF />
                </div>
            </section>
            <section aria-labelledby="h-news-training">
                <h2 id="h-news-training">"Training"</h2>
                <div class="row">
                    <NumberField key="epochs" label="Epochs" />
                    <NumberField key="batch" label="Batch" />
                </div>
                <OptimizerFields />
                <SelectField key="lr-schedule" label="Learning-rate schedule" options=SCHEDULES />
                <div class="row">
                    <NumberField key="val-share" label="Validation share" />
                    <NumberField key="clip-norm" label="Clip norm" hint="0 = off" />
                </div>
                <div class="row">
                    <SelectField key="restore-best" label="Keep best epoch" options=ON_OFF />
                    <NumberField key="average-last" label="Average last" hint="epochs; 0 = off" />
                </div>
                <SeedField />
                <EngineField />
            </section>
        </aside>
    }
}
