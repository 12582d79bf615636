//! The Web Worker: owns the lesson, trains it in time slices, and talks to the page only through
//! [`crate::protocol`]. Between slices it yields to the event loop so `Pause` and new settings
//! arrive promptly; the page's main thread never runs engine code.

mod chain;
mod clock;
mod engine_choice;
mod fetch;
mod helper;
mod lesson;
mod model_files;
mod news;
mod series;
mod twin;
mod words;

use std::cell::RefCell;
use std::rc::Rc;

use wasm_bindgen::prelude::*;
use web_sys::{DedicatedWorkerGlobalScope, MessageEvent};

use crate::engine::backend::BackendLabel;
use crate::i18n::{fill, t};
use crate::protocol::{from_js, to_js, Command, Event, Weights};
use crate::settings::{Settings, Task};
use clock::{now_ms, yield_now};
use lesson::Running;

/// Milliseconds of training between two yields.
const SLICE_MS: f64 = 30.0;
/// While training runs, progress goes to the page at most this often (ten times a second: the
/// charts and counters still move smoothly, and the page's main thread, which redraws them for
/// each message, stays mostly idle; every slice's message kept it busy more than half the time).
/// The losses of the slices between are sent together; a stop is always sent at once.
const PROGRESS_MS: f64 = 100.0;
/// While training, the page gets the weights this often (to restore them if the worker dies).
const SNAPSHOT_MS: f64 = 5000.0;

struct State {
    /// The lesson Train, Pause, Step and Reset act on.
    active: Option<Box<dyn Running>>,
    /// The news lesson's data and headline models (kept whichever lesson is active).
    news: news::News,
    running: bool,
    loop_active: bool,
    /// The helper worker that computes half of each series batch, where the page can have one.
    helper: Option<Rc<helper::Helper>>,
    /// Weights the page asked to restore, waiting for the experiment they belong to.
    restore: Option<(Vec<f32>, u64)>,
    last_snapshot_ms: f64,
    /// A snapshot waits for the engine's weights (see [`snapshot`]).
    snapshot_due: bool,
    /// A Step waits for the work under way (see [`step_once`]).
    step_due: bool,
    /// The chain the page follows (the unrolled view), whether the weights changed since it was
    /// last traced, and when that was.
    chain: Option<crate::protocol::ChainRequest>,
    chain_dirty: bool,
    last_chain_ms: f64,
    /// When the last progress message of the running training went out.
    last_progress_ms: f64,
    /// The news lesson's word map and its t-SNE run.
    words: Option<words::Words>,
    /// The series experiment's twin being trained ("Why does it drift?").
    twin: Option<twin::TwinJob>,
}

impl Default for State {
    fn default() -> Self {
        State {
            active: None,
            news: news::News::default(),
            running: false,
            loop_active: false,
            helper: None,
            restore: None,
            last_snapshot_ms: 0.0,
            snapshot_due: false,
            step_due: false,
            chain: None,
            chain_dirty: false,
            last_chain_ms: 0.0,
            last_progress_ms: 0.0,
            words: None,
            twin: None,
        }
    }
}

/// Makes `run` the active lesson, paused at its start (with the weights the page asked to restore,
/// when they fit it).
fn activate(st: &mut State, mut run: Box<dyn Running>) {
    st.running = false;
    st.step_due = false;
    // A twin belongs to the experiment it was asked for.
    st.twin = None;
    let settings = run.settings().clone();
    engine_choice::announce(run.backend(), &settings);
    let restored = st.restore.take().is_some_and(|(w, step)| restore(run.as_mut(), &w, step));
    st.active = Some(run);
    if restored {
        snapshot(st);
    }
    st.chain_dirty = true;
    chain::tick(st);
}

/// Loads `weights` (trained `step` steps) into `run` and shows where it stands; weights of
/// another model are ignored (`false`).
fn restore(run: &mut dyn Running, weights: &[f32], step: u64) -> bool {
    let fits = run.backend().load_weights(weights).is_ok();
    if fits {
        run.resume_at(step);
        run.settle();
    }
    fits
}

/// Sends the active experiment's weights to the page: now, or, while an engine that never waits
/// is still fetching the weights of its last steps, as soon as it has them (`snapshot_due`).
fn snapshot(st: &mut State) {
    if let Some(active) = st.active.as_mut() {
        if !matches!(active.backend().settled(), Ok(true)) {
            st.snapshot_due = true;
            return;
        }
        let weights = Weights::from_f32(&active.backend().weights());
        post(Event::Snapshot { step: active.steps(), weights });
    }
    st.snapshot_due = false;
    st.last_snapshot_ms = now_ms();
}

fn scope() -> DedicatedWorkerGlobalScope {
    js_sys::global().unchecked_into()
}

