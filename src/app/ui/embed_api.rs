//! The `postMessage` API for a page that embeds the playground (schema: `app/embed.rs`): events
//! out to the hosting page (ready, step, paused, finished, error), commands in from the origins
//! the embed link allows (start, pause, reset, step, set). Messages from any other origin are
//! ignored and counted (`data-ignored-messages` on the page's root). Also `autostart`.

use leptos::prelude::*;
use serde::Serialize;

use crate::app::embed::{Incoming, Outgoing};
use crate::app::state::{Notice, Store};
use crate::settings::Task;

/// Fewest milliseconds between two `step` events.
const STEP_EVENT_MS: f64 = 200.0;

/// Sends `event` to the hosting page (nothing when the page is not in a frame): to each allowed
/// origin, or to any when the link allows none (the events say nothing private).
fn send(store: Store, event: Outgoing) {
    let window = window();
    let Ok(Some(parent)) = window.parent() else { return };
    if parent == window {
        return;
    }
    let Ok(message) = event.to_json().serialize(&serde_wasm_bindgen::Serializer::json_compatible()) else { return };
    let origins = store.embed.with_value(|e| e.origins.clone());
    if origins.is_empty() {
        let _ = parent.post_message(&message, "*");
        return;
    }
    // The embedding page's origin, where the browser tells it (posting to an origin the parent
    // does not have is refused with a console warning).
    let parent_origin = web_sys::Url::new(&document().referrer()).ok().map(|u| u.origin());
    for origin in origins.iter().filter(|o| parent_origin.as_ref().is_none_or(|p| p == *o)) {
        let _ = parent.post_message(&message, origin);
    }
}

/// Starts the API; returns how many messages were ignored so far (shown on the page's root).
pub fn start(store: Store) -> ReadSignal<u32> {
    let ignored = RwSignal::new(0u32);
    let listener = window_event_listener(leptos::ev::message, move |ev: web_sys::MessageEvent| {
        if !store.embed.with_value(|e| e.allows(&ev.origin())) {
            ignored.update(|n| *n += 1);
            return;
        }
        let data: serde_json::Value = serde_wasm_bindgen::from_value(ev.data()).unwrap_or(serde_json::Value::Null);
        match Incoming::parse(&data) {
            Ok(Some(command)) => obey(store, command),
            Ok(None) => {}
            Err(message) => send(store, Outgoing::Error { message }),
        }
    });
    on_cleanup(move || listener.remove());
    events(store);
    ignored.read_only()
}

fn obey(store: Store, command: Incoming) {
    let running = store.run.with_untracked(|r| r.running);
    match command {
        Incoming::Start if !running => store.toggle_training(),
        Incoming::Pause if running => store.toggle_training(),
        Incoming::Start | Incoming::Pause => {}
        Incoming::Reset => store.reset(),
        Incoming::Step => store.step(),
        Incoming::Set(pairs) => {
            let mut s = store.settings.get_untracked();
            let problems = s.apply_pairs(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())));
            if !problems.is_empty() {
                let list: Vec<String> = problems.iter().map(|p| p.to_string()).collect();
                send(store, Outgoing::Error { message: format!("not changed: {}", list.join("; ")) });
            }
            if s.validate().is_ok() && s != store.settings.get_untracked() {
                store.apply(s);
            }
        }
    }
}

/// The events out, from the store's signals; and `autostart`.
fn events(store: Store) {
    // Ready: each new experiment (a reset too), once it can train.
    let announced = StoredValue::new(0u64);
    let autostarted = StoredValue::new(false);
    Effect::new(move |_| {
        let (configured, experiment) = store.run.with(|r| (r.configured, r.experiment));
        if configured && experiment != announced.get_value() {
            announced.set_value(experiment);
            let s = store.settings.get_untracked();
            send(store, Outgoing::Ready { task: s.task.to_string(), settings: s.to_query() });
            if store.embed.with_value(|e| e.autostart) && !autostarted.get_value() {
                autostarted.set_value(true);
                store.toggle_training();
            }
        }
    });
    // Step (a few a second) and Paused.
    let last_sent = StoredValue::new(0.0f64);
    let was_running = StoredValue::new(false);
    Effect::new(move |_| {
        // Running as the worker last said (Pause shows at once, but steps already under way
        // still come), and paused once the steps still in flight on the GPU are back.
        let (step, loss, running) = store.run.with(|r| (r.step, r.loss, r.worker_running || r.in_flight > 0));
        let news = store.lesson.get_untracked() == Task::Agnews;
        let progress = store.news.run.with(|r| r.progress.clone());
        let (step, loss, accuracy) = match (news, progress) {
            (true, Some(p)) => ((p.epoch.saturating_sub(1) * p.batches + p.batch) as u64, Some(p.loss), Some(p.accuracy)),
            (true, None) => (0, None, None),
            (false, _) => (step, loss, None),
        };
        let now = js_sys::Date::now();
        if running && now - last_sent.get_value() >= STEP_EVENT_MS {
            last_sent.set_value(now);
            send(store, Outgoing::Step { step, loss, accuracy });
        }
        if was_running.get_value() && !running {
            send(store, Outgoing::Step { step, loss, accuracy });
            send(store, Outgoing::Paused { step });
        }
        was_running.set_value(running);
    });
    // Finished: the news lesson's last epoch, then its test accuracy.
    Effect::new(move |_| {
        let done = store.news.run.with(|r| r.progress.as_ref().is_some_and(|p| p.done));
        let tested = store.news.tested.with(|t| t.as_ref().map(|t| t.evaluation.accuracy));
        if done && tested.is_some() {
            send(store, Outgoing::Finished { test_accuracy: tested });
        }
    });
    // Errors the page shows.
    Effect::new(move |_| {
        if let Some(Notice::Error(m) | Notice::Diverged(m)) = store.notice.get() {
            send(store, Outgoing::Error { message: m });
        }
    });
}
