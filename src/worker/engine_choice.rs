//! Which engine an experiment trains on, and why, in the words the page shows beside
//! "Engine:" (`data-testid="backend"`).
//!
//! - The WebGPU adapter is looked for once, when the worker starts (the browser answers
//!   asynchronously; the page waits for `Ready`).
//! - `engine cpu` / `engine webgpu` force one. With `engine auto` and an adapter, the experiment
//!   starts on the CPU engine; when training starts, a trial (`lesson/pacing.rs`) times a few
//!   real training steps of it on the WebGPU engine (a throwaway copy from the same settings)
//!   while the CPU trains, against the CPU's fastest of the run's own first steps. Nothing is
//!   computed for it before Train, and training never waits for it. The faster engine trains from
//!   then on: the WebGPU engine takes over the weights and optimiser state reached so far. The
//!   verdict is remembered per model, batch and length for the worker's life.
//! - The WebGPU side is seen between two turns of the worker's loop: while the CPU trains, up to
//!   a slice (30 ms) late. That errs towards the CPU, never towards an engine slower than it.
//! - On a software adapter (SwiftShader) the trial itself takes CPU from the run for a few
//!   seconds, which makes the CPU's figure a little worse than it is: the verdict there is the
//!   CPU by orders of magnitude anyway.
//! - A lost device moves the experiment to the CPU engine (`series.rs`, `failed`); the hook
//!   [`install_loss_hook`] lets the end-to-end tests cause one.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use wasm_bindgen::prelude::*;

use super::scope;
use crate::engine::backend::{Backend, BackendLabel};
use crate::i18n::{fill, t};
use crate::lesson::pacing::{Timing, Trainable, Trial};
use crate::lesson::LessonError;
use crate::protocol::Event;
use crate::settings::{EngineChoice, Settings};

/// How long the browser may take to answer for an adapter before the worker starts without one.
const ADAPTER_WAIT_MS: i32 = 5000;

/// Called once with the adapter found, or why there is none.
type Found = Box<dyn FnOnce(Result<String, String>)>;

thread_local! {
    /// The WebGPU adapter found (in words), or why there is none.
    static ADAPTER: RefCell<Result<String, String>> = RefCell::new(Err("not looked for yet".into()));
}

/// The WebGPU adapter this worker found, in words, or why there is none.
pub fn adapter() -> Result<String, String> {
    ADAPTER.with(|a| a.borrow().clone())
}

/// Looks for a WebGPU adapter and device (`Gpu::init`; again after a device was lost), keeps the
/// answer ([`adapter`]), then calls `done` once with it in words or why there is none — after
/// [`ADAPTER_WAIT_MS`] at the latest.
pub fn find_webgpu(done: impl FnOnce(Result<String, String>) + 'static) {
    let done: Rc<Cell<Option<Found>>> = Rc::new(Cell::new(Some(Box::new(move |found: Result<String, String>| {
        ADAPTER.with(|a| *a.borrow_mut() = found.clone());
        done(found);
    }))));
    let has_gpu = js_sys::Reflect::get(&scope().navigator(), &JsValue::from_str("gpu")).is_ok_and(|g| !g.is_undefined() && !g.is_null());
    if !has_gpu {
        if let Some(done) = done.take() {
            done(Err(t().engine.no_browser_webgpu.into()));
        }
        return;
    }
    let on_time = done.clone();
    let timeout = Closure::once_into_js(move || {
        if let Some(done) = on_time.take() {
            done(Err(fill(t().engine.adapter_silent, &[("s", &(ADAPTER_WAIT_MS / 1000))])));
        }
    });
    let _ = scope().set_timeout_with_callback_and_timeout_and_arguments_0(timeout.unchecked_ref(), ADAPTER_WAIT_MS);
    wasm_bindgen_futures::spawn_local(async move {
        let found = crate::engine::gpu::Gpu::init().await.and_then(|_| crate::engine::gpu::adapter_summary());
        if let Some(done) = done.take() {
            done(found);
        }
    });
}

