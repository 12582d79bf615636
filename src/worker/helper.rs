//! The helper worker: a second copy of the engine worker that computes one part of each training
//! batch of the series lesson (`engine::train::RemotePart`), so a step uses two cores.
//!
//! Both sides run the same wasm on the same numbers, so a run trains the same weights with or
//! without the helper (the batch is always split in `lesson::series::PARTS` parts; see
//! `engine/train/parts.rs`). The helper exists only where the page is cross-origin isolated
//! (`SharedArrayBuffer` needs the COOP/COEP headers, which `cargo xtask serve` and the test
//! servers send) and the machine has two cores or more; everywhere else the engine worker
//! computes both parts itself.
//!
//! The engine worker cannot receive messages while it trains (its loop is synchronous between
//! slices), so the two talk through one `SharedArrayBuffer` with `Atomics`, not `postMessage`:
//!
//! | bytes | what |
//! |---|---|
//! | `[0, 64)` | `i32` header: [`CTL`] and the request's sizes, seed, loss, status |
//! | `[64, 64 + SPEC_BYTES)` | the model's `ModelSpec` as JSON (sent again when it changes: [`GEN`]) |
//! | then `f32`s | weights `[P]`, gradient `[P]`, input `[n_input]`, targets `[n_targets]`, outputs `[n_outputs]` |
//!
//! [`CTL`] goes `IDLE` (helper in its event loop) or `WAITING` (helper watching) → `REQUEST`
//! (engine) → `DONE` (helper) → `WAITING` (engine, once it has read the result). A helper that
//! watched for [`IDLE_MS`] without a request goes back to its event loop (`WAITING` → `IDLE` by
//! compare-exchange, so a request cannot slip in between); a request that finds it `IDLE` wakes
//! it with a `serve` message.

use std::cell::{Cell, RefCell};

use js_sys::{Atomics, Float32Array, Int32Array, Object, Reflect, SharedArrayBuffer, Uint8Array};
use wasm_bindgen::prelude::*;
use web_sys::{MessageEvent, Worker, WorkerOptions};

use super::clock::now_ms;
use crate::engine::model::{Dropout, Input, InputData, Model, ModelSpec, Targets, Workspace};
use crate::engine::train::init::rng_from_seed;
use crate::engine::train::RemotePart;
use crate::protocol::Event;

/// The helper's worker name (how a worker knows it is the helper, not the engine).
pub const NAME: &str = "unroll-helper";

/// Header words (`i32`).
const CTL: u32 = 0;
const STATUS: u32 = 1;
const GEN: u32 = 2;
const SPEC_LEN: u32 = 3;
const BATCH: u32 = 4;
const TIME: u32 = 5;
const N_PARAMS: u32 = 6;
const N_INPUT: u32 = 7;
const N_TARGETS: u32 = 8;
const N_OUTPUTS: u32 = 9;
const SEED_LO: u32 = 10;
const SEED_HI: u32 = 11;
const LOSS: u32 = 12;
/// `Input::feedback`: the first fed-back step, or 0 for none (teacher forcing).
const FEEDBACK: u32 = 13;
/// `Input::loss_from`: the warm-up steps left out of the loss.
const LOSS_FROM: u32 = 14;
const HEADER_BYTES: u32 = 64;

/// [`CTL`] values.
const IDLE: i32 = 0;
const WAITING: i32 = 1;
const REQUEST: i32 = 2;
const DONE: i32 = 3;

const SPEC_BYTES: u32 = 64 * 1024;
/// The shared buffer: 8 MiB, room for the series lesson's largest models (4 layers of 512 units
/// are about 2.1 M weights: 17 MB for weights and gradient, so those train on one worker).
const BUFFER_BYTES: u32 = 8 * 1024 * 1024;
const FLOATS: u32 = (BUFFER_BYTES - HEADER_BYTES - SPEC_BYTES) / 4;

/// How long either side polls before it sleeps in `Atomics.wait` (a part of a sine step takes
/// about half a millisecond: polling keeps the wake-up latency out of the step).
const SPIN_MS: f64 = 2.0;
/// The helper goes back to its event loop after this long without a request.
const IDLE_MS: f64 = 250.0;
/// The engine gives up on a helper that has not answered within this long (a crashed helper),
/// computes the part itself, and never asks it again.
const TIMEOUT_MS: f64 = 5000.0;

