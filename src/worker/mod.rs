//! The Web Worker: owns the lesson, trains it in time slices, and talks to the page only through
//! [`crate::protocol`]. Between slices it yields to the event loop so `Pause` and new settings
//! arrive promptly; the page's main thread never runs engine code.

mod clock;
mod fetch;
mod helper;
mod news;

use std::cell::RefCell;
use std::rc::Rc;

use wasm_bindgen::prelude::*;
use web_sys::{DedicatedWorkerGlobalScope, MessageEvent};

use crate::engine::backend::{BackendLabel, Workers};
use crate::lesson::SeriesLesson;
use crate::protocol::{from_js, to_js, Command, Event, LossPoint};
use crate::settings::Task;
use clock::{now_ms, yield_now, SpeedMeter};

/// Milliseconds of training between two yields (and progress messages).
const SLICE_MS: f64 = 30.0;
/// Evaluate at most this often, and never spend more than about 1/8 of the time evaluating.
const EVAL_MIN_INTERVAL_MS: f64 = 250.0;
const EVAL_COST_FACTOR: f64 = 8.0;

#[derive(Default)]
struct State {
    lesson: Option<SeriesLesson>,
    /// The news lesson's data, experiment and headline models.
    news: news::News,
    /// The news lesson is the current one (Train, Step and Reset act on it).
    news_active: bool,
    running: bool,
    loop_active: bool,
    pending: Vec<LossPoint>,
    speed: SpeedMeter,
    last_eval_ms: f64,
    eval_cost_ms: f64,
    /// The helper worker that computes half of each series batch, where the page can have one.
    helper: Option<Rc<helper::Helper>>,
}

impl State {
    /// Where a series batch's parts may run: half on the helper worker when there is one.
    fn workers(&self) -> Workers {
        self.helper.clone().map_or(Workers::Here, |h| Workers::Helper(h))
    }
}

fn scope() -> DedicatedWorkerGlobalScope {
    js_sys::global().unchecked_into()
}

fn post(event: &Event) {
    match to_js(event) {
        Ok(v) => {
            if let Err(e) = scope().post_message(&v) {
                web_sys::console::error_2(&"unroll worker: postMessage failed".into(), &e);
            }
        }
        Err(e) => web_sys::console::error_1(&format!("unroll worker: cannot serialise event: {e}").into()),
    }
}

/// Installs the message handler and tells the page (or, for the helper, the engine worker) that
/// the worker is ready. The engine worker starts its helper here.
pub fn start() {
    let is_helper = scope().name() == helper::NAME;
    let state = Rc::new(RefCell::new(State { helper: if is_helper { None } else { helper::Helper::spawn() }, ..State::default() }));
    let handler = Closure::<dyn FnMut(MessageEvent)>::new(move |ev: MessageEvent| {
        if helper::on_message(&ev.data()) {
            return;
        }
        match from_js::<Command>(ev.data()) {
            Ok(cmd) => handle(&state, cmd),
            Err(e) => post(&Event::Error { message: format!("The worker received a message it does not understand: {e}") }),
        }
    });
    scope().set_onmessage(Some(handler.as_ref().unchecked_ref()));
    handler.forget();
    post(&Event::Ready { backend: BackendLabel::cpu() });
}

fn handle(state: &Rc<RefCell<State>>, cmd: Command) {
    let mut st = state.borrow_mut();
    match cmd {
        Command::Configure { settings } if settings.task == Task::Agnews => news::configure(state, &mut st, settings),
        Command::Configure { settings } => match SeriesLesson::new(&settings) {
            Ok(lesson) => install(&mut st, lesson),
            Err(e) => post(&Event::Rejected { message: e.to_string() }),
        },
        Command::LoadNews { source } => news::start_loading(state, &mut st, source),
        Command::LoadPretrained => news::load_pretrained(state, &mut st),
        Command::Read { text, reader } => news::read(&mut st, text, reader),
        Command::Reset if st.news_active => news::reset(state, &mut st),
        Command::Train if st.news_active => {
            if !st.running && !st.news.done() {
                st.running = true;
                st.news.restart_speed();
                start_loop(state, &mut st);
            }
        }
        Command::Step if st.news_active => {
            if !st.running {
                news::train_slice(&mut st, 1, f64::INFINITY);
                news::flush(&mut st);
                if st.news.done() {
                    news::test(&mut st);
                }
            }
        }
        Command::Reset => {
            if let Some(settings) = st.lesson.as_ref().map(|l| l.settings.clone()) {
                match SeriesLesson::new(&settings) {
                    Ok(lesson) => install(&mut st, lesson),
                    Err(e) => post(&Event::Error { message: e.to_string() }),
                }
            }
        }
        Command::Train => {
            if st.lesson.is_some() && !st.running {
                st.running = true;
                let step = st.lesson.as_ref().map_or(0, |l| l.step_count());
                st.speed.restart(now_ms(), step);
                start_loop(state, &mut st);
            }
        }
        Command::Pause => {
            st.running = false;
            if st.news_active {
                news::flush(&mut st);
            } else {
                flush(&mut st);
            }
        }
        Command::Bench { config } => {
            st.running = false;
            let workers = (config.threads > 1).then(|| st.workers());
            let mut row = match crate::bench::run_with(&config, now_seconds, workers) {
                Ok(row) => row,
                Err(e) => return post(&Event::Error { message: format!("Benchmark {}: {e}", config.name) }),
            };
            // The wasm linear memory only grows: its size is the run's high-water mark.
            row.peak_bytes = wasm_bindgen::memory()
                .dyn_into::<js_sys::WebAssembly::Memory>()
                .ok()
                .map(|m| m.buffer().dyn_into::<js_sys::ArrayBuffer>().map_or(0, |b| b.byte_length() as u64));
            post(&Event::Bench { row });
        }
        Command::Step => {
            if !st.running && st.lesson.is_some() {
                train_slice(&mut st, 1, f64::INFINITY);
                flush(&mut st);
                evaluate(&mut st);
            }
        }
    }
}

