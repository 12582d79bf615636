//! The settings column: model, training, and (for the sine) data.

use leptos::prelude::*;

use super::fields::{NumberField, SegmentedField, SelectField};
use super::skip_link::SkipToControls;
use crate::app::state::Store;
use crate::settings::{Cell, OptimizerChoice, Task, Training};

pub const CELLS: &[(&str, &str)] = &[("rnn", "SimpleRNN"), ("lstm", "LSTM"), ("gru", "GRU")];
pub const LAYERS: &[(&str, &str)] = &[("1", "1"), ("2", "2"), ("3", "3")];
const ACTIVATIONS: &[(&str, &str)] =
    &[("relu", "relu"), ("tanh", "tanh"), ("leaky_relu", "leaky relu"), ("elu", "elu"), ("linear", "linear")];
const OPTIMIZERS: &[(&str, &str)] = &[("adam", "Adam"), ("sgd", "SGD"), ("rmsprop", "RMSprop")];
const ON_OFF: &[(&str, &str)] = &[("false", "off"), ("true", "on")];

#[component]
pub fn SettingsPanel() -> impl IntoView {
    let store = Store::from_context();
    let not_rnn = Signal::derive(move || store.settings.with(|s| s.cell != Cell::Rnn));
    let not_lstm = Signal::derive(move || store.settings.with(|s| s.cell != Cell::Lstm));
    let is_sine = move || store.settings.with(|s| s.task == Task::Sine);
    let teacher = Signal::derive(move || store.settings.with(|s| s.training == Training::Teacher));
    let warmup = move || store.settings.with(|s| s.warmup);
    let training_note = move || {
        match (teacher.get(), warmup()) {
            (true, 0) => "Teacher forcing (the course's way): every step reads the true value. One-step predictions are excellent, but the model never sees its own errors, so generating on its own it may drift; a warm-up or free-running training keeps it on course.",
            (true, _) => "Teacher forcing (the course's way): every step reads the true value. The model never sees its own errors, so how well it generates on its own rests on how exact its one-step rule is.",
            (false, _) => "Free-running: the last steps of each window read the model's own predictions, and it learns through them to correct its own errors, as it must when it generates.",
        }
    };
    let warmup_note = move || {
        match warmup() {
        0 => "Every step of each window is scored, the first ones too (the course's way): predicting from one or two values, their errors are large, and they outweigh the rest.".to_string(),
        1 => "The first step of each window is not scored: there the model has read one value (from which a wave may rise or fall).".to_string(),
        k => format!("The first {k} steps of each window are not scored: there the model has read too little to predict (from one value, a wave may rise or fall), and their errors would outweigh what generating needs."),
    }
    };
    view! {
        <aside class="settings" aria-label="Settings">
            <SkipToControls text=crate::app::i18n::t().page.back_to_controls />
            <p class="settings-note">"Changing a setting starts a fresh run (how it generates excepted)."</p>
            <section aria-labelledby="h-model">
                <h2 id="h-model">"Model"</h2>
                <SegmentedField key="cell" legend="Cell" options=CELLS />
                <div class="row">
                    <NumberField key="units" label="Units" />
                    <SelectField key="layers" label="Layers" options=LAYERS />
                </div>
                <SelectField key="activation" label="Activation" options=ACTIVATIONS disabled=not_rnn />
                <SelectField key="peephole" label="Peepholes" options=ON_OFF disabled=not_lstm />
                <Show when=move || not_rnn.get()>
                    <p class="field-msg">"The activation is SimpleRNN's; LSTM and GRU use tanh and sigmoid gates."</p>
                </Show>
            </section>
            <section aria-labelledby="h-training">
                <h2 id="h-training">"Training"</h2>
                <div class="row">
                    <NumberField key="seq-len" label="Window T" />
                    <NumberField key="batch" label="Batch" />
                </div>
                <NumberField key="warmup" label="Warm-up" hint="first steps of a window left out of the loss; 0 = none" />
                <p class="field-msg" id="warmup-msg">{warmup_note}</p>
                <SelectField key="training" label="Training" options=TRAININGS />
                <NumberField key="free-steps" label="Own predictions" hint="free-running: last steps of a window; 0 = a third" disabled=teacher />
                <p class="field-msg" id="training-msg">{training_note}</p>
                <OptimizerFields />
                <div class="row">
                    <NumberField key="clip-norm" label="Clip norm" hint="0 = off" />
                    <SeedField />
                </div>
                <EngineField />
            </section>
            <Show when=is_sine>
                <section aria-labelledby="h-data">
                    <h2 id="h-data">"Sine wave"</h2>
                    <div class="row">
                        <NumberField key="amplitude" label="Amplitude" />
                        <NumberField key="frequency" label="Frequency" />
                    </div>
                    <div class="row">
                        <NumberField key="noise" label="Noise" />
                        <NumberField key="points" label="Points" />
                    </div>
                    <div class="row">
                        <NumberField key="x-min" label="x from" />
                        <NumberField key="x-max" label="x to" />
                    </div>
                </section>
            </Show>
            <section aria-labelledby="h-gen">
                <h2 id="h-gen">"Generation"</h2>
                <SelectField key="predict" label="The model predicts" options=PREDICTS hint="change: the next value is the current one plus the predicted step, so a trend goes on past the values seen" />
                <div class="row">
                    <SelectField key="gen-from" label="Starting from" options=GEN_FROM />
                    <NumberField key="gen-steps" label="Steps to generate" />
                </div>
                <NumberField key="gen-start" label="Start at value" hint="0 = right after the training stretch; or click a chart. Changing how it generates keeps the trained model." />
            </section>
        </aside>
    }
}

