//! Which engine an experiment trains on, and why, in the words the page shows beside
//! "Engine:" (`data-testid="backend"`).
//!
//! - The WebGPU adapter is looked for once, when the worker starts (the browser answers
//!   asynchronously; the page waits for `Ready`).
//! - `engine cpu` / `engine webgpu` force one. With `engine auto` and an adapter, the experiment
//!   starts on the CPU engine and a [`Trial`] times a few real training steps of it on the WebGPU
//!   engine (a throwaway copy from the same settings) while the CPU trains; the CPU's time comes
//!   from a few steps of another throwaway copy, the fastest step counting. The faster engine
//!   trains from then on: the WebGPU engine takes over the weights and optimiser state reached so
//!   far. The verdict is remembered per model, batch and length for the worker's life.
//! - The WebGPU side is seen between two turns of the worker's loop: while the CPU trains, up to
//!   a slice (30 ms) late. That errs towards the CPU, never towards an engine slower than it.
//! - A lost device moves the experiment to the CPU engine (`series.rs`, `failed`); the hook
//!   [`install_loss_hook`] lets the end-to-end tests cause one.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use wasm_bindgen::prelude::*;

use super::scope;
use crate::engine::backend::{Backend, BackendLabel};
use crate::protocol::Event;
use crate::settings::{EngineChoice, Settings, Task};

/// How long the browser may take to answer for an adapter before the worker starts without one.
const ADAPTER_WAIT_MS: i32 = 5000;

/// Called once with the adapter found, or why there is none.
type Found = Box<dyn FnOnce(Result<String, String>)>;