fn start_loop(state: &Rc<RefCell<State>>, st: &mut State) {
    if !st.loop_active {
        st.loop_active = true;
        wasm_bindgen_futures::spawn_local(run(state.clone()));
    }
}

/// Replaces the current lesson with `lesson` (paused at step 0) and shows its untrained state.
fn install(st: &mut State, mut lesson: SeriesLesson) {
    lesson.set_workers(st.workers());
    st.running = false;
    st.news_active = false;
    st.news.forget_pending();
    st.pending.clear();
    post(&Event::Configured { info: lesson.info().clone(), settings: lesson.settings.clone() });
    st.lesson = Some(lesson);
    st.speed = SpeedMeter::default();
    flush(st);
    evaluate(st);
}

/// The training loop: slices of [`SLICE_MS`], a progress message after each, evaluations now and
/// then, and a yield to the event loop in between.
async fn run(state: Rc<RefCell<State>>) {
    loop {
        {
            let mut st = state.borrow_mut();
            if st.news_active {
                if !news::tick(&mut st, SLICE_MS) {
                    st.loop_active = false;
                    return;
                }
            } else {
                if !st.running {
                    st.loop_active = false;
                    flush(&mut st);
                    // Paused, diverged or failed: the charts show the weights training stopped at
                    // (the last periodic evaluation may be several hundred steps old).
                    evaluate(&mut st);
                    return;
                }
                train_slice(&mut st, usize::MAX, SLICE_MS);
                flush(&mut st);
                let now = now_ms();
                if st.running && now - st.last_eval_ms >= EVAL_MIN_INTERVAL_MS.max(EVAL_COST_FACTOR * st.eval_cost_ms) {
                    evaluate(&mut st);
                }
            }
        }
        yield_now().await;
    }
}

/// `performance.now()` in seconds (a plain fn, as the profiler wants one).
fn now_seconds() -> f64 {
    now_ms() / 1000.0
}

/// Calls `step` until it returns `false`, `max_steps` calls were made, or `budget_ms` milliseconds
/// have passed (at least one call).
fn time_slice(max_steps: usize, budget_ms: f64, mut step: impl FnMut() -> bool) {
    let t0 = now_ms();
    let mut done = 0;
    while done < max_steps && (done == 0 || now_ms() - t0 < budget_ms) {
        if !step() {
            return;
        }
        done += 1;
    }
}

/// Stops training and tells the page why.
fn stop_with_error(st: &mut State, e: impl std::fmt::Display) {
    st.running = false;
    post(&Event::Error { message: format!("Training stopped: {e}") });
}

/// Trains up to `max_steps` steps or `budget_ms` milliseconds, whichever comes first.
fn train_slice(st: &mut State, max_steps: usize, budget_ms: f64) {
    time_slice(max_steps, budget_ms, || {
        let Some(lesson) = st.lesson.as_mut() else { return false };
        match lesson.train_step() {
            Ok(out) => {
                st.pending.push(LossPoint { step: out.step, loss: out.stats.loss });
                if let Some(message) = out.diverged {
                    st.running = false;
                    flush(st);
                    post(&Event::Diverged { step: out.step, message });
                    return false;
                }
                true
            }
            Err(e) => {
                stop_with_error(st, e);
                false
            }
        }
    })
}

/// Sends the losses gathered since the last progress message.
fn flush(st: &mut State) {
    let step = st.lesson.as_ref().map_or(0, |l| l.step_count());
    let steps_per_sec = st.speed.update(now_ms(), step);
    let losses = std::mem::take(&mut st.pending);
    post(&Event::Progress { step, losses, steps_per_sec, running: st.running });
}

fn evaluate(st: &mut State) {
    let Some(lesson) = st.lesson.as_mut() else { return };
    let t0 = now_ms();
    match lesson.evaluate() {
        Ok(e) => post(&Event::Evaluation(e)),
        Err(e) => post(&Event::Error { message: format!("Evaluation failed: {e}") }),
    }
    let t1 = now_ms();
    st.eval_cost_ms = t1 - t0;
    st.last_eval_ms = t1;
}
