//! The settings column: model, training, and (for the sine) data.

use leptos::prelude::*;

use super::fields::{NumberField, SegmentedField, SelectField};
use super::skip_link::SkipToControls;
use crate::app::state::Store;
use crate::i18n::{fill, t};
use crate::settings::{Cell, OptimizerChoice, Task, Training};

pub const CELLS: &[(&str, &str)] = &[("rnn", "SimpleRNN"), ("lstm", "LSTM"), ("gru", "GRU")];
pub const LAYERS: &[(&str, &str)] = &[("1", "1"), ("2", "2"), ("3", "3")];
const ACTIVATIONS: &[(&str, &str)] =
    &[("relu", "relu"), ("tanh", "tanh"), ("leaky_relu", "leaky relu"), ("elu", "elu"), ("linear", "linear")];
const OPTIMIZERS: &[(&str, &str)] = &[("adam", "Adam"), ("sgd", "SGD"), ("rmsprop", "RMSprop")];

/// A yes/no setting's choices, as the page words them.
fn on_off() -> [(&'static str, &'static str); 2] {
    let s = t().settings;
    [("false", s.off), ("true", s.on)]
}

#[component]
pub fn SettingsPanel() -> impl IntoView {
    let store = Store::from_context();
    let not_rnn = Signal::derive(move || store.settings.with(|s| s.cell != Cell::Rnn));
    let not_lstm = Signal::derive(move || store.settings.with(|s| s.cell != Cell::Lstm));
    let is_sine = move || store.settings.with(|s| s.task == Task::Sine);
    let teacher = Signal::derive(move || store.settings.with(|s| s.training == Training::Teacher));
    let warmup = move || store.settings.with(|s| s.warmup);
    let s = t().settings;
    let training_note = move || match (teacher.get(), warmup()) {
        (true, 0) => s.note_teacher_no_warmup,
        (true, _) => s.note_teacher,
        (false, _) => s.note_free,
    };
    let warmup_note = move || match warmup() {
        0 => s.warmup_none.to_string(),
        1 => s.warmup_one.to_string(),
        k => fill(s.warmup_many, &[("k", &k)]),
    };
    view! {
        <aside class="settings" aria-label=s.panel>
            <SkipToControls text=t().page.back_to_controls />
            <p class="settings-note">{s.fresh_run_note}</p>
            <section aria-labelledby="h-model">
                <h2 id="h-model">{s.model}</h2>
                <SegmentedField key="cell" legend=s.cell options=CELLS />
                <div class="row">
                    <NumberField key="units" label=s.units />
                    <SelectField key="layers" label=s.layers options=LAYERS />
                </div>
                <SelectField key="activation" label=s.activation options=ACTIVATIONS disabled=not_rnn />
                <SelectField key="peephole" label=s.peepholes options=on_off() disabled=not_lstm />
                <Show when=move || not_rnn.get()>
                    <p class="field-msg">{s.activation_note}</p>
                </Show>
            </section>
            <section aria-labelledby="h-training">
                <h2 id="h-training">{s.training}</h2>
                <div class="row">
                    <NumberField key="seq-len" label=s.window />
                    <NumberField key="batch" label=s.batch />
                </div>
                <NumberField key="warmup" label=s.warmup hint=s.warmup_hint />
                <p class="field-msg" id="warmup-msg">{warmup_note}</p>
                <SelectField key="training" label=s.training_mode options=trainings() />
                <NumberField key="free-steps" label=s.own_predictions hint=s.own_predictions_hint disabled=teacher />
                <p class="field-msg" id="training-msg">{training_note}</p>
                <OptimizerFields />
                <div class="row">
                    <NumberField key="clip-norm" label=s.clip_norm hint=s.clip_norm_hint />
                    <SeedField />
                </div>
                <EngineField />
            </section>
            <Show when=is_sine>
                <section aria-labelledby="h-data">
                    <h2 id="h-data">{s.sine}</h2>
                    <div class="row">
                        <NumberField key="amplitude" label=s.amplitude />
                        <NumberField key="frequency" label=s.frequency />
                    </div>
                    <div class="row">
                        <NumberField key="noise" label=s.noise />
                        <NumberField key="points" label=s.points />
                    </div>
                    <div class="row">
                        <NumberField key="x-min" label=s.x_from />
                        <NumberField key="x-max" label=s.x_to />
                    </div>
                </section>
            </Show>
            <section aria-labelledby="h-gen">
                <h2 id="h-gen">{s.generation}</h2>
                <SelectField key="predict" label=s.predicts options=predicts() hint=s.predicts_hint />
                <div class="row">
                    <SelectField key="gen-from" label=s.gen_from options=gen_from() />
                    <NumberField key="gen-steps" label=s.gen_steps />
                </div>
                <NumberField key="gen-start" label=s.gen_start hint=s.gen_start_hint />
            </section>
        </aside>
    }
}