/// Looks for a WebGPU adapter and device (`Gpu::init`), then calls `done` once with it in words
/// or why there is none — after [`ADAPTER_WAIT_MS`] at the latest.
pub fn find_webgpu(done: impl FnOnce(Result<String, String>) + 'static) {
    let done: Rc<Cell<Option<Found>>> = Rc::new(Cell::new(Some(Box::new(done))));
    let has_gpu = js_sys::Reflect::get(&scope().navigator(), &JsValue::from_str("gpu")).is_ok_and(|g| !g.is_undefined() && !g.is_null());
    if !has_gpu {
        if let Some(done) = done.take() {
            done(Err("this browser offers no WebGPU".into()));
        }
        return;
    }
    let on_time = done.clone();
    let timeout = Closure::once_into_js(move || {
        if let Some(done) = on_time.take() {
            done(Err(format!("the browser did not answer for a WebGPU adapter within {} s", ADAPTER_WAIT_MS / 1000)));
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
pub fn announce(backend: &dyn Backend, settings: &Settings, webgpu: &Result<String, String>) {
    let label = backend.label();
    let reason = match (settings.engine, label, webgpu) {
        (_, BackendLabel::Gpu, Ok(adapter)) => format!("chosen in the settings (engine webgpu) · {adapter}"),
        (_, BackendLabel::Gpu, Err(_)) => "chosen in the settings (engine webgpu)".into(),
        (EngineChoice::Cpu, _, _) => "chosen in the settings (engine cpu)".into(),
        (_, _, Err(why)) => format!("no WebGPU here: {why}"),
        (_, _, Ok(_)) if settings.task == Task::Agnews => {
            "auto: the CPU engine (the news lesson trains on the CPU in the browser so far)".into()
        }
        (_, _, Ok(_)) => "auto: the CPU engine (choose engine webgpu to train on the GPU)".into(),
    };
    super::post(Event::Engine { backend: label, reason });
}

/// Steps of the WebGPU trial timed together, once a single step showed it is in the race.
const TRIAL_STEPS: usize = 8;
/// A single step slower than this many CPU steps ends the trial: the CPU wins.
const HOPELESS: f64 = 20.0;
/// The trial gives up (the CPU stays) after this long.
const TRIAL_MS: f64 = 15_000.0;

/// Measured milliseconds per training step of one experiment on each engine.
#[derive(Clone, Copy, Debug)]
pub struct Timing {
    pub cpu_ms: f64,
    pub gpu_ms: f64,
}

impl Timing {
    /// The faster engine's label and the sentence the page shows beside it.
    pub fn verdict(self) -> (BackendLabel, String) {
        let (cpu, gpu) = (self.cpu_ms, self.gpu_ms);
        let measured = format!("{} ms per step on WebGPU, {} on the CPU", short(gpu), short(cpu));
        if gpu < cpu {
            (BackendLabel::Gpu, format!("auto: {} faster than the CPU here ({measured})", times(cpu / gpu)))
        } else {
            (BackendLabel::cpu(), format!("auto: {} faster than WebGPU for this model here ({measured})", times(gpu / cpu)))
        }
    }
}

/// A speed ratio as the page says it: "3.1×", "255×".
fn times(r: f64) -> String {
    if r >= 10.0 {
        format!("{r:.0}×")
    } else {
        format!("{r:.1}×")
    }
}

fn short(ms: f64) -> String {
    if ms >= 100.0 {
        format!("{ms:.0}")
    } else if ms >= 1.0 {
        format!("{ms:.1}")
    } else {
        format!("{ms:.2}")
    }
}

/// Times a few real training steps of the experiment on the WebGPU engine (a throwaway copy,
/// built from the same settings), a turn of the worker's loop at a time: one step that also builds
/// the pipelines, one step alone (far slower than the CPU: done), then [`TRIAL_STEPS`] together.
pub struct Trial<L> {
    lesson: L,
    cpu_ms: f64,
    started: f64,
    phase: Phase,
}

enum Phase {
    /// The first step (pipelines are built) is on its way.
    Warming,
    /// One step, submitted at this time.
    One(f64),
    /// [`TRIAL_STEPS`] steps submitted at this time; this many arrived.
    Many(f64, usize),
}

/// What a lesson must offer to be timed.
pub trait Trainable {
    fn submit(&mut self) -> Result<(), String>;
    /// Steps whose results came since the last call.
    fn arrived(&mut self) -> Result<usize, String>;
}

impl<L: Trainable> Trial<L> {
    /// Starts timing `lesson` (on the WebGPU engine) against `cpu_ms` per step on the CPU.
    pub fn start(mut lesson: L, cpu_ms: f64, now: f64) -> Result<Trial<L>, String> {
        // A finished trial's engine is handed over, so its first step must not wait behind others.
        lesson.submit()?;
        Ok(Trial { lesson, cpu_ms, started: now, phase: Phase::Warming })
    }

    /// The lesson the trial trained (its engine can take over the experiment).
    pub fn into_lesson(self) -> L {
        self.lesson
    }

    /// Takes the trial a turn further: the timing once it is known, or why the CPU stays.
    pub fn advance(&mut self, now: f64) -> Option<Result<Timing, String>> {
        if now - self.started > TRIAL_MS {
            return Some(Err(format!("WebGPU did not finish a few steps within {} s", TRIAL_MS / 1000.0)));
        }
        let arrived = match self.lesson.arrived() {
            Ok(n) => n,
            Err(e) => return Some(Err(e)),
        };
        let timing = |gpu_ms| Timing { cpu_ms: self.cpu_ms, gpu_ms };
        match self.phase {
            Phase::Warming if arrived > 0 => {
                if let Err(e) = self.lesson.submit() {
                    return Some(Err(e));
                }
                self.phase = Phase::One(now);
            }
            Phase::One(t0) if arrived > 0 => {
                let one = now - t0;
                if one > HOPELESS * self.cpu_ms {
                    return Some(Ok(timing(one)));
                }
                for _ in 0..TRIAL_STEPS {
                    if let Err(e) = self.lesson.submit() {
                        return Some(Err(e));
                    }
                }
                self.phase = Phase::Many(now, 0);
            }
            Phase::Many(t0, done) => {
                let done = done + arrived;
                if done >= TRIAL_STEPS {
                    return Some(Ok(timing((now - t0) / TRIAL_STEPS as f64)));
                }
                self.phase = Phase::Many(t0, done);
            }
            _ => {}
        }
        None
    }
}

/// The milliseconds per step of `step`, run once to warm up and then until `budget_ms` or
/// [`TRIAL_STEPS`] steps (the CPU side of a trial: it waits for each step).
/// The fastest step counts: the first ones of a run (memory being grown, the helper worker's
/// first answer) and a busy moment are not the engine's speed.
pub fn time_cpu(mut step: impl FnMut() -> Result<(), String>, now: impl Fn() -> f64, budget_ms: f64) -> Result<f64, String> {
    step()?;
    let start = now();
    let mut fastest = f64::INFINITY;
    let mut n = 0;
    while n < TRIAL_STEPS && (n == 0 || now() - start < budget_ms) {
        let t0 = now();
        step()?;
        fastest = fastest.min(now() - t0);
        n += 1;
    }
    Ok(fastest)
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
