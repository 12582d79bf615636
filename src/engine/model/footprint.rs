//! What a model will cost before anything is allocated: the memory of one training run (weights,
//! gradient, optimiser state, the activations kept for backpropagation through time, the
//! workspace of each part of a batch, an evaluation workspace) and the arithmetic of one training
//! step. The lessons refuse a model that would not fit, with both figures, instead of letting the
//! engine run out of memory; the page shows them for every model.
//!
//! The counts follow the buffers of `model/mod.rs`, `model/recurrent.rs` and `cells/` (all `f32`);
//! `tests/core/footprint.rs` holds the weights against the engine's own parameter counts, and
//! `unroll bench` prints the estimate beside the measured peak.

use serde::{Deserialize, Serialize};

use super::spec::ModelSpec;
use crate::engine::cells::CellKind;
use crate::engine::train::OptimizerSpec;

/// Bytes and floating-point operations of one training run.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Footprint {
    pub weights: u64,
    pub gradients: u64,
    pub optimizer: u64,
    /// States and gates of every step, kept for the backward pass, and their gradients.
    pub activations: u64,
    /// Buffers of the input, the head, the other parts of a batch and evaluation.
    pub workspace: u64,
    /// The lesson's data (texts, token ids, vocabulary), which the lesson adds: the engine does
    /// not see it.
    #[serde(default)]
    pub data: u64,
    /// Floating-point operations of one training step (forward and backward).
    pub flops: f64,
}

impl Footprint {
    pub fn bytes(&self) -> u64 {
        self.weights + self.gradients + self.optimizer + self.activations + self.workspace + self.data
    }
}

/// The shape of one run's work.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Work {
    /// Rows and time steps of a training batch.
    pub batch: usize,
    pub time: usize,
    /// Parts each batch is split into (each with its own workspace and gradient).
    pub parts: usize,
    /// Rows and time steps of the largest evaluation batch.
    pub eval_batch: usize,
    pub eval_time: usize,
}

/// Optimiser slots per weight (Adam's two moments and AMSGrad's maximum; momentum; RMSprop's
/// velocity and mean).
fn slots(optimizer: &OptimizerSpec) -> usize {
    match *optimizer {
        OptimizerSpec::Sgd { momentum, .. } => usize::from(momentum != 0.0),
        OptimizerSpec::RmsProp { momentum, centered, .. } => 1 + usize::from(momentum > 0.0) + usize::from(centered),
        OptimizerSpec::Adam { amsgrad, .. } => 2 + usize::from(amsgrad),
    }
}

/// Floats a forward pass keeps (`train`: and the backward pass adds) for `b` rows of `t` steps.
/// In `u64` (a `usize` of wasm32 overflows on large claims): for a validated spec every term is
/// below `2^21 · b · t`, so this cannot overflow while `b · t <= 2^40`.
fn pass_floats(spec: &ModelSpec, b: u64, t: u64, train: bool) -> u64 {
    let (bt, n) = (b * t, spec.layers.len());
    let mut floats = 0;
    for (k, l) in spec.layers.iter().enumerate() {
        let (input, h, g) = (spec.layer_input_dim(k) as u64, l.units as u64, l.cell.gates() as u64);
        let dirs = if l.bidirectional.is_some() { 2 } else { 1 };
        // Per direction: gates, states (and the LSTM's cells, tanh(c) or the GRU's candidate).
        let mut dir = bt * g * h + (t + 1) * b * h;
        match l.cell {
            CellKind::Lstm { .. } => dir += (t + 1) * b * h + bt * h,
            CellKind::Gru { reset_after: true } => dir += bt * g * h + bt * h,
            _ => {}
        }
        floats += dirs * dir;
        // The layer's output (every step but for a last layer without sequences), its reversed
        // input (backward direction), its dropped input.
        let out = if k + 1 < n || spec.return_sequences { bt } else { b } * l.output_dim() as u64;
        floats += out;
        if l.bidirectional.is_some() {
            floats += bt * input + bt;
        }
        if l.dropout > 0.0 && train {
            floats += bt * input;
        }
        if train {
            // Output gradient, state gradients, gate gradients, input gradients (twice: one
            // direction's and the masked scratch), and Uᵀ.
            floats += out + bt * h + bt * g * h + 2 * bt * input + dirs * h * g * h;
        }
    }
    let (features, units) = (spec.layer_input_dim(0) as u64, spec.dense_units as u64);
    let rows = if spec.return_sequences { bt } else { b };
    // Input (values or embeddings) and its mask, token ids; the head's logits and outputs (and
    // probabilities for a classifier); in training their gradients and the targets.
    floats += bt * features + 2 * bt + 2 * rows * units + b * units;
    if train {
        floats += bt * features + 2 * rows * units;
    }
    floats
}

