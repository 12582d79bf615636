//! The news lesson's settings column: the notebook's presets, then every field they set.

use leptos::prelude::*;

use super::super::fields::{NumberField, SegmentedField, SelectField};
use super::super::settings_panel::{EngineField, OptimizerFields, SeedField, CELLS, LAYERS};
use super::super::skip_link::SkipToControls;
use crate::app::state::Store;
use crate::i18n::{de, en, lang, t, Lang};
use crate::settings::{Preset, Task};

/// A select's choices in the page's language, `&'static` as the fields take them: one constant
/// table per language, each from that language's texts (`value => key`).
macro_rules! choices {
    ($($value:literal => $key:ident),* $(,)?) => {
        match lang() {
            Lang::En => &[$(($value, en::news::EN.$key)),*],
            Lang::De => &[$(($value, de::news::DE.$key)),*],
        }
    };
}

fn presets() -> &'static [(&'static str, &'static str)] {
    choices![
        "rnn-title" => preset_rnn_title,
        "rnn" => preset_rnn,
        "lstm" => preset_lstm,
        "gru" => preset_gru,
        "bilstm" => preset_bilstm,
        "gru-tuned" => preset_gru_tuned,
    ]
}

fn text_choices() -> &'static [(&'static str, &'static str)] {
    choices!["title" => reads_title, "both" => reads_both]
}

fn on_off() -> &'static [(&'static str, &'static str)] {
    choices!["true" => on, "false" => off]
}

fn schedules() -> &'static [(&'static str, &'static str)] {
    choices!["constant" => schedule_constant, "cosine" => schedule_cosine]
}

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
    let changed = move || {
        store.settings.with(|s| {
            let mut as_preset = s.clone();
            s.preset.apply(&mut as_preset);
            as_preset != *s
        })
    };
    view! {
        <div class="field">
            <label for="setting-preset">{t().news.preset}</label>
            <select id="setting-preset" data-setting="preset" on:change=on_change aria-describedby="preset-changed">
                {presets().iter().map(|(value, text)| view! {
                    <option value=*value selected=move || store.settings.with(|s| s.preset.as_str() == *value)>{*text}</option>
                }).collect_view()}
            </select>
            // The preset names where the fields started; once one was changed (or an opened
            // model's architecture took their place), it no longer describes the model.
            <span class="hint" id="preset-changed" data-testid="preset-changed" hidden=move || !changed()>{t().news.preset_changed}</span>
        </div>
    }
}

#[component]
pub fn NewsSettingsPanel() -> impl IntoView {
    view! {
        <aside class="settings" aria-label=t().news.settings>
            <SkipToControls text=t().page.back_to_controls />
            <p class="settings-note">{t().news.settings_note}</p>
            <section aria-labelledby="h-news-model">
                <h2 id="h-news-model">{t().news.section_model}</h2>
                <PresetField />
                <SegmentedField key="cell" legend=t().news.cell options=CELLS />
                <div class="row">
                    <NumberField key="units" label=t().news.units />
                    <SelectField key="layers" label=t().news.layers options=LAYERS />
                </div>
                <div class="row">
                    <SelectField key="bidirectional" label=t().news.bidirectional options=on_off() />
                    <NumberField key="embed-dim" label=t().news.embed_dim />
                </div>
            </section>
            <section aria-labelledby="h-news-text">
                <h2 id="h-news-text">{t().news.section_text}</h2>
                <SelectField key="text" label=t().news.reads options=text_choices() />
                <div class="row">
                    <NumberField key="vocab" label=t().news.vocabulary />
                    <NumberField key="max-len" label=t().news.max_len hint=t().news.max_len_hint />
                </div>
                <div class="row">
                    <SelectField key="mask" label=t().news.masking options=on_off() hint=t().news.masking_hint />
                    <SelectField key="bucket" label=t().news.bucketing options=on_off() />
                </div>
            </section>
            <section aria-labelledby="h-news-training">
                <h2 id="h-news-training">{t().news.section_training}</h2>
                <div class="row">
                    <NumberField key="epochs" label=t().news.epochs />
                    <NumberField key="batch" label=t().news.batch />
                </div>
                <OptimizerFields />
                <SelectField key="lr-schedule" label=t().news.lr_schedule options=schedules() />
                <div class="row">
                    <NumberField key="val-share" label=t().news.val_share />
                    <NumberField key="clip-norm" label=t().news.clip_norm hint=t().news.zero_is_off />
                </div>
                <div class="row">
                    <SelectField key="restore-best" label=t().news.restore_best options=on_off() />
                    <NumberField key="average-last" label=t().news.average_last hint=t().news.average_last_hint />
                </div>
                <SeedField />
                <EngineField />
            </section>
        </aside>
    }
}
