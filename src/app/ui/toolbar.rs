//! Train / Pause, Step, Reset, and the run's numbers.

use leptos::prelude::*;

use crate::app::plot::format_number;
use crate::app::state::Store;
use crate::i18n::{fill, t};

/// The Train / Pause button, shared by every lesson's toolbar: an SVG icon (a font's "❚❚" is
/// wider than its box in some fonts and ran into the word) and the word, which is its name.
#[component]
pub fn TrainButton(#[prop(into)] disabled: Signal<bool>) -> impl IntoView {
    let store = Store::from_context();
    let running = move || store.run.with(|r| r.running);
    let icon = move || {
        if running() {
            view! { <rect x="1.5" y="1" width="2.6" height="8"></rect><rect x="5.9" y="1" width="2.6" height="8"></rect> }.into_any()
        } else {
            view! { <path d="M2 1 L9 5 L2 9 Z"></path> }.into_any()
        }
    };
    view! {
        <button type="button" class="primary" data-testid="train" prop:disabled=move || disabled.get() on:click=move |_| store.toggle_training()>
            <svg class="icon" viewBox="0 0 10 10" aria-hidden="true" focusable="false">{icon}</svg>
            {move || if running() { t().toolbar.pause } else { t().toolbar.train }}
        </button>
    }
}

#[component]
pub fn Toolbar() -> impl IntoView {
    let store = Store::from_context();
    let running = move || store.run.with(|r| r.running);
    let configured = move || store.run.with(|r| r.configured);
    let loss = move || store.run.with(|r| r.loss.map(|l| format_number(l as f64)).unwrap_or_else(|| "–".into()));
    let sps = move || store.run.with(|r| if r.steps_per_sec > 0.0 { format!("{:.0}", r.steps_per_sec) } else { "–".into() });
    let heldout = move || store.eval.with(|e| e.as_ref().map(|e| format_number(e.heldout_mse as f64)).unwrap_or_else(|| "–".into()));
    let gen =
        move || store.eval.with(|e| e.as_ref().and_then(|e| e.gen_mse).map(|m| format_number(m as f64)).unwrap_or_else(|| "–".into()));
    let (in_flight, in_flight_title) = in_flight_attributes(store);
    view! {
        <div class="toolbar" role="group" aria-label=t().toolbar.controls id="training-controls" tabindex="-1">
            <div class="buttons">
                <TrainButton disabled=Signal::derive(move || !configured()) />
                <button type="button" prop:disabled=move || running() || !configured() on:click=move |_| store.step()>{t().toolbar.step}</button>
                <button type="button" prop:disabled=move || !configured() on:click=move |_| store.reset()>{t().toolbar.reset}</button>
            </div>
            <dl class="stats">
                <div><dt>{t().toolbar.stat_step}</dt><dd data-testid="step" data-in-flight=in_flight title=in_flight_title>{move || store.run.with(|r| r.step)}</dd></div>
                <div><dt>{t().toolbar.stat_loss}</dt><dd data-testid="loss">{loss}</dd></div>
                <div><dt>{t().toolbar.stat_steps_per_sec}</dt><dd data-testid="steps-per-sec">{sps}</dd></div>
                <div><dt>{t().toolbar.stat_heldout}</dt><dd data-testid="heldout-mse">{heldout}</dd></div>
                <div><dt>{t().toolbar.stat_generation}</dt><dd data-testid="generation-mse">{gen}</dd></div>
            </dl>
        </div>
    }
}

/// `data-in-flight` (the steps the WebGPU engine has not sent back yet: after Pause the count
/// still moves until it is 0) and a tooltip saying so, for the step (or batch) counter.
pub fn in_flight_attributes(store: Store) -> (impl Fn() -> String + Copy, impl Fn() -> Option<String> + Copy) {
    let n = move || store.run.with(|r| r.in_flight);
    (move || n().to_string(), move || (n() > 0).then(|| fill(t().toolbar.in_flight, &[("n", &n())])))
}