/// The `training` setting's choices, as the page words them.
const TRAININGS: &[(&str, &str)] = &[("free", "free-running"), ("teacher", "teacher forcing")];

/// The `gen-from` setting's choices, as the page words them.
const GEN_FROM: &[(&str, &str)] = &[("data", "the last training values"), ("zeros", "zeros")];

/// The `predict` setting's choices, as the page words them.
const PREDICTS: &[(&str, &str)] = &[("value", "the next value"), ("change", "the change to it")];

/// Optimizer and learning rate (with momentum for SGD and RMSprop), dropout and recurrent dropout:
/// the fields every lesson's training section has.
#[component]
pub fn OptimizerFields() -> impl IntoView {
    let store = Store::from_context();
    let has_momentum = move || store.settings.with(|s| s.optimizer != OptimizerChoice::Adam);
    view! {
        <div class="row">
            <SelectField key="optimizer" label="Optimizer" options=OPTIMIZERS />
            <NumberField key="lr" label="Learning rate" />
        </div>
        <Show when=has_momentum>
            <NumberField key="momentum" label="Momentum" />
        </Show>
        <Show when=move || !has_momentum()>
            <SelectField key="amsgrad" label="AMSGrad" options=ON_OFF hint="divide by the largest second moment so far: no huge step when tiny gradients grow again" />
        </Show>
        <div class="row">
            <NumberField key="dropout" label="Dropout" />
            <NumberField key="recurrent-dropout" label="Recurrent dropout" />
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
    view! {
        <div class="seed">
            <NumberField key="seed" label="Seed" />
            <button type="button" class="icon-button" on:click=reseed aria-label="New random seed" title="New random seed">
                <span aria-hidden="true">"⟳"</span>
            </button>
        </div>
    }
}

/// The `engine` setting's choices, as the page words them.
const ENGINES: &[(&str, &str)] = &[("auto", "automatic"), ("cpu", "CPU (WebAssembly SIMD)"), ("webgpu", "WebGPU (the GPU)")];

/// Which engine trains the model (part of the experiment's link).
#[component]
pub fn EngineField() -> impl IntoView {
    view! {
        <SelectField key="engine" label="Engine" options=ENGINES hint="WebGPU trains on the GPU where the browser offers it; automatic times both on this model and keeps the faster" />
    }
}
