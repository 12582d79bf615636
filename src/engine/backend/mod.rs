//! The seam between the lessons and the engine that runs the math: a lesson holds one
//! `Box<dyn Backend>` and never reaches past it to a model's buffers, so a second engine (the
//! WebGPU one) plugs in beside the CPU one without touching a lesson.
//!
//! How to add a backend: a new module here implementing [`Backend`] (a target that cannot build
//! it gets a stub whose `create` says so, as candle's `dummy_metal_backend.rs`, never a `cfg` at
//! a call site), one [`BackendKind`] variant, and its line in [`create`]. The engine tests that
//! matter for any backend loop over [`BackendKind::ALL`] (`tests/core/backends.rs`), so they run
//! on it from then on.

mod cpu;
mod label;
pub(crate) mod state_grads;

use std::rc::Rc;

use serde::{Deserialize, Serialize};

pub use super::model::trace::{DirTrace, Trace};
pub use cpu::CpuBackend;
pub use label::BackendLabel;
pub use state_grads::{DirStateGradients, StateGradients};

use super::model::{Input, Model, ModelSpec, Targets};
use super::train::{Clipping, OptimizerSpec, OptimizerState, RemotePart, Schedule, StepStats};
use super::EngineError;

/// A model being trained, on some engine.
pub trait Backend: std::fmt::Debug {
    /// How the page names this engine.
    fn label(&self) -> BackendLabel;
    /// The model's architecture.
    fn spec(&self) -> &ModelSpec;
    /// Trainable weights.
    fn param_count(&self) -> usize;
    /// One optimisation step on one batch: forward, backward, clipping, update (at the
    /// schedule's learning rate). The weights stay as they were when the loss or the gradient is
    /// not finite, so a diverging run can be inspected.
    fn train_batch(&mut self, input: &Input, targets: &Targets) -> Result<StepStats, EngineError>;
    /// [`Backend::train_batch`] where the step's results may come later: `Some` with them now,
    /// or `None` when they come from [`Backend::arrived`] (the WebGPU engine in the browser,
    /// which may never wait for the device). The weights must not be read, nor inference run,
    /// until [`Backend::settled`] says so.
    fn submit_batch(&mut self, input: &Input, targets: &Targets) -> Result<Option<StepStats>, EngineError> {
        self.train_batch(input, targets).map(Some)
    }
    /// The steps submitted with [`Backend::submit_batch`] whose results came since the last call,
    /// oldest first, each with its outputs (as [`Backend::train_outputs`]).
    fn arrived(&mut self) -> Result<Vec<Arrived>, EngineError> {
        Ok(Vec::new())
    }
    /// After the engine failed for good (its device was lost): the weights it last copied back,
    /// and how many of the steps whose results came are not in them. `None` while it works, and
    /// for an engine that cannot fail so.
    fn salvage(&self) -> Option<(Vec<f32>, u64)> {
        None
    }
    /// Whether [`Backend::submit_batch`] gives its results later (and `train_batch` cannot be
    /// used): the WebGPU engine in the browser.
    fn defers(&self) -> bool {
        false
    }
    /// Steps submitted whose results have not come yet.
    fn in_flight(&self) -> usize {
        0
    }
    /// Allocates what a training step of `batch` sequences of `time` steps (fed back from step
    /// `feedback`: see [`Input::feedback`]) needs, so that what the engine cannot train (a model
    /// too large for the WebGPU adapter's buffer limits) is refused, with what to change, before
    /// training starts.
    fn reserve(&mut self, _batch: usize, _time: usize, _feedback: Option<usize>) -> Result<(), EngineError> {
        Ok(())
    }
    /// Steps whose results came but whose updates the weights that inference and the views read
    /// lack (the WebGPU engine in the browser copies its weights back every so often).
    fn views_behind(&self) -> u64 {
        0
    }
    /// Whether the weights, inference and the views reflect every step submitted. When not, the
    /// engine is fetching them: ask again after letting the event loop turn.
    fn settled(&mut self) -> Result<bool, EngineError> {
        Ok(true)
    }
    /// The outputs of the batch trained last, batch-major: `[batch, time, units]` with
    /// `return_sequences`, else `[batch, units]` (logits for a classifier).
    fn train_outputs(&self) -> &[f32];
    /// The loss and its gradient `[P]` at the current weights, without dropout and without an
    /// update (for gradient checks and golden files).
    fn gradients(&mut self, input: &Input, targets: &Targets) -> Result<(f32, Vec<f32>), EngineError>;
    /// The outputs for `input` at inference (no dropout), laid out as [`Backend::train_outputs`].
    fn predict(&mut self, input: &Input) -> Result<&[f32], EngineError>;
    /// The weights `[P]`, flat, in the model's parameter order (`Params`).
    fn weights(&self) -> Vec<f32>;
    /// Replaces the weights (`[P]`, as [`Backend::weights`] gives them).
    fn load_weights(&mut self, weights: &[f32]) -> Result<(), EngineError>;
    /// The optimiser's slots and update count.
    fn optimizer_state(&self) -> OptimizerState;
    /// Continues from an optimiser state taken from the same kind of run.
    fn load_optimizer_state(&mut self, state: &OptimizerState) -> Result<(), EngineError>;
    /// The model with its current weights (for model files).
    fn model(&self) -> Model;
    /// Row `row` of `input` run through the model at inference, step by step: every layer's
    /// states and gates (for the unrolled views).
    fn trace(&mut self, input: &Input, row: usize) -> Result<Trace, EngineError>;
    /// Row `row` of `input` with its targets, as a sample of its own at inference (no dropout,
    /// no update): its loss, the norm of its weight gradient, and, step by step, the norm of the
    /// gradient reaching every layer's states (`‖∂L/∂h_t‖`, and `‖∂L/∂c_t‖` for an LSTM: see
    /// [`StateGradients`] for the exact definitions), from the same backward pass that trains.
    fn state_gradients(&mut self, input: &Input, targets: &Targets, row: usize) -> Result<StateGradients, EngineError>;
    /// Splits every batch into `parts` parts combined in a fixed order (the result depends on the
    /// number, reproducibly; 1 = no split).
    fn set_parts(&mut self, parts: usize);
    /// Where the parts may be computed. Never changes a result.
    fn set_workers(&mut self, workers: Workers);
    /// The dispatches and submissions so far, on an engine that counts them (the WebGPU one).
    fn work_counts(&self) -> Option<super::gpu::WorkCounts> {
        None
    }
}