/// Views of the shared buffer.
#[derive(Debug)]
struct Shared {
    header: Int32Array,
    spec: Uint8Array,
    floats: Float32Array,
}

impl Shared {
    fn new(sab: &SharedArrayBuffer) -> Self {
        Shared {
            header: Int32Array::new_with_byte_offset_and_length(sab, 0, HEADER_BYTES / 4),
            spec: Uint8Array::new_with_byte_offset_and_length(sab, HEADER_BYTES, SPEC_BYTES),
            floats: Float32Array::new_with_byte_offset_and_length(sab, HEADER_BYTES + SPEC_BYTES, FLOATS),
        }
    }
    fn get(&self, word: u32) -> i32 {
        Atomics::load(&self.header, word).unwrap_or(IDLE)
    }
    fn set(&self, word: u32, v: i32) {
        let _ = Atomics::store(&self.header, word, v);
    }
    /// Compare-exchange on [`CTL`]: the value found.
    fn swap_ctl(&self, expected: i32, new: i32) -> i32 {
        Atomics::compare_exchange(&self.header, CTL, expected, new).unwrap_or(-1)
    }
    fn wake(&self) {
        let _ = Atomics::notify(&self.header, CTL);
    }
    /// Waits (polling, then sleeping) while [`CTL`] is `v`, for at most `budget_ms`; the value then.
    fn wait_while(&self, v: i32, budget_ms: f64) -> i32 {
        let t0 = now_ms();
        loop {
            let now = self.get(CTL);
            let waited = now_ms() - t0;
            if now != v || waited >= budget_ms {
                return now;
            }
            if waited >= SPIN_MS {
                let _ = Atomics::wait_with_timeout(&self.header, CTL, v, (budget_ms - waited).min(20.0));
            }
        }
    }
    fn write(&self, at: usize, values: &[f32]) {
        self.floats.subarray(at as u32, (at + values.len()) as u32).copy_from(values);
    }
    fn read(&self, at: usize, out: &mut [f32]) {
        self.floats.subarray(at as u32, (at + out.len()) as u32).copy_to(out);
    }
}

fn message(kind: &str) -> Object {
    let m = Object::new();
    let _ = Reflect::set(&m, &"unrollHelper".into(), &kind.into());
    m
}

// ---- the engine's side -------------------------------------------------------------------------

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Health {
    Starting,
    Ready,
    Dead,
}

/// The engine worker's handle on its helper.
#[derive(Debug)]
pub struct Helper {
    worker: Worker,
    shared: Shared,
    health: Cell<Health>,
    /// The spec the helper has (its number is [`GEN`] in the header).
    sent: RefCell<Option<ModelSpec>>,
}

impl Helper {
    /// Starts the helper worker where the page is cross-origin isolated and has two cores;
    /// `None` elsewhere (or if it cannot start).
    pub fn spawn() -> Option<std::rc::Rc<Helper>> {
        let global = js_sys::global();
        let isolated = Reflect::get(&global, &"crossOriginIsolated".into()).ok().and_then(|v| v.as_bool()).unwrap_or(false);
        let cores =
            Reflect::get(&Reflect::get(&global, &"navigator".into()).ok()?, &"hardwareConcurrency".into()).ok()?.as_f64().unwrap_or(1.0);
        if !isolated || cores < 2.0 {
            return None;
        }
        let opts = WorkerOptions::new();
        opts.set_name(NAME);
        let worker = Worker::new_with_options("./worker_loader.js", &opts).ok()?;
        let sab = SharedArrayBuffer::new(BUFFER_BYTES);
        let helper =
            std::rc::Rc::new(Helper { worker, shared: Shared::new(&sab), health: Cell::new(Health::Starting), sent: RefCell::new(None) });
        // The helper says `ready` (as any worker does) once its wasm runs: then it gets the buffer.
        let weak = std::rc::Rc::downgrade(&helper);
        let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |_ev: MessageEvent| {
            let Some(h) = weak.upgrade() else { return };
            if h.health.get() == Health::Starting {
                let m = message("attach");
                let _ = Reflect::set(&m, &"buffer".into(), &sab);
                if h.worker.post_message(&m).is_ok() {
                    h.health.set(Health::Ready);
                    super::post(Event::Workers { count: 2 });
                }
            }
        });
        helper.worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        on_message.forget();
        let weak = std::rc::Rc::downgrade(&helper);
        let on_error = Closure::<dyn FnMut(web_sys::Event)>::new(move |e: web_sys::Event| {
            // Handled here: an error left unhandled in a nested worker goes on to the engine
            // worker's own `onerror` on the page, which would report the engine as dead.
            e.prevent_default();
            if let Some(h) = weak.upgrade() {
                h.give_up();
            }
        });
        helper.worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
        on_error.forget();
        Some(helper)
    }

    fn give_up(&self) {
        if self.health.replace(Health::Dead) == Health::Dead {
            return;
        }
        self.worker.terminate();
        super::post(Event::Workers { count: 1 });
        web_sys::console::warn_1(&"unroll: the helper worker failed or stopped answering; training goes on in one worker".into());
    }
}