/// `unrollLoseGpu()` on the worker's global scope destroys its WebGPU device, as a driver reset
/// or a GPU watchdog would: the end-to-end tests call it mid-run (through Playwright's handle on
/// the worker) to check that nothing is lost. Nothing on the page calls it.
pub fn install_loss_hook() {
    let lose = Closure::<dyn Fn()>::new(|| {
        if let Ok(gpu) = crate::engine::gpu::Gpu::get() {
            gpu.lose();
        }
    });
    let _ = js_sys::Reflect::set(&scope(), &JsValue::from_str("unrollLoseGpu"), lose.as_ref());
    lose.forget();
}

/// Tells the page which engine the experiment built from `settings` trains on, and why.
pub fn announce(backend: &dyn Backend, settings: &Settings) {
    let label = backend.label();
    let webgpu = &adapter();
    let e = t().engine;
    let reason = match (settings.engine, label, webgpu) {
        (_, BackendLabel::Gpu, Ok(adapter)) => fill(e.chosen_gpu_adapter, &[("adapter", adapter)]),
        (_, BackendLabel::Gpu, Err(_)) => e.chosen_gpu.into(),
        (EngineChoice::Cpu, _, _) => e.chosen_cpu.into(),
        (_, _, Err(why)) => fill(e.no_webgpu, &[("why", why)]),
        (_, _, Ok(_)) => e.auto_cpu_hint.into(),
    };
    super::post(Event::Engine { backend: label, reason });
}

thread_local! {
    /// Timings measured in this worker, by what they depend on (the model, batch and length).
    static TIMINGS: RefCell<Vec<(String, Timing)>> = const { RefCell::new(Vec::new()) };
}

/// The timing measured earlier for an experiment described by `key`.
pub fn remembered(key: &str) -> Option<Timing> {
    TIMINGS.with(|t| t.borrow().iter().find(|(k, _)| k == key).map(|(_, t)| *t))
}

pub fn remember(key: String, timing: Timing) {
    TIMINGS.with(|t| {
        let mut t = t.borrow_mut();
        t.retain(|(k, _)| *k != key);
        t.push((key, timing));
    });
}

/// Tells the page the engine and why, outside a configuration (a trial's verdict).
pub fn tell(backend: BackendLabel, reason: String) {
    super::post(Event::Engine { backend, reason });
}

/// With `engine auto` and an adapter, how the engine of an experiment described by `key` (its
/// model, batch and length) is chosen.
pub enum Auto {
    /// Not auto, or no adapter: the engine announced at configuration trains.
    No,
    /// Timed earlier in this worker.
    Timed(Timing),
    /// To be timed when training starts, under `key`.
    Trial(String),
}

impl Auto {
    pub fn of(settings: &Settings, key: String) -> Auto {
        if settings.engine != EngineChoice::Auto || adapter().is_err() {
            return Auto::No;
        }
        remembered(&key).map_or(Auto::Trial(key), Auto::Timed)
    }
}

/// What the page is told of an earlier timing, once `take_over` (the WebGPU engine taking the run
/// over, when the timing says so) was tried.
pub fn timed_earlier(timing: Timing, take_over: impl FnOnce() -> Result<(), LessonError>) -> (BackendLabel, String) {
    let taken = adopt(timing, take_over);
    // As the timing says (not the take-over's failure): say it was measured before.
    if taken == timing.verdict() {
        return (taken.0, fill(t().engine.timed_earlier, &[("reason", &taken.1.trim_end_matches(')'))]));
    }
    taken
}

/// The engine `timing` names, and why: the WebGPU engine takes the run over (`take_over`) when it
/// was the faster; if it cannot, the CPU engine stays, and the page is told why.
fn adopt(timing: Timing, take_over: impl FnOnce() -> Result<(), LessonError>) -> (BackendLabel, String) {
    let (label, reason) = timing.verdict();
    if label == BackendLabel::Gpu {
        if let Err(e) = take_over() {
            return (BackendLabel::cpu(), fill(t().engine.could_not_take_over, &[("error", &e)]));
        }
    }
    (label, reason)
}

/// With engine auto: the experiment timed on the WebGPU engine beside the CPU run (a trial of a
/// throwaway copy, `L`), and what the timing is remembered under. The trial starts with training;
/// a pause drops it (it needs the CPU's steps beside it) and the next Train starts it again.
pub struct Timer<L> {
    trial: Option<Trial<L>>,
    key: Option<String>,
}