/// Floating-point operations of one training step on `b` rows of `t` steps: the products of
/// every layer (forward, and twice as many backward) and the head's.
fn step_flops(spec: &ModelSpec, b: usize, t: usize) -> f64 {
    let bt = (b * t) as f64;
    let layers: f64 = spec
        .layers
        .iter()
        .enumerate()
        .map(|(k, l)| {
            let (input, h, g) = (spec.layer_input_dim(k) as f64, l.units as f64, l.cell.gates() as f64);
            let dirs = if l.bidirectional.is_some() { 2.0 } else { 1.0 };
            dirs * 2.0 * bt * (input + h) * g * h
        })
        .sum();
    let rows = if spec.return_sequences { bt } else { b as f64 };
    let head = 2.0 * rows * spec.layers.last().map_or(0, |l| l.output_dim()) as f64 * spec.dense_units as f64;
    3.0 * (layers + head)
}

/// What training `spec` with `optimizer` on `work` will take.
pub fn estimate(spec: &ModelSpec, optimizer: &OptimizerSpec, work: Work) -> Footprint {
    const F: u64 = 4;
    // The Keras-style summary counts the weights as the engine lays them out.
    let p = spec.summary(None).total as u64;
    let parts = work.parts.clamp(1, (work.batch / 2).max(1));
    let rows = work.batch.div_ceil(parts);
    // Each part keeps its own activations; the parts after the first their own gradient too.
    let activations = parts as u64 * pass_floats(spec, rows as u64, work.time as u64, true) * F;
    let eval = pass_floats(spec, work.eval_batch as u64, work.eval_time as u64, false) * F;
    Footprint {
        weights: p * F,
        gradients: parts as u64 * p * F,
        optimizer: slots(optimizer) as u64 * p * F,
        activations,
        workspace: eval,
        data: 0,
        flops: step_flops(spec, work.batch, work.time),
    }
}

/// Bytes of the activations and buffers of one inference pass (no weights) over `batch` rows of
/// `time` steps, as [`estimate`] counts an evaluation's workspace; `None` when `batch · time`
/// passes `2^40` (far past any memory, and where the count could overflow). `spec` must be
/// validated ([`ModelSpec::validate`]).
pub fn inference_bytes(spec: &ModelSpec, batch: usize, time: usize) -> Option<u64> {
    let (b, t) = (batch as u64, time as u64);
    b.checked_mul(t).filter(|&bt| bt <= 1 << 40)?;
    Some(pass_floats(spec, b, t, false) * 4)
}

/// `bytes` in words: "0 bytes", "840 KB", "12.5 MB", "9.2 GB".
pub fn bytes_text(bytes: u64) -> String {
    let b = bytes as f64;
    if b < 1e3 {
        format!("{bytes} bytes")
    } else if b < 1e6 {
        format!("{:.0} KB", (b / 1e3).max(1.0))
    } else if b < 1e9 {
        format!("{:.1} MB", b / 1e6)
    } else {
        format!("{:.1} GB", b / 1e9)
    }
}

/// `seconds` in words: "under 0.1 ms", "0.8 ms", "45 ms", "3.2 s".
pub fn seconds_text(seconds: f64) -> String {
    if seconds < 0.5e-4 {
        // Not "0.0 ms": an estimate this small is only an order of magnitude.
        "under 0.1 ms".to_string()
    } else if seconds < 0.01 {
        format!("{:.1} ms", seconds * 1e3)
    } else if seconds < 1.0 {
        format!("{:.0} ms", seconds * 1e3)
    } else {
        format!("{seconds:.1} s")
    }
}