impl RemotePart for Helper {
    fn start(&self, model: &Model, input: &Input, targets: &Targets, seed: u64) -> bool {
        let (InputData::Values(x), Targets::Values(y), None) = (input.data, *targets, input.mask) else { return false };
        let p = model.params.len();
        let outputs = input.batch * input.time * model.spec.dense_units;
        if self.health.get() != Health::Ready || 2 * p + x.len() + y.len() + outputs > FLOATS as usize {
            return false;
        }
        let s = &self.shared;
        if self.sent.borrow().as_ref() != Some(&model.spec) {
            let Ok(json) = serde_json::to_vec(&model.spec) else { return false };
            if json.len() > SPEC_BYTES as usize {
                return false;
            }
            s.spec.subarray(0, json.len() as u32).copy_from(&json);
            s.set(SPEC_LEN, json.len() as i32);
            s.set(GEN, s.get(GEN) + 1);
            *self.sent.borrow_mut() = Some(model.spec.clone());
        }
        s.write(0, &model.params.values);
        s.write(2 * p, x);
        s.write(2 * p + x.len(), y);
        for (word, v) in [
            (BATCH, input.batch as i32),
            (TIME, input.time as i32),
            (N_PARAMS, p as i32),
            (N_INPUT, x.len() as i32),
            (N_TARGETS, y.len() as i32),
            (SEED_LO, seed as u32 as i32),
            (SEED_HI, (seed >> 32) as u32 as i32),
            (FEEDBACK, input.feedback.unwrap_or(0) as i32),
            (LOSS_FROM, input.loss_from as i32),
        ] {
            s.set(word, v);
        }
        match s.swap_ctl(WAITING, REQUEST) {
            WAITING => s.wake(),
            IDLE => {
                s.set(CTL, REQUEST);
                if self.worker.post_message(&message("serve")).is_err() {
                    s.set(CTL, IDLE);
                    self.give_up();
                    return false;
                }
            }
            _ => {
                self.give_up();
                return false;
            }
        }
        true
    }

    fn finish(&self, grads: &mut [f32], outputs: &mut Vec<f32>) -> Option<f32> {
        let s = &self.shared;
        if s.wait_while(REQUEST, TIMEOUT_MS) != DONE {
            self.give_up();
            return None;
        }
        let ok = s.get(STATUS) == 0;
        if ok {
            let p = grads.len();
            s.read(p, grads);
            let n = s.get(N_OUTPUTS).max(0) as usize;
            outputs.resize(n, 0.0);
            s.read(2 * p + s.get(N_INPUT) as usize + s.get(N_TARGETS) as usize, outputs);
        }
        let loss = f32::from_bits(s.get(LOSS) as u32);
        s.swap_ctl(DONE, WAITING);
        if !ok {
            // The engine computes the part itself: the same error comes up there if the part is
            // at fault; if only the helper was, it is not asked again (no double work per step).
            self.give_up();
        }
        ok.then_some(loss)
    }
}