/// The `training` setting's choices, as the page words them.
fn trainings() -> [(&'static str, &'static str); 2] {
    let s = t().settings;
    [("free", s.training_free), ("teacher", s.training_teacher)]
}

/// The `gen-from` setting's choices, as the page words them.
fn gen_from() -> [(&'static str, &'static str); 2] {
    let s = t().settings;
    [("data", s.gen_from_data), ("zeros", s.gen_from_zeros)]
}

/// The `predict` setting's choices, as the page words them.
fn predicts() -> [(&'static str, &'static str); 2] {
    let s = t().settings;
    [("value", s.predict_value), ("change", s.predict_change)]
}

/// Optimizer and learning rate (with momentum for SGD and RMSprop), dropout and recurrent dropout:
/// the fields every lesson's training section has.
#[component]
pub fn OptimizerFields() -> impl IntoView {
    let store = Store::from_context();
    let has_momentum = move || store.settings.with(|s| s.optimizer != OptimizerChoice::Adam);
    let s = t().settings;
    view! {
        <div class="row">
            <SelectField key="optimizer" label=s.optimizer options=OPTIMIZERS />
            <NumberField key="lr" label=s.learning_rate />
        </div>
        <Show when=has_momentum>
            <NumberField key="momentum" label=s.momentum />
        </Show>
        <Show when=move || !has_momentum()>
            <SelectField key="amsgrad" label=s.amsgrad options=on_off() hint=s.amsgrad_hint />
        </Show>
        <div class="row">
            <NumberField key="dropout" label=s.dropout />
            <NumberField key="recurrent-dropout" label=s.recurrent_dropout />
        </div>
    }
}

/// The seed, with a button that draws a new one.
#[component]
pub fn SeedField() -> impl IntoView {
    let store = Store::from_context();
    let reseed = move |_| {
        let mut bytes = [0u8; 4];
        if getrandom::fill(&mut bytes).is_ok() {
            let mut s = store.settings.get_untracked();
            s.seed = u32::from_le_bytes(bytes) as u64;
            store.apply(s);
        }
    };
    let s = t().settings;
    view! {
        <div class="seed">
            <NumberField key="seed" label=s.seed />
            <button type="button" class="icon-button" on:click=reseed aria-label=s.new_seed title=s.new_seed>
                <span aria-hidden="true">"⟳"</span>
            </button>
        </div>
    }
}

/// The `engine` setting's choices, as the page words them.
fn engines() -> [(&'static str, &'static str); 3] {
    let s = t().settings;
    [("auto", s.engine_auto), ("cpu", s.engine_cpu), ("webgpu", s.engine_webgpu)]
}

/// Which engine trains the model (part of the experiment's link).
#[component]
pub fn EngineField() -> impl IntoView {
    let s = t().settings;
    view! {
        <SelectField key="engine" label=s.engine options=engines() hint=s.engine_hint />
    }
}
