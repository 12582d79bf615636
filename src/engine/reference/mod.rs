//! The naive reference path: the specification the fast path is tested against.
//!
//! [`run`] computes a model's forward pass, loss and backpropagation through time by following the
//! equations literally: one sample at a time, one time step at a time, one unit at a time, with
//! plain scalar loops, batch-major, in f64. It shares nothing with the fast path
//! ([`crate::engine::model`], [`crate::engine::cells`]) but the model description
//! ([`ModelSpec`](crate::engine::model::ModelSpec)) and the weights, which it reads by name.
//! Simplicity over speed: it is never used for training.
//!
//! The model, for one sample (`T` steps):
//! ```text
//! x_t     = values[t]                  or  E[id_t]           (Embedding)
//! m_t     = mask[t] · (id_t ≠ 0)                             (mask_zero; 1 without a mask)
//! layer k = one direction, or Bidirectional(merge): see model.rs (masking, merging)
//!           every layer but the last returns sequences; the last one iff `return_sequences`
//! y       = h·K + c                    per step, or on the last layer's last output (Dense)
//! MSE     = mean over every output element of (y - target)²
//! SCCE    = mean over the batch of  -log softmax(y)[label]  (y are logits)
//! ```
//! The cells' equations are in `cells.rs`; dropout masks (Keras semantics,
//! [`crate::engine::model::dropout`]) scale `x_t` where it enters `x_t·W` and `h_{t-1}` where it
//! enters `h_{t-1}·U`, per gate block when there is one mask per gate.
//!
//! Backward: for each sample, the gradient of the loss flows back through the Dense head, each
//! layer's output (merge, masking) and each direction's steps in reverse processing order,
//! accumulating every weight's gradient in f64; the result is converted to f32 at the end.
//! [`state_gradients`] also returns what reaches every step's states on the way (`∂L/∂h_t`,
//! `∂L/∂c_t`), and [`loss_with_nudge`] the loss with one state changed, so that finite
//! differences can check those through a forward pass alone.

#![allow(clippy::needless_range_loop)] // the loops index like the equations they transcribe

mod cells;
mod model;

use crate::engine::cells::CellKind;
use crate::engine::model::{DropoutMasks, InputSpec, LossKind};
use crate::engine::{EngineError, Input, InputData, Model, Targets};
use cells::{CellWeights, StepMasks};
use model::{DirRun, Rows};

/// Everything the reference computes for one batch.
#[derive(Clone, Debug, PartialEq)]
pub struct Outcome {
    pub loss: f32,
    /// Batch-major model outputs: predictions `[batch, time, units]` (return_sequences),
    /// `[batch, units]` (last state, MSE), or logits `[batch, classes]`.
    pub outputs: Vec<f32>,
    /// Softmax of the logits `[batch, classes]` (classification), else empty.
    pub probs: Vec<f32>,
    /// Per layer k, per direction d (0 forward, 1 backward): `h` and (LSTM) `c` as
    /// `[batch, time, units]` (`c` empty for other cells); entry `t` is the state after processing
    /// time index `t` (the backward direction processes `t` after `t+1`): the golden files'
    /// `traces` layout.
    pub traces: Vec<Vec<(Vec<f32>, Vec<f32>)>>,
    /// `∂L/∂w` for every weight, same flat layout as `model.params.values`.
    pub grads: Vec<f32>,
}

/// All of a model's weights (or their gradients) in f64, by layer and direction.
#[derive(Clone, Debug)]
struct Weights {
    /// `E` `[vocab][dim]`, token input only.
    embedding: Option<Rows>,
    /// `[layer][direction]`
    layers: Vec<Vec<CellWeights>>,
    /// `K` `[top][units]`
    dense_kernel: Rows,
    /// `c` `[units]`
    dense_bias: Vec<f64>,
}