// ---- the helper's side -------------------------------------------------------------------------

/// What the helper keeps between requests.
struct Server {
    shared: Shared,
    generation: i32,
    model: Option<Model>,
    ws: Workspace,
    grads: Vec<f32>,
    input: Vec<f32>,
    targets: Vec<f32>,
}

thread_local! {
    static SERVER: RefCell<Option<Server>> = const { RefCell::new(None) };
}

/// Handles a message meant for the helper (`{unrollHelper: …}`); `false` for any other message.
pub fn on_message(data: &JsValue) -> bool {
    let Some(kind) = Reflect::get(data, &"unrollHelper".into()).ok().and_then(|v| v.as_string()) else { return false };
    SERVER.with_borrow_mut(|server| match kind.as_str() {
        "attach" => {
            if let Ok(sab) = Reflect::get(data, &"buffer".into()).and_then(|b| b.dyn_into::<SharedArrayBuffer>()) {
                *server = Some(Server {
                    shared: Shared::new(&sab),
                    generation: 0,
                    model: None,
                    ws: Workspace::default(),
                    grads: Vec::new(),
                    input: Vec::new(),
                    targets: Vec::new(),
                });
            }
        }
        "serve" => {
            if let Some(s) = server.as_mut() {
                s.serve();
            }
        }
        _ => {}
    });
    true
}

impl Server {
    /// Answers requests until none has come for [`IDLE_MS`].
    fn serve(&mut self) {
        loop {
            let v = self.shared.get(CTL);
            if v == REQUEST {
                let ok = self.answer();
                self.shared.set(STATUS, if ok { 0 } else { 1 });
                self.shared.set(CTL, DONE);
                self.shared.wake();
                continue;
            }
            if v == IDLE {
                return;
            }
            // WAITING or DONE: wait for the next request; go idle after a while without one.
            if self.shared.wait_while(v, IDLE_MS) == v && self.shared.swap_ctl(v, IDLE) == v {
                return;
            }
        }
    }

    /// Computes the requested part; `false` on any error (the engine then computes it itself).
    fn answer(&mut self) -> bool {
        let s = &self.shared;
        let generation = s.get(GEN);
        if generation != self.generation || self.model.is_none() {
            let mut json = vec![0u8; s.get(SPEC_LEN).max(0) as usize];
            s.spec.subarray(0, json.len() as u32).copy_to(&mut json);
            self.model = serde_json::from_slice::<ModelSpec>(&json).ok().and_then(|spec| Model::zeroed(spec).ok());
            self.generation = generation;
        }
        let Some(model) = self.model.as_mut() else { return false };
        let size = |w| s.get(w).max(0) as usize;
        let (p, nx, ny) = (size(N_PARAMS), size(N_INPUT), size(N_TARGETS));
        if p != model.params.len() {
            return false;
        }
        s.read(0, &mut model.params.values);
        self.input.resize(nx, 0.0);
        s.read(2 * p, &mut self.input);
        self.targets.resize(ny, 0.0);
        s.read(2 * p + nx, &mut self.targets);
        self.grads.resize(p, 0.0);
        let seed = (s.get(SEED_LO) as u32 as u64) | ((s.get(SEED_HI) as u32 as u64) << 32);
        let feedback = Some(size(FEEDBACK)).filter(|&f| f > 0);
        let input = Input {
            batch: size(BATCH),
            time: size(TIME),
            data: InputData::Values(&self.input),
            mask: None,
            feedback,
            loss_from: size(LOSS_FROM),
        };
        let mut rng = rng_from_seed(seed);
        let Ok(loss) =
            model.loss_and_grads(&input, &Targets::Values(&self.targets), &mut self.grads, &mut self.ws, &mut Dropout::Sample(&mut rng))
        else {
            return false;
        };
        let out = &self.ws.outputs;
        if 2 * p + nx + ny + out.len() > FLOATS as usize {
            return false;
        }
        s.write(p, &self.grads);
        s.write(2 * p + nx + ny, out);
        s.set(N_OUTPUTS, out.len() as i32);
        s.set(LOSS, loss.to_bits() as i32);
        true
    }
}