/// A step submitted with [`Backend::submit_batch`], as its results came back.
#[derive(Clone, Debug, PartialEq)]
pub struct Arrived {
    pub stats: StepStats,
    /// Laid out as [`Backend::train_outputs`].
    pub outputs: Vec<f32>,
}

/// `to` takes over from `from`: its weights and optimiser state (moving a run to another engine).
pub fn hand_over(from: &dyn Backend, to: &mut dyn Backend) -> Result<(), EngineError> {
    to.load_weights(&from.weights())?;
    to.load_optimizer_state(&from.optimizer_state())
}

/// The engines this build knows.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BackendKind {
    /// The CPU engine (`engine::cpu`): natively, and as WebAssembly with SIMD in the browser.
    #[default]
    Cpu,
    /// The WebGPU engine (`engine::gpu`): natively on Vulkan/Metal/DX12 (lavapipe without a GPU).
    Gpu,
}

impl BackendKind {
    /// Every backend: the tests that matter for any engine run on each.
    pub const ALL: &'static [BackendKind] = &[BackendKind::Cpu, BackendKind::Gpu];

    /// The engines that can run here: every one of [`BackendKind::ALL`] but the WebGPU engine
    /// where there is no adapter (said once on stderr, so a test run shows what it skipped; with
    /// `UNROLL_REQUIRE_GPU` set, as `cargo xtask test` sets it, a missing adapter panics instead).
    pub fn available() -> Vec<BackendKind> {
        Self::ALL
            .iter()
            .copied()
            .filter(|&k| match k {
                BackendKind::Cpu => true,
                BackendKind::Gpu => match available_gpu() {
                    Ok(_) => true,
                    Err(why) => {
                        if !cfg!(target_arch = "wasm32") && std::env::var_os("UNROLL_REQUIRE_GPU").is_some() {
                            panic!("UNROLL_REQUIRE_GPU is set and there is no WebGPU adapter: {why}");
                        }
                        static SAID: std::sync::Once = std::sync::Once::new();
                        SAID.call_once(|| eprintln!("SKIPPED on the WebGPU engine: {why}"));
                        false
                    }
                },
            })
            .collect()
    }