impl Weights {
    fn zeros_like(&self) -> Self {
        Weights {
            embedding: self.embedding.as_ref().map(|e| e.iter().map(|r| vec![0.0; r.len()]).collect()),
            layers: self.layers.iter().map(|l| l.iter().map(CellWeights::zeros_like).collect()).collect(),
            dense_kernel: self.dense_kernel.iter().map(|r| vec![0.0; r.len()]).collect(),
            dense_bias: vec![0.0; self.dense_bias.len()],
        }
    }
}

/// `rnn{k}` or `rnn{k}.forward` / `rnn{k}.backward`.
fn prefix(model: &Model, k: usize, d: usize) -> String {
    match (model.spec.layers[k].bidirectional, d) {
        (None, _) => format!("rnn{k}"),
        (Some(_), 0) => format!("rnn{k}.forward"),
        (Some(_), _) => format!("rnn{k}.backward"),
    }
}

/// Every tensor the reference reads: `(name, Keras shape)`, in no particular order.
fn expected_tensors(model: &Model) -> Vec<(String, Vec<usize>)> {
    let spec = &model.spec;
    let mut out = Vec::new();
    if let InputSpec::Tokens { vocab, dim, .. } = spec.input {
        out.push(("embedding.embeddings".to_string(), vec![vocab, dim]));
    }
    for (k, l) in spec.layers.iter().enumerate() {
        let gu = l.cell.gates() * l.units;
        for d in 0..directions(model, k) {
            let p = prefix(model, k, d);
            out.push((format!("{p}.kernel"), vec![spec.layer_input_dim(k), gu]));
            out.push((format!("{p}.recurrent_kernel"), vec![l.units, gu]));
            let bias = match l.cell {
                CellKind::Gru { reset_after: true } => vec![2, gu],
                _ => vec![gu],
            };
            out.push((format!("{p}.bias"), bias));
            if matches!(l.cell, CellKind::Lstm { peephole: true }) {
                out.push((format!("{p}.peephole_weights"), vec![3, l.units]));
            }
        }
    }
    let top = spec.layers.last().map_or(0, |l| l.output_dim());
    out.push(("dense.kernel".to_string(), vec![top, spec.dense_units]));
    out.push(("dense.bias".to_string(), vec![spec.dense_units]));
    out
}

fn directions(model: &Model, k: usize) -> usize {
    if model.spec.layers[k].bidirectional.is_some() {
        2
    } else {
        1
    }
}

/// The values of `name` as f64 rows `[rows][cols]`, checking its shape.
fn read(model: &Model, name: &str, rows: usize, cols: usize) -> Result<Rows, EngineError> {
    let info = model.params.info(name).ok_or_else(|| EngineError::UnknownParam(name.to_string()))?;
    let v = model.params.get(name).ok_or_else(|| EngineError::UnknownParam(name.to_string()))?;
    if v.len() != rows * cols {
        return Err(EngineError::Shape { name: name.to_string(), expected: vec![rows, cols], got: info.shape.clone() });
    }
    Ok((0..rows).map(|r| (0..cols).map(|c| v[r * cols + c] as f64).collect()).collect())
}

fn load(model: &Model) -> Result<Weights, EngineError> {
    let spec = &model.spec;
    let embedding = match spec.input {
        InputSpec::Tokens { vocab, dim, .. } => Some(read(model, "embedding.embeddings", vocab, dim)?),
        InputSpec::Values { .. } => None,
    };
    let mut layers = Vec::new();
    for (k, l) in spec.layers.iter().enumerate() {
        let (u, gu) = (l.units, l.cell.gates() * l.units);
        let mut dirs = Vec::new();
        for d in 0..directions(model, k) {
            let p = prefix(model, k, d);
            let kernel = read(model, &format!("{p}.kernel"), spec.layer_input_dim(k), gu)?;
            let recurrent = read(model, &format!("{p}.recurrent_kernel"), u, gu)?;
            let (bias, recurrent_bias) = match l.cell {
                CellKind::Gru { reset_after: true } => {
                    let b = read(model, &format!("{p}.bias"), 2, gu)?;
                    (b[0].clone(), b[1].clone())
                }
                _ => (read(model, &format!("{p}.bias"), 1, gu)?.remove(0), Vec::new()),
            };
            let peephole = if l.cell.has_peepholes() { read(model, &format!("{p}.peephole_weights"), 3, u)? } else { Vec::new() };
            dirs.push(CellWeights { kernel, recurrent, bias, recurrent_bias, peephole });
        }
        layers.push(dirs);
    }
    let top = spec.layers.last().map_or(0, |l| l.output_dim());
    let dense_kernel = read(model, "dense.kernel", top, spec.dense_units)?;
    let dense_bias = read(model, "dense.bias", 1, spec.dense_units)?.remove(0);
    Ok(Weights { embedding, layers, dense_kernel, dense_bias })
}