fn post(event: impl Into<Event>) {
    match to_js(&event.into()) {
        Ok(v) => post_js(&v),
        Err(e) => web_sys::console::error_1(&format!("unroll worker: cannot serialise event: {e}").into()),
    }
}

/// Posts an event already made into a JavaScript value.
fn post_js(v: &JsValue) {
    if let Err(e) = scope().post_message(v) {
        web_sys::console::error_2(&"unroll worker: postMessage failed".into(), &e);
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
            Err(e) => post(Event::Error { message: fill(t().worker.not_understood, &[("error", &e)]) }),
        }
    });
    scope().set_onmessage(Some(handler.as_ref().unchecked_ref()));
    handler.forget();
    if is_helper {
        post(Event::Ready { backend: BackendLabel::cpu(), webgpu: Err("the helper worker computes on the CPU".into()) });
        return;
    }
    engine_choice::install_loss_hook();
    // The page waits for Ready before it sends anything: the experiment it configures first
    // may ask for the WebGPU engine.
    engine_choice::find_webgpu(|webgpu| post(Event::Ready { backend: BackendLabel::cpu(), webgpu }));
}

fn handle(state: &Rc<RefCell<State>>, cmd: Command) {
    let mut st = state.borrow_mut();
    match cmd {
        Command::Configure { settings } => configure(state, &mut st, settings),
        Command::Reset => {
            // Same settings, fresh weights.
            if let Some(settings) = st.active.as_ref().map(|a| a.settings().clone()) {
                configure(state, &mut st, settings);
            }
        }
        Command::Train => {
            let st = &mut *st;
            if let Some(active) = st.active.as_mut().filter(|a| a.can_train()) {
                if !st.running {
                    st.running = true;
                    active.start();
                    start_loop(state, st);
                }
            }
        }
        Command::Pause => {
            let st = &mut *st;
            if let Some(active) = st.active.as_mut().filter(|_| st.running) {
                st.running = false;
                active.flush(false);
                // The weights training stopped at (the last evaluation may be a while old).
                active.settle();
                snapshot(st);
                chain::tick(st);
                start_loop(state, st);
            }
        }
        Command::Step => {
            let st = &mut *st;
            if !st.running {
                step_once(st);
                start_loop(state, st);
            }
        }
        Command::Restore { weights, step } => {
            let w = weights.to_f32();
            let st = &mut *st;
            match st.active.as_mut() {
                Some(active) => {
                    if restore(active.as_mut(), &w, step) {
                        snapshot(st);
                        st.chain_dirty = true;
                        chain::tick(st);
                        start_loop(state, st);
                    }
                }
                // The experiment is still being built (the news lesson loads its data first).
                None => st.restore = Some((w, step)),
            }
        }
        Command::LoadNews { source } => news::start_loading(state, &mut st, source),
        Command::CancelLoad => fetch::cancel(),
        Command::LoadPretrained => news::load_pretrained(state, &mut st),
        Command::SaveModel => {
            if !series::save_model(&mut st) {
                news::save_model(&mut st);
            }
        }
        Command::OpenModel { name, bytes } => news::open_model(&mut st, name, bytes),
        Command::OpenSeriesModel { name, bytes, settings } => {
            series::open_model(&mut st, name, bytes, settings);
            // Its first evaluation runs in the loop.
            start_loop(state, &mut st);
        }
        Command::TrainOpened { settings } => news::train_opened(&mut st, settings),
        Command::Language { lang } => crate::i18n::set_lang(crate::i18n::Lang::parse(&lang).unwrap_or_default()),
        Command::Read { text, reader } => news::read(&mut st, text, reader),
        Command::Chain { request } => chain::request(&mut st, request),
        Command::WordMap { reader, words } => words::map(&mut st, reader, words),
        Command::WordMapTsne { perplexity } => {
            words::start_tsne(&mut st, perplexity);
            start_loop(state, &mut st);
        }
        Command::WordLookup { word } => words::lookup(&mut st, word),
        Command::Twin { start } => {
            twin::request(&mut st, start);
            start_loop(state, &mut st);
        }
        Command::Vanishing { settings } => {
            let t0 = now_ms();
            match crate::lesson::vanishing::compute(&settings) {
                Ok(picture) => post(Event::Vanishing { settings, picture: Box::new(picture), cost_ms: (now_ms() - t0) as f32 }),
                Err(e) => post(Event::VanishingRefused { message: e.to_string() }),
            }
        }
        Command::Bench { config } => {
            st.running = false;
            if config.backend == crate::engine::backend::BackendKind::Gpu {
                // The WebGPU engine never waits: its results come in the event loop.
                wasm_bindgen_futures::spawn_local(async move {
                    let row = crate::bench::run_deferred(&config, now_seconds, yield_now).await;
                    post_bench(&config, row);
                });
                return;
            }
            let workers = (config.threads > 1).then(|| st.workers());
            post_bench(&config, crate::bench::run_with(&config, now_seconds, workers));
        }
    }
}