impl<L: Trainable> Timer<L> {
    /// Nothing to time (not auto, no adapter, or timed earlier).
    pub fn none() -> Self {
        Timer { trial: None, key: None }
    }

    /// To be timed when training starts, remembered under `key`.
    pub fn under(key: String) -> Self {
        Timer { trial: None, key: Some(key) }
    }

    /// Training starts: the trial starts on the copy `make` builds (once per experiment).
    pub fn start(&mut self, make: impl FnOnce() -> Result<L, String>) {
        if self.trial.is_some() || self.key.is_none() {
            return;
        }
        match make().and_then(|copy| Trial::start(copy, super::clock::now_ms())) {
            Ok(trial) => {
                self.trial = Some(trial);
                tell(BackendLabel::cpu(), t().engine.timing.into());
            }
            Err(why) => {
                self.key = None;
                tell(BackendLabel::cpu(), fill(t().engine.cannot_train_here, &[("why", &why)]));
            }
        }
    }

    /// A CPU step of the run took `ms`.
    pub fn cpu_step(&mut self, ms: f64) {
        if let Some(trial) = self.trial.as_mut() {
            trial.cpu_step(ms);
        }
    }

    /// Takes the trial a turn further; on its verdict the faster engine trains from here
    /// (`take_over` gives the run to the WebGPU copy).
    pub fn advance(&mut self, take_over: impl FnOnce(L) -> Result<(), LessonError>) {
        let Some(result) = self.trial.as_mut().and_then(|t| t.advance(super::clock::now_ms())) else { return };
        let trial = self.trial.take().expect("a trial");
        let Some(key) = self.key.take() else { return };
        conclude(result, key, || take_over(trial.into_lesson()));
    }

    /// Training stopped: a trial under way is dropped (and the page told).
    pub fn stopped(&mut self) {
        if self.trial.take().is_some() {
            tell(BackendLabel::cpu(), t().engine.timing_stopped.into());
        }
    }
}

/// What the page is told while the engine is chosen by measured speed.
pub fn timed_at_train() -> String {
    t().engine.timed_at_train.into()
}

/// A trial's verdict (`result`), remembered under `key`; the WebGPU engine takes the run over
/// (`take_over`) when it was faster. The page is told.
pub fn conclude(result: Result<Timing, String>, key: String, take_over: impl FnOnce() -> Result<(), LessonError>) {
    let (label, reason) = match result {
        Ok(timing) => {
            remember(key, timing);
            adopt(timing, take_over)
        }
        Err(why) => (BackendLabel::cpu(), fill(t().engine.auto_cpu_because, &[("why", &why)])),
    };
    tell(label, reason);
}

/// What a lost update is counted in.
#[derive(Clone, Copy)]
pub enum Unit {
    Step,
    Batch,
}

/// The engine failed with `what`; `salvaged` is what the lesson's move to the CPU engine gave (the
/// updates lost, counted in `unit`s), and `then` says how training goes on. Tells the page.
pub fn failed(what: String, salvaged: Option<Result<u64, LessonError>>, unit: Unit, then: impl FnOnce() -> String) {
    let e = t().engine;
    match salvaged {
        Some(Ok(lost)) => {
            let (one, many) = match unit {
                Unit::Step => (e.lost_one_step, e.lost_many_steps),
                Unit::Batch => (e.lost_one_batch, e.lost_many_batches),
            };
            let lost = match lost {
                0 => e.lost_none.to_string(),
                1 => one.to_string(),
                n => fill(many, &[("n", &n)]),
            };
            tell(BackendLabel::cpu(), e.device_lost.into());
            let message = fill(e.moved_to_cpu, &[("what", &what), ("lost", &lost), ("then", &then())]);
            super::post(Event::EngineLost { message });
            // A new device, for the experiments built from now on (the page needs no reload).
            find_webgpu(|found| {
                let reason = match found {
                    Ok(adapter) => fill(e.new_device, &[("adapter", &adapter)]),
                    Err(why) => fill(e.no_new_device, &[("why", &why)]),
                };
                tell(BackendLabel::cpu(), reason);
            });
        }
        Some(Err(e2)) => super::stop_with_error(fill(e.cpu_could_not, &[("what", &what), ("error", &e2)])),
        None => super::stop_with_error(what),
    }
}