/// Writes f64 gradients into a flat f32 buffer laid out like `model.params.values`.
fn store(model: &Model, g: &Weights) -> Result<Vec<f32>, EngineError> {
    let mut out = vec![0.0f32; model.params.len()];
    let mut put = |name: &str, rows: &[Vec<f64>]| -> Result<(), EngineError> {
        let at = model.params.info(name).ok_or_else(|| EngineError::UnknownParam(name.to_string()))?.at;
        let flat: Vec<f32> = rows.iter().flatten().map(|&v| v as f32).collect();
        at.of_mut(&mut out).copy_from_slice(&flat);
        Ok(())
    };
    if let Some(e) = &g.embedding {
        put("embedding.embeddings", e)?;
    }
    for (k, dirs) in g.layers.iter().enumerate() {
        for (d, w) in dirs.iter().enumerate() {
            let p = prefix(model, k, d);
            put(&format!("{p}.kernel"), &w.kernel)?;
            put(&format!("{p}.recurrent_kernel"), &w.recurrent)?;
            if w.recurrent_bias.is_empty() {
                put(&format!("{p}.bias"), std::slice::from_ref(&w.bias))?;
            } else {
                put(&format!("{p}.bias"), &[w.bias.clone(), w.recurrent_bias.clone()])?;
            }
            if !w.peephole.is_empty() {
                put(&format!("{p}.peephole_weights"), &w.peephole)?;
            }
        }
    }
    put("dense.kernel", &g.dense_kernel)?;
    put("dense.bias", std::slice::from_ref(&g.dense_bias))?;
    Ok(out)
}

/// The dropout masks of layer `k`, direction `d`, for sample `b`, one per gate (all ones without).
/// `masks[k][d]` holds `[count, batch, width]` with `count` 1 (shared by every gate) or G.
#[allow(clippy::too_many_arguments)]
fn sample_masks(
    masks: &[Vec<DropoutMasks>],
    k: usize,
    d: usize,
    b: usize,
    batch: usize,
    gates: usize,
    input: usize,
    units: usize,
) -> StepMasks {
    let per_gate = |v: &[f32], width: usize| -> Vec<Vec<f64>> {
        (0..gates)
            .map(|g| {
                if v.is_empty() {
                    return vec![1.0; width];
                }
                let count = v.len() / (batch * width);
                let c = if count == 1 { 0 } else { g };
                (0..width).map(|i| v[(c * batch + b) * width + i] as f64).collect()
            })
            .collect()
    };
    match masks.get(k).and_then(|l| l.get(d)) {
        Some(m) => StepMasks { input: per_gate(&m.input, input), recurrent: per_gate(&m.recurrent, units) },
        None => StepMasks { input: vec![vec![1.0; input]; gates], recurrent: vec![vec![1.0; units]; gates] },
    }
}