/// One training step (the Step button). An evaluation under way finishes first, on the weights
/// it started with; where it waits for an engine that never waits (the WebGPU engine's last
/// results), the step is taken by the worker's loop once it is done (`step_due`).
fn step_once(st: &mut State) {
    let Some(active) = st.active.as_mut().filter(|a| a.can_train()) else { return };
    let t0 = now_ms();
    while active.busy() {
        active.work(f64::INFINITY);
        if active.busy() && now_ms() - t0 > SLICE_MS {
            st.step_due = true;
            return;
        }
    }
    st.step_due = false;
    active.train(1, f64::INFINITY);
    active.flush(false);
    active.after_step();
    snapshot(st);
    st.chain_dirty = true;
    chain::tick(st);
}

/// Builds the experiment `settings` describe, in its lesson (the news lesson may first load the
/// data its settings name); refused settings leave the active lesson as it is.
fn configure(state: &Rc<RefCell<State>>, st: &mut State, settings: Settings) {
    match settings.task {
        Task::Sine | Task::Typed => series::configure(st, &settings),
        Task::Agnews => news::configure(state, st, settings),
    }
    // Its first evaluation runs in the loop.
    start_loop(state, st);
}

fn start_loop(state: &Rc<RefCell<State>>, st: &mut State) {
    if !st.loop_active {
        st.loop_active = true;
        wasm_bindgen_futures::spawn_local(run(state.clone()));
    }
}

/// The worker's loop: slices of [`SLICE_MS`] — of the lesson's pending work (an evaluation), else
/// of training with a progress message —, and a yield to the event loop after each, so a command
/// is answered within a slice or two. When training stops (the end, divergence, a failure) the
/// lesson shows where it stands; the loop ends when nothing is left to do.
async fn run(state: Rc<RefCell<State>>) {
    loop {
        {
            let mut st = state.borrow_mut();
            let st = &mut *st;
            // A t-SNE layout under way takes a slice of its own between the others.
            if words::busy(st) {
                words::work(st);
            }
            // So does the series experiment's twin.
            if twin::busy(st) {
                twin::work(st);
            }
            if st.step_due && !st.running && !st.active.as_ref().is_some_and(|a| a.busy()) {
                step_once(st);
            }
            if !st.active.as_ref().is_some_and(|a| a.busy()) && !st.running {
                // Nothing but (perhaps) the t-SNE layout or the twin is left.
                if !words::busy(st) && !twin::busy(st) {
                    st.loop_active = false;
                    return;
                }
            } else if let Some(active) = st.active.as_mut() {
                if active.busy() {
                    // An evaluation under way (or the engine's last steps): the weights wait for
                    // it, a slice at a time.
                    active.work(SLICE_MS);
                    if !active.busy() {
                        // The weights the views show may have come in with it.
                        st.chain_dirty = true;
                        chain::tick(st);
                    }
                    if st.snapshot_due {
                        snapshot(st);
                    }
                } else {
                    st.running = active.train(usize::MAX, SLICE_MS);
                    if !st.running || now_ms() - st.last_progress_ms >= PROGRESS_MS {
                        active.flush(st.running);
                        st.last_progress_ms = now_ms();
                    }
                    st.chain_dirty = true;
                    if st.running {
                        active.between_slices();
                        if now_ms() - st.last_snapshot_ms >= SNAPSHOT_MS {
                            snapshot(st);
                        }
                    } else {
                        // Finished, diverged or failed: show where the model stands.
                        active.settle();
                        snapshot(st);
                    }
                    chain::tick(st);
                }
            } else {
                st.running = false;
            }
        }
        yield_now().await;
    }
}

/// Sends a benchmark's row (with the worker's peak memory) or why it failed.
fn post_bench(config: &crate::bench::BenchConfig, row: Result<crate::bench::BenchRow, crate::engine::EngineError>) {
    let mut row = match row {
        Ok(row) => row,
        Err(e) => return post(Event::Error { message: format!("Benchmark {}: {e}", config.name) }),
    };
    // The wasm linear memory only grows: its size is the run's high-water mark.
    row.peak_bytes = wasm_bindgen::memory()
        .dyn_into::<js_sys::WebAssembly::Memory>()
        .ok()
        .map(|m| m.buffer().dyn_into::<js_sys::ArrayBuffer>().map_or(0, |b| b.byte_length() as u64));
    post(Event::Bench { row });
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

/// Tells the page why training stopped (the lesson's `train` returns `false` with it).
fn stop_with_error(e: impl std::fmt::Display) {
    post(Event::Error { message: fill(t().worker.training_stopped, &[("error", &e)]) });
}
