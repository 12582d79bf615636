//! Train / Pause, Step (one batch), Reset, and where the news run stands: epoch, batch, speed,
//! time left, running loss and accuracy, validation and test accuracy, and a bar for the run.

use leptos::prelude::*;

use super::super::toolbar::{in_flight_attributes, TrainButton};
use crate::app::news_history::{duration, percent};
use crate::app::plot::format_number;
use crate::app::state::Store;
use crate::engine::model::summary::thousands;
use crate::i18n::t;

#[component]
pub fn NewsToolbar() -> impl IntoView {
    let store = Store::from_context();
    let news = store.news;
    let running = move || store.run.with(|r| r.running);
    let configured = move || store.run.with(|r| r.configured);
    let progress = move || news.run.with(|r| r.progress.clone());
    let done = move || progress().is_some_and(|p| p.done);
    let epochs = move || news.info.with(|i| i.as_ref().map_or(0, |i| i.epochs));
    // The epoch's own batch count (bucketing makes it vary a little from epoch to epoch).
    let batches =
        move || progress().map(|p| p.batches).or_else(|| news.info.with(|i| i.as_ref().map(|i| i.batches_per_epoch))).unwrap_or(0);
    let epoch = move || format!("{} / {}", progress().map_or(0, |p| p.epoch), epochs());
    let batch = move || format!("{} / {}", thousands(progress().map_or(0, |p| p.batch)), thousands(batches()));
    let sps = move || news.run.with(|r| if r.samples_per_sec > 0.0 { thousands(r.samples_per_sec.round() as usize) } else { "–".into() });
    let left = move || {
        if done() {
            t().news.time_left_done.to_string()
        } else {
            news.run.with(|r| r.seconds_left.map(duration).unwrap_or_else(|| "–".into()))
        }
    };
    let loss = move || progress().map(|p| format_number(p.loss as f64)).unwrap_or_else(|| "–".into());
    let accuracy = move || progress().map(|p| percent(p.accuracy)).unwrap_or_else(|| "–".into());
    let val = move || news.history.with(|h| h.epochs.last().and_then(|e| e.val_accuracy).map(percent)).unwrap_or_else(|| "–".into());
    let test = move || news.tested.with(|t| t.as_ref().map(|t| percent(t.evaluation.accuracy))).unwrap_or_else(|| "–".into());
    let (in_flight, in_flight_title) = in_flight_attributes(store);
    let fraction = move || progress().map_or(0.0, |p| p.epochs_done() as f64 / epochs().max(1) as f64);
    view! {
        <div class="toolbar" role="group" aria-label=t().toolbar.controls id="training-controls" tabindex="-1">
            <div class="buttons">
                <TrainButton disabled=Signal::derive(move || !configured() || done()) />
                <button type="button" title=t().news.step_hint prop:disabled=move || running() || !configured() || done() on:click=move |_| store.step()>{t().toolbar.step}</button>
                <button type="button" prop:disabled=move || !configured() on:click=move |_| store.reset()>{t().toolbar.reset}</button>
            </div>
            <dl class="stats">
                <div><dt>{t().news.stat_epoch}</dt><dd data-testid="news-epoch">{epoch}</dd></div>
                <div><dt>{t().news.stat_batch}</dt><dd data-testid="news-batch" data-in-flight=in_flight title=in_flight_title>{batch}</dd></div>
                <div><dt>{t().news.stat_samples_per_sec}</dt><dd data-testid="samples-per-sec">{sps}</dd></div>
                <div><dt>{t().news.stat_time_left}</dt><dd data-testid="time-left">{left}</dd></div>
                <div><dt>{t().toolbar.stat_loss}</dt><dd data-testid="news-loss">{loss}</dd></div>
                <div><dt>{t().news.stat_accuracy}</dt><dd data-testid="news-accuracy">{accuracy}</dd></div>
                <div><dt>{t().news.stat_validation}</dt><dd data-testid="val-accuracy">{val}</dd></div>
                <div><dt>{t().news.stat_test}</dt><dd data-testid="test-accuracy">{test}</dd></div>
            </dl>
            <div
                class="run-progress"
                role="progressbar"
                aria-label=t().news.run_progress
                aria-valuemin="0"
                aria-valuemax="100"
                aria-valuenow=move || format!("{:.0}", fraction() * 100.0)
            >
                <span style=move || format!("width: {:.2}%", fraction() * 100.0)></span>
            </div>
            <p class="run-note" aria-live="polite">{move || {
                if done() {
                    t().news.note_done
                } else if progress().is_none() && configured() {
                    t().news.note_running_means
                } else {
                    ""
                }
            }}</p>
        </div>
    }
}