/// Checks the batch against the model, with messages a user can act on.
fn validate(model: &Model, input: &Input, targets: &Targets, masks: &[Vec<DropoutMasks>]) -> Result<(), EngineError> {
    let bad = |m: String| Err(EngineError::InvalidInput(m));
    let spec = &model.spec;
    spec.validate()?;
    let (b, t) = (input.batch, input.time);
    if b == 0 || t == 0 {
        return bad(format!("empty batch ({b} sequences of {t} steps)"));
    }
    match (input.data, &spec.input) {
        (InputData::Values(v), InputSpec::Values { features }) if v.len() != b * t * features => {
            return bad(format!("expected {b}×{t}×{features} values, got {}", v.len()))
        }
        (InputData::Tokens(ids), InputSpec::Tokens { vocab, .. }) => {
            if ids.len() != b * t {
                return bad(format!("expected {b}×{t} token ids, got {}", ids.len()));
            }
            if let Some(&id) = ids.iter().find(|&&i| i as usize >= *vocab) {
                return bad(format!("token id {id} is outside the vocabulary of {vocab}"));
            }
        }
        (InputData::Values(_), InputSpec::Values { .. }) => {}
        _ => return bad("input kind does not match the model (values vs token ids)".into()),
    }
    if let Some(m) = input.mask {
        if m.len() != b * t {
            return bad(format!("mask must be {b}×{t}, got {} values", m.len()));
        }
    }
    if input.loss_from > 0 && !(spec.return_sequences && spec.loss == LossKind::Mse) {
        return bad("a warm-up (steps left out of the loss) needs a loss at every step (return_sequences, mean squared error)".into());
    }
    if input.loss_from >= t {
        return bad(format!("the warm-up of {} steps leaves none of the {t} steps to score", input.loss_from));
    }
    let units = spec.dense_units;
    let top_seq = spec.return_sequences;
    match (targets, spec.loss) {
        (Targets::Values(y), LossKind::Mse) => {
            let n = if top_seq { b * t * units } else { b * units };
            if y.len() != n {
                return bad(format!("expected {n} target values, got {}", y.len()));
            }
        }
        (Targets::Classes(labels), LossKind::SparseCategoricalCrossentropy) => {
            if labels.len() != b {
                return bad(format!("expected {b} labels, got {}", labels.len()));
            }
            if let Some(&l) = labels.iter().find(|&&l| l as usize >= units) {
                return bad(format!("label {l} is out of range for {units} classes"));
            }
        }
        _ => return bad("targets do not match the model's loss".into()),
    }
    if !masks.is_empty() && masks.len() != spec.layers.len() {
        return bad(format!("dropout masks for {} layers, the model has {}", masks.len(), spec.layers.len()));
    }
    for (k, dirs) in masks.iter().enumerate() {
        let l = &spec.layers[k];
        if dirs.len() != directions(model, k) {
            return bad(format!("layer rnn{k}: dropout masks for {} directions, it has {}", dirs.len(), directions(model, k)));
        }
        for m in dirs {
            for (what, v, width) in [("input", &m.input, spec.layer_input_dim(k)), ("recurrent", &m.recurrent, l.units)] {
                let one = b * width;
                if !v.is_empty() && v.len() != one && v.len() != l.cell.gates() * one {
                    return bad(format!(
                        "layer rnn{k}: {what} dropout mask has {} values, expected {one} or {}",
                        v.len(),
                        l.cell.gates() * one
                    ));
                }
            }
        }
    }
    if let Some(extra) = model.params.infos.iter().find(|p| !expected_tensors(model).iter().any(|(n, _)| *n == p.name)) {
        return Err(EngineError::InvalidModel(format!("the reference does not know weight `{}`", extra.name)));
    }
    Ok(())
}

/// The gradient reaching every step's states (defined in `engine::cells::StateRecord`), per layer
/// `k`, per direction `d`: `(∂L/∂h, ∂L/∂c)`, each `[batch, time, units]` with entry `t` the state
/// after processing time index `t` (the layout of [`Outcome::traces`]); `∂L/∂c` empty but for an
/// LSTM.
pub type StateGrads = Vec<Vec<(Vec<f32>, Vec<f32>)>>;