    /// Memory one training run may take on this engine, here: in the browser a wasm32 worker
    /// (whose memory cannot pass 4 GiB, and which phones and some browsers cap far lower, beside
    /// the page and the helper worker's copy); natively, a share of an ordinary machine.
    pub fn memory_budget(self) -> u64 {
        match self {
            BackendKind::Cpu if cfg!(target_arch = "wasm32") => 1 << 30,
            BackendKind::Cpu => 8 << 30,
            // WebGPU's default storage binding limit is 128 MiB per buffer; a model's buffers
            // together: kept to what an integrated GPU can spare.
            BackendKind::Gpu => 2 << 30,
        }
    }

    /// The sustained rate of a training step's arithmetic, for estimates (measured with `unroll
    /// bench` and `cargo xtask bench browser` on the sine and AG News configurations: 41–59
    /// GFLOP/s natively with AVX2, about 34 in Chromium on one worker; a little below both).
    pub fn flops_per_second(self) -> f64 {
        match self {
            BackendKind::Cpu if cfg!(target_arch = "wasm32") => 25e9,
            BackendKind::Cpu => 40e9,
            // Not yet measured on a real GPU; lavapipe (on the CPU) reaches far less.
            BackendKind::Gpu => 40e9,
        }
    }
}

/// A training step estimated to take longer than this is refused: the worker could not answer
/// Pause (or anything) meanwhile.
pub const MAX_STEP_SECONDS: f64 = 5.0;

/// What a backend needs to start training a model.
#[derive(Clone, Debug)]
pub struct Setup {
    /// The model with its initial weights.
    pub model: Model,
    pub optimizer: OptimizerSpec,
    pub clipping: Clipping,
    pub schedule: Schedule,
    /// Seeds the dropout masks.
    pub seed: u64,
}

/// Starts training `setup` on the engine `kind`.
pub fn create(kind: BackendKind, setup: Setup) -> Result<Box<dyn Backend>, EngineError> {
    match kind {
        BackendKind::Cpu => Ok(Box::new(CpuBackend::new(setup))),
        BackendKind::Gpu => create_gpu(setup),
    }
}

/// The WebGPU engine: natively it waits for each step; in the browser it never waits (its
/// device must have been found first, asynchronously: `Gpu::init`, as the worker does at start).
fn create_gpu(setup: Setup) -> Result<Box<dyn Backend>, EngineError> {
    Ok(Box::new(super::gpu::GpuBackend::new(setup)?))
}

/// The adapter the tests that loop over [`BackendKind::available`] would use, in words. Not in
/// the browser: those tests call the engine synchronously, which the WebGPU engine cannot
/// answer there (the browser tests call its async methods instead).
fn available_gpu() -> Result<String, String> {
    if cfg!(target_arch = "wasm32") {
        return Err(
            "in the browser the WebGPU engine never waits, so the synchronous engine tests skip it (its browser test awaits it)".into()
        );
    }
    super::gpu::adapter_summary()
}

/// An error unless `row` is a row of `input`'s batch (a trace follows one row).
pub(crate) fn check_row(input: &Input, row: usize) -> Result<(), EngineError> {
    if row >= input.batch {
        return Err(EngineError::InvalidInput(format!("row {row} of a batch of {}", input.batch)));
    }
    Ok(())
}

/// An error unless `got` weights are as many as the model's `want` (weights loaded into a backend).
pub(crate) fn check_weight_count(want: usize, got: usize) -> Result<(), EngineError> {
    if got != want {
        return Err(EngineError::Shape { name: "weights".into(), expected: vec![want], got: vec![got] });
    }
    Ok(())
}

/// Where the parts of a batch may be computed, as the platform allows.
#[derive(Clone, Debug, Default)]
pub enum Workers {
    /// Here, one after the other.
    #[default]
    Here,
    /// On native threads, one per part.
    Threads,
    /// One part on a helper (the browser's helper worker), the others here.
    Helper(Rc<dyn RemotePart>),
}

impl Workers {
    /// [`Workers::Threads`] for more than one thread, else [`Workers::Here`].
    pub fn threads(n: usize) -> Workers {
        if n > 1 {
            Workers::Threads
        } else {
            Workers::Here
        }
    }
}