/// A change `delta` to one state: unit `unit` of the state after processing time index `t`, in
/// sample `row`, layer `layer`, direction `dir`: `h_t` after masking, or with `cell` the LSTM's
/// `c_t`, which a real step's output gate and `h_t` see (so that the loss's change over `delta` is
/// the [`StateGrads`] entry).
#[derive(Clone, Copy, Debug)]
pub struct Nudge {
    pub row: usize,
    pub layer: usize,
    pub dir: usize,
    pub t: usize,
    pub unit: usize,
    pub cell: bool,
    pub delta: f64,
}

/// What [`run_with`] computes beside the [`Outcome`].
struct Full {
    outcome: Outcome,
    /// The loss before rounding to f32.
    loss: f64,
    states: StateGrads,
}

/// Runs `model` on one batch the naive way: loss, outputs, every state and every gradient.
/// `masks[k][d]` are the dropout masks of layer `k`, direction `d` (as the fast path keeps them in
/// `Workspace::layers[k].drop[d]`); pass `&[]` for no dropout.
pub fn run(model: &Model, input: &Input, targets: &Targets, masks: &[Vec<DropoutMasks>]) -> Result<Outcome, EngineError> {
    Ok(run_with(model, input, targets, masks, None)?.outcome)
}

/// [`run`] without dropout, with the gradient reaching every step's states.
pub fn state_gradients(model: &Model, input: &Input, targets: &Targets) -> Result<(Outcome, StateGrads), EngineError> {
    let full = run_with(model, input, targets, &[], None)?;
    Ok((full.outcome, full.states))
}

/// The loss (in f64, without dropout) with one state changed by `nudge`: central differences of it
/// check [`StateGrads`], and any other path's state gradients.
pub fn loss_with_nudge(model: &Model, input: &Input, targets: &Targets, nudge: Nudge) -> Result<f64, EngineError> {
    let (k, ok) = (nudge.layer, nudge.row < input.batch && nudge.t < input.time);
    let fits = ok && k < model.spec.layers.len() && nudge.dir < directions(model, k) && nudge.unit < model.spec.layers[k].units;
    if !fits || (nudge.cell && !model.spec.layers[k].cell.has_cell_state()) {
        return Err(EngineError::InvalidInput(format!("no such state to nudge: {nudge:?}")));
    }
    Ok(run_with(model, input, targets, &[], Some(nudge))?.loss)
}

fn run_with(
    model: &Model,
    input: &Input,
    targets: &Targets,
    masks: &[Vec<DropoutMasks>],
    nudge: Option<Nudge>,
) -> Result<Full, EngineError> {
    validate(model, input, targets, masks)?;
    let spec = &model.spec;
    let (batch, time) = (input.batch, input.time);
    let w = load(model)?;
    let mut grad = w.zeros_like();
    let n_layers = spec.layers.len();
    let units = spec.dense_units;
    let out_rows = if spec.return_sequences { time } else { 1 };
    // The loss is a mean: over every output element (MSE) or over the batch (cross-entropy). A
    // per-step MSE over a masked sequence counts the valid steps only (Keras 3's masked mean).
    let step_mask = |b: usize, t: usize| -> f64 {
        let explicit = input.mask.map_or(1.0, |m| m[b * time + t] as f64);
        let padding = match (input.data, &spec.input) {
            (InputData::Tokens(ids), InputSpec::Tokens { mask_zero: true, .. }) if ids[b * time + t] == 0 => 0.0,
            _ => 1.0,
        };
        explicit * padding
    };
    // A step's weight in a per-step loss: its mask, and 0 in the warm-up (`Input::loss_from`).
    let loss_weight = |b: usize, t: usize| -> f64 {
        if t < input.loss_from {
            0.0
        } else {
            step_mask(b, t)
        }
    };
    let masked_steps = spec.return_sequences && spec.loss == LossKind::Mse && {
        let tokens_mask = matches!(spec.input, InputSpec::Tokens { mask_zero: true, .. });
        input.mask.is_some() || input.loss_from > 0 || tokens_mask && (0..batch).any(|b| (0..time).any(|t| step_mask(b, t) == 0.0))
    };
    let denominator = match spec.loss {
        LossKind::Mse if masked_steps => {
            let valid: f64 = (0..batch).flat_map(|b| (0..time).map(move |t| (b, t))).map(|(b, t)| loss_weight(b, t)).sum();
            if valid > 0.0 {
                valid * units as f64
            } else {
                f64::INFINITY
            }
        }
        LossKind::Mse => (batch * out_rows * units) as f64,
        LossKind::SparseCategoricalCrossentropy => batch as f64,
    };

    let mut loss = 0.0f64;
    let mut outputs = Vec::with_capacity(batch * out_rows * units);
    let mut probs = Vec::new();
    let mut traces: Vec<Vec<(Vec<f32>, Vec<f32>)>> = (0..n_layers).map(|k| vec![(Vec::new(), Vec::new()); directions(model, k)]).collect();
    let mut states = traces.clone();

    for b in 0..batch {
        // Input rows x_t and the mask m_t of this sample.
        let mut mask: Vec<f64> = (0..time).map(|t| input.mask.map_or(1.0, |m| m[b * time + t] as f64)).collect();
        let mut ids = Vec::new();
        let x0: Rows = match (input.data, &spec.input) {
            (InputData::Values(v), InputSpec::Values { features }) => {
                (0..time).map(|t| (0..*features).map(|i| v[(b * time + t) * features + i] as f64).collect()).collect()
            }
            (InputData::Tokens(all), InputSpec::Tokens { mask_zero, .. }) => {
                let table = w.embedding.as_ref().expect("token input has an embedding");
                ids = all[b * time..(b + 1) * time].to_vec();
                for t in 0..time {
                    if *mask_zero && ids[t] == 0 {
                        mask[t] = 0.0;
                    }
                }
                ids.iter().map(|&id| table[id as usize].clone()).collect()
            }
            _ => unreachable!("checked by validate"),
        };

        // Forward through the stack.
        let mut runs: Vec<Vec<DirRun>> = Vec::with_capacity(n_layers);
        let mut sample_masks_of: Vec<Vec<StepMasks>> = Vec::with_capacity(n_layers);
        let mut xs = x0;
        let mut top = Vec::new();
        for (k, l) in spec.layers.iter().enumerate() {
            let return_sequences = k + 1 < n_layers || spec.return_sequences;
            let dir_masks: Vec<StepMasks> = (0..directions(model, k))
                .map(|d| sample_masks(masks, k, d, b, batch, l.cell.gates(), spec.layer_input_dim(k), l.units))
                .collect();
            let dirs: Vec<DirRun> = (0..directions(model, k))
                .map(|d| {
                    let here = nudge.filter(|n| (n.row, n.layer, n.dir) == (b, k, d));
                    let here = here.map(|n| model::StateNudge { t: n.t, unit: n.unit, cell: n.cell, delta: n.delta });
                    model::run_direction(l.cell, &w.layers[k][d], &dir_masks[d], &xs, &mask, d == 1, here)
                })
                .collect();
            let y = model::layer_output(l, &dirs, &mask, return_sequences);
            runs.push(dirs);
            sample_masks_of.push(dir_masks);
            if k + 1 < n_layers {
                xs = y;
            } else {
                top = y;
            }
        }

        // Dense head: y_r = h_r·K + c, for each output row r (every step, or the last state).
        let logits: Rows = top
            .iter()
            .map(|h| {
                (0..units)
                    .map(|c| {
                        let mut s = w.dense_bias[c];
                        for i in 0..h.len() {
                            s += h[i] * w.dense_kernel[i][c];
                        }
                        s
                    })
                    .collect()
            })
            .collect();
        outputs.extend(logits.iter().flatten().map(|&v| v as f32));

        // Loss and ∂L/∂y.
        let mut dlogits: Rows = vec![vec![0.0; units]; out_rows];
        match targets {
            // L += w·Σ (y - target)² / N;   ∂L/∂y = 2w(y - target)/N   (w: the step's mask when masked)
            Targets::Values(all) => {
                for r in 0..out_rows {
                    let weight = if masked_steps { loss_weight(b, r) } else { 1.0 };
                    for c in 0..units {
                        let target = all[(b * out_rows + r) * units + c] as f64;
                        let e = logits[r][c] - target;
                        loss += weight * e * e / denominator;
                        dlogits[r][c] = 2.0 * weight * e / denominator;
                    }
                }
            }
            // p = softmax(y);  L += (log Σ_c e^{y_c} - y_label) / B;  ∂L/∂y = (p - onehot(label)) / B
            Targets::Classes(labels) => {
                let y = &logits[0];
                let max = y.iter().copied().fold(f64::NEG_INFINITY, f64::max);
                let sum: f64 = y.iter().map(|v| (v - max).exp()).sum();
                let label = labels[b] as usize;
                loss += (max + sum.ln() - y[label]) / denominator;
                for c in 0..units {
                    let p = (y[c] - max).exp() / sum;
                    probs.push(p as f32);
                    let onehot = if c == label { 1.0 } else { 0.0 };
                    dlogits[0][c] = (p - onehot) / denominator;
                }
            }
        }

        // Traces.
        for (k, dirs) in runs.iter().enumerate() {
            for (d, r) in dirs.iter().enumerate() {
                traces[k][d].0.extend(r.h.iter().flatten().map(|&v| v as f32));
                traces[k][d].1.extend(r.c.iter().flatten().map(|&v| v as f32));
            }
        }

        // Backward: Dense head.  dK[i][c] += h_r[i]·dy_r[c];  dc += dy_r;  dh_r[i] = Σ_c K[i][c]·dy_r[c]
        let mut dy: Rows = vec![vec![0.0; top.first().map_or(0, Vec::len)]; out_rows];
        for r in 0..out_rows {
            for c in 0..units {
                grad.dense_bias[c] += dlogits[r][c];
                for i in 0..top[r].len() {
                    grad.dense_kernel[i][c] += top[r][i] * dlogits[r][c];
                    dy[r][i] += w.dense_kernel[i][c] * dlogits[r][c];
                }
            }
        }
        // Backward through the stack, top to bottom; the input gradient of layer k is the output
        // gradient of layer k-1 (every lower layer returns sequences).
        for k in (0..n_layers).rev() {
            let l = &spec.layers[k];
            let return_sequences = k + 1 < n_layers || spec.return_sequences;
            let dh_out = model::layer_output_backward(l, &runs[k], &mask, return_sequences, &dy);
            let mut dx: Rows = vec![vec![0.0; spec.layer_input_dim(k)]; time];
            for (d, dh) in dh_out.iter().enumerate() {
                let g = model::backward_direction(
                    l.cell,
                    &w.layers[k][d],
                    &sample_masks_of[k][d],
                    &runs[k][d],
                    &mask,
                    d == 1,
                    dh,
                    &mut grad.layers[k][d],
                );
                for t in 0..time {
                    for i in 0..dx[t].len() {
                        dx[t][i] += g.dx[t][i];
                    }
                }
                states[k][d].0.extend(g.dh.iter().flatten().map(|&v| v as f32));
                states[k][d].1.extend(g.dc.iter().flatten().map(|&v| v as f32));
            }
            dy = dx;
        }
        // Embedding: dE[id_t] += ∂L/∂x_t.
        if let Some(de) = grad.embedding.as_mut() {
            for t in 0..time {
                for i in 0..dy[t].len() {
                    de[ids[t] as usize][i] += dy[t][i];
                }
            }
        }
    }

    let outcome = Outcome { loss: loss as f32, outputs, probs, traces, grads: store(model, &grad)? };
    Ok(Full { outcome, loss, states })
}
