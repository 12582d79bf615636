//! A model: optional `Embedding` → stack of recurrent layers → `Dense` head → loss, with its
//! forward pass and backpropagation through time.
//!
//! Inputs and outputs at this boundary are batch-major like Keras (`[batch, time, features]`);
//! inside, activations are time-major (`[time, batch, features]`).

pub mod dropout;
mod feedback;
pub mod footprint;
mod projection;
pub mod recurrent;
pub mod spec;
mod state_grads;
pub mod summary;
pub mod trace;

pub use dropout::{Dropout, DropoutMasks};
pub use recurrent::LayerBuffers;
pub use spec::{InputSpec, LossKind, Merge, ModelSpec, RecurrentSpec};
pub use summary::Summary;

use super::cells::{CellKind, Scratch};
use super::ops::{dense_backward, dense_forward, swap_leading};
use super::params::{ParamRef, Params};
use super::profile::{self, Phase};
use super::train::{init, loss};
use super::EngineError;
use recurrent::{DirParams, Recurrent};

/// The values fed to a model.
#[derive(Clone, Copy, Debug)]
pub enum InputData<'a> {
    /// `[batch, time, features]`
    Values(&'a [f32]),
    /// `[batch, time]` token ids
    Tokens(&'a [u32]),
}

/// One batch of input.
#[derive(Clone, Copy, Debug)]
pub struct Input<'a> {
    pub batch: usize,
    pub time: usize,
    pub data: InputData<'a>,
    /// `[batch, time]`, 1.0 = real step, 0.0 = padding. Combined with `mask_zero` when both apply.
    pub mask: Option<&'a [f32]>,
    /// Free-running from this step on: at every step `t >= from` the model reads its own output
    /// of step `t - 1` instead of `data` (whose values there are ignored), and a backward pass
    /// flows through those fed-back outputs too (`feedback.rs`). `None`: teacher forcing.
    pub feedback: Option<usize>,
    /// With a per-step loss (`return_sequences`), only steps `loss_from..` of each sequence are
    /// scored: the first steps are a warm-up, where the model has read too little to predict
    /// (Keras: a temporal `sample_weight` of 0 there and 1 after). The loss is the mean over the
    /// scored steps (as over a mask's valid steps); 0 = every step, as before.
    pub loss_from: usize,
}

impl Input<'_> {
    /// The mask time-major (`[time, batch]`) into `out`: the given mask (1.0 where none), and,
    /// with `mask_zero`, 0.0 at padding (token id 0). Returns whether anything is masked at all:
    /// a mask was given or a padding token was found.
    pub(crate) fn time_major_mask(&self, mask_zero: bool, out: &mut Vec<f32>) -> bool {
        let (b, t) = (self.batch, self.time);
        out.clear();
        out.resize(t * b, 1.0);
        let mut masked = self.mask.is_some();
        if let Some(m) = self.mask {
            for bi in 0..b {
                for ti in 0..t {
                    out[ti * b + bi] = m[bi * t + ti];
                }
            }
        }
        if let (true, InputData::Tokens(ids)) = (mask_zero, self.data) {
            for bi in 0..b {
                for ti in 0..t {
                    if ids[bi * t + ti] == 0 {
                        out[ti * b + bi] = 0.0;
                        masked = true;
                    }
                }
            }
        }
        masked
    }
}

/// Training targets for one batch.
#[derive(Clone, Copy, Debug)]
pub enum Targets<'a> {
    /// `[batch, time, units]` with `return_sequences`, else `[batch, units]`
    Values(&'a [f32]),
    /// `[batch]` class ids
    Classes(&'a [u32]),
}

/// Every buffer a forward and backward pass needs, kept between steps so training does not allocate.
#[derive(Clone, Debug, Default)]
pub struct Workspace {
    time: usize,
    batch: usize,
    /// `[time, batch, features]` the input of the first recurrent layer (values or embeddings).
    x0: Vec<f32>,
    /// `[time, batch]` token ids (time-major), for the embedding's backward pass.
    tokens: Vec<u32>,
    /// `[time, batch]`
    mask: Vec<f32>,
    has_mask: bool,
    /// `Input::loss_from` of the last forward pass.
    loss_from: usize,
    /// `[time, batch]` each output row's weight in a per-step loss (the mask, without the warm-up).
    loss_weights: Vec<f32>,
    pub layers: Vec<LayerBuffers>,
    /// `[rows, units]` head outputs, rows time-major (`t*batch + b`) with `return_sequences`.
    logits: Vec<f32>,
    /// `[batch, classes]` softmax of the logits (classification).
    pub probs: Vec<f32>,
    /// Batch-major model outputs: predictions `[batch, time, units]` / `[batch, units]`, or logits.
    pub outputs: Vec<f32>,
    d_logits: Vec<f32>,
    /// `[time, batch, features]` gradient with respect to `x0` (embedding backward).
    dx0: Vec<f32>,
    targets: Vec<f32>,
    scratch: Scratch,
    /// Embedding rows given a gradient by the last backward pass, and which buffer it wrote
    /// (address, length): see `Model::zero_grads`.
    touched_rows: Vec<u32>,
    grads_written: Option<(usize, usize)>,
    /// Whether the next backward pass records the gradient reaching every step's states
    /// (`state_grads.rs`).
    record_states: bool,
}

impl Workspace {
    /// States of layer `k`, direction `dir` (0 forward, 1 backward): `h` `[time+1, batch, units]`
    /// and, for an LSTM, `c`; in the direction's own processing order; row 0 is the initial state.
    pub fn states(&self, k: usize, dir: usize) -> Option<(&[f32], &[f32])> {
        let c = self.layers.get(k)?.dirs.get(dir)?;
        Some((&c.h, &c.c))
    }
    pub fn dims(&self) -> (usize, usize) {
        (self.batch, self.time)
    }
}

/// A model with its weights.
#[derive(Clone, Debug)]
pub struct Model {
    pub spec: ModelSpec,
    pub params: Params,
    embedding: Option<ParamRef>,
    layers: Vec<Recurrent>,
    dense_kernel: ParamRef,
    dense_bias: ParamRef,
}

impl Model {
    /// Builds the model with all weights zero (to be loaded from a file or a golden case).
    pub fn zeroed(spec: ModelSpec) -> Result<Self, EngineError> {
        spec.validate()?;
        let mut params = Params::default();
        let embedding = match spec.input {
            InputSpec::Tokens { vocab, dim, .. } => Some(params.add("embedding.embeddings", &[vocab, dim])),
            InputSpec::Values { .. } => None,
        };
        let n = spec.layers.len();
        let mut layers = Vec::with_capacity(n);
        for (k, l) in spec.layers.iter().enumerate() {
            let input_dim = spec.layer_input_dim(k);
            let gw = l.cell.gates() * l.units;
            let names: &[&str] = if l.bidirectional.is_some() { &[".forward", ".backward"] } else { &[""] };
            let dirs = names
                .iter()
                .map(|dn| DirParams {
                    kernel: params.add(format!("rnn{k}{dn}.kernel"), &[input_dim, gw]),
                    recurrent: params.add(format!("rnn{k}{dn}.recurrent_kernel"), &[l.units, gw]),
                    bias: params.add(format!("rnn{k}{dn}.bias"), &l.cell.bias_shape(l.units)),
                    peephole: l.cell.has_peepholes().then(|| params.add(format!("rnn{k}{dn}.peephole_weights"), &[3, l.units])),
                })
                .collect();
            let return_sequences = k + 1 < n || spec.return_sequences;
            layers.push(Recurrent { spec: l.clone(), input_dim, return_sequences, dirs });
        }
        let top = spec.layers[n - 1].output_dim();
        let dense_kernel = params.add("dense.kernel", &[top, spec.dense_units]);
        let dense_bias = params.add("dense.bias", &[spec.dense_units]);
        Ok(Model { spec, params, embedding, layers, dense_kernel, dense_bias })
    }

    /// Builds the model with Keras's default initialisers, seeded.
    pub fn new(spec: ModelSpec, seed: u64) -> Result<Self, EngineError> {
        let mut m = Self::zeroed(spec)?;
        let mut rng = init::rng_from_seed(seed);
        let v = &mut m.params.values;
        if let Some(e) = m.embedding {
            init::uniform(&mut rng, -0.05, 0.05, e.of_mut(v));
        }
        for l in &m.layers {
            let units = l.spec.units;
            for d in &l.dirs {
                init::glorot_uniform(&mut rng, d.kernel.rows, d.kernel.cols, d.kernel.of_mut(v));
                init::orthogonal(&mut rng, d.recurrent.rows, d.recurrent.cols, d.recurrent.of_mut(v));
                let bias = d.bias.of_mut(v);
                bias.fill(0.0);
                if matches!(l.spec.cell, CellKind::Lstm { .. }) {
                    bias[units..2 * units].fill(1.0);
                }
                if let Some(pp) = d.peephole {
                    // Each peephole vector as Keras's glorot_uniform sees a 1-D shape: fan_in = fan_out = units.
                    init::glorot_uniform(&mut rng, units, units, pp.of_mut(v));
                }
            }
        }
        let k = m.dense_kernel;
        init::glorot_uniform(&mut rng, k.rows, k.cols, k.of_mut(v));
        Ok(m)
    }

    /// Number of trainable weights.
    pub fn param_count(&self) -> usize {
        self.params.len()
    }

    pub(crate) fn check_input(&self, input: &Input) -> Result<(), EngineError> {
        let bad = |m: String| Err(EngineError::InvalidInput(m));
        let (b, t) = (input.batch, input.time);
        if b == 0 || t == 0 {
            return bad(format!("empty batch ({b} sequences of {t} steps)"));
        }
        // Checked: a claimed shape (a model file's check data) can be any size, and a product
        // that wraps around to the data's length would let the loops below index past it.
        let Some(bt) = b.checked_mul(t) else {
            return bad(format!("{b} sequences of {t} steps are more values than this machine can address"));
        };
        match (input.data, &self.spec.input) {
            (InputData::Values(v), InputSpec::Values { features }) => {
                if bt.checked_mul(*features) != Some(v.len()) {
                    return bad(format!("expected {b}×{t}×{features} values, got {}", v.len()));
                }
            }
            (InputData::Tokens(ids), InputSpec::Tokens { vocab, .. }) => {
                if ids.len() != bt {
                    return bad(format!("expected {b}×{t} token ids, got {}", ids.len()));
                }
                if let Some(&bad_id) = ids.iter().find(|&&i| i as usize >= *vocab) {
                    return bad(format!("token id {bad_id} is outside the vocabulary of {vocab}"));
                }
            }
            _ => return bad("input kind does not match the model (values vs token ids)".into()),
        }
        if let Some(m) = input.mask {
            if m.len() != bt {
                return bad(format!("mask must be {b}×{t}, got {} values", m.len()));
            }
        }
        if input.loss_from > 0 && !(self.spec.return_sequences && self.spec.loss == LossKind::Mse) {
            return bad("a warm-up (steps left out of the loss) needs a loss at every step (return_sequences, mean squared error)".into());
        }
        if input.loss_from >= t {
            return bad(format!("the warm-up of {} steps leaves none of the {t} steps to score", input.loss_from));
        }
        Ok(())
    }

    /// Runs the model for inference (no dropout); the outputs are in `ws.outputs` (batch-major;
    /// logits for classification, with the softmax in `ws.probs`).
    pub fn forward(&self, input: &Input, ws: &mut Workspace) -> Result<(), EngineError> {
        self.forward_with(input, ws, &mut Dropout::Off)
    }

    /// [`Model::forward`] with a choice of dropout (training draws masks, tests may reuse them).
    pub fn forward_with(&self, input: &Input, ws: &mut Workspace, dropout: &mut Dropout) -> Result<(), EngineError> {
        self.check_input(input)?;
        ws.loss_from = input.loss_from;
        if let Some(from) = self.check_feedback(input)? {
            self.forward_fed(input, from, ws, dropout);
            return Ok(());
        }
        let (b, t) = (input.batch, input.time);
        ws.batch = b;
        ws.time = t;
        let p = &self.params.values;
        // Layer-0 input, time-major, and the mask.
        ws.has_mask = input.time_major_mask(self.spec.input.mask_zero(), &mut ws.mask);
        match (input.data, &self.spec.input) {
            (InputData::Values(v), InputSpec::Values { features }) => swap_leading(v, b, t, *features, &mut ws.x0),
            (InputData::Tokens(ids), InputSpec::Tokens { dim, .. }) => profile::time(Phase::Embedding, || {
                let table = self.embedding.expect("token model has an embedding").of(p);
                ws.tokens.resize(t * b, 0);
                ws.x0.resize(t * b * dim, 0.0);
                for bi in 0..b {
                    for ti in 0..t {
                        let id = ids[bi * t + ti];
                        let r = ti * b + bi;
                        ws.tokens[r] = id;
                        ws.x0[r * dim..(r + 1) * dim].copy_from_slice(&table[id as usize * dim..(id as usize + 1) * dim]);
                    }
                }
            }),
            _ => unreachable!("checked by check_input"),
        }
        ws.layers.resize_with(self.layers.len(), Default::default);
        let mask = if ws.has_mask { Some(&ws.mask[..]) } else { None };
        for (k, layer) in self.layers.iter().enumerate() {
            let (before, rest) = ws.layers.split_at_mut(k);
            let x = if k == 0 { &ws.x0[..] } else { &before[k - 1].out[..] };
            layer.forward(p, x, (t, b), mask, dropout, &mut rest[0], &mut ws.scratch);
        }
        // Dense head.
        let top = self.layers.last().expect("validated: at least one layer");
        let rows = if top.return_sequences { t * b } else { b };
        let units = self.spec.dense_units;
        ws.logits.resize(rows * units, 0.0);
        let h = &ws.layers.last().expect("one buffer per layer").out;
        dense_forward(h, rows, self.dense_kernel.of(p), self.dense_bias.of(p), &mut ws.logits);
        if top.return_sequences {
            swap_leading(&ws.logits, t, b, units, &mut ws.outputs);
        } else {
            ws.outputs.clear();
            ws.outputs.extend_from_slice(&ws.logits);
        }
        if self.spec.loss == LossKind::SparseCategoricalCrossentropy {
            ws.probs.resize(b * units, 0.0);
            super::ops::softmax_rows(&ws.logits, units, &mut ws.probs);
        }
        Ok(())
    }

    /// Checks that `targets` suit the model's loss for a batch of `batch` sequences of `time`
    /// steps: the number of values or labels, and labels within the classes.
    pub(crate) fn check_targets(&self, targets: &Targets, batch: usize, time: usize) -> Result<(), EngineError> {
        let (b, t) = (batch, time);
        let units = self.spec.dense_units;
        let seq = self.spec.return_sequences;
        match (targets, self.spec.loss) {
            (Targets::Values(y), LossKind::Mse) => {
                let expected = if seq { b.checked_mul(t).and_then(|bt| bt.checked_mul(units)) } else { b.checked_mul(units) };
                if expected != Some(y.len()) {
                    let shape = if seq { format!("{b}×{t}×{units}") } else { format!("{b}×{units}") };
                    return Err(EngineError::InvalidInput(format!("expected {shape} target values, got {}", y.len())));
                }
            }
            (Targets::Classes(labels), LossKind::SparseCategoricalCrossentropy) => {
                if labels.len() != b {
                    return Err(EngineError::InvalidInput(format!("expected {b} labels, got {}", labels.len())));
                }
                if let Some(&l) = labels.iter().find(|&&l| l as usize >= units) {
                    return Err(EngineError::InvalidInput(format!("label {l} is out of range for {units} classes")));
                }
            }
            _ => return Err(EngineError::InvalidInput("targets do not match the model's loss".into())),
        }
        Ok(())
    }

    /// The loss of the last forward pass against `targets`; with `grad`, also `∂L/∂logits`.
    fn head_loss(&self, targets: &Targets, ws: &mut Workspace, want_grad: bool) -> Result<f32, EngineError> {
        let (b, t) = (ws.batch, ws.time);
        self.check_targets(targets, b, t)?;
        let units = self.spec.dense_units;
        let seq = self.spec.return_sequences;
        ws.d_logits.resize(ws.logits.len(), 0.0);
        let grad = if want_grad { Some(&mut ws.d_logits[..]) } else { None };
        match (targets, self.spec.loss) {
            (Targets::Values(y), LossKind::Mse) => {
                if seq {
                    swap_leading(y, b, t, units, &mut ws.targets);
                } else {
                    ws.targets.clear();
                    ws.targets.extend_from_slice(y);
                }
                if seq && (ws.has_mask || ws.loss_from > 0) {
                    // Keras leaves masked steps out of a per-step loss, and the warm-up steps
                    // (rows are time-major, as the mask).
                    ws.loss_weights.clear();
                    ws.loss_weights.extend_from_slice(&ws.mask);
                    ws.loss_weights[..ws.loss_from * b].fill(0.0);
                    Ok(loss::masked_mse(&ws.logits, &ws.targets, units, &ws.loss_weights, grad))
                } else {
                    Ok(loss::mse(&ws.logits, &ws.targets, grad))
                }
            }
            (Targets::Classes(labels), LossKind::SparseCategoricalCrossentropy) => {
                Ok(loss::softmax_cross_entropy(&ws.logits, units, labels, &mut ws.probs, grad))
            }
            _ => unreachable!("checked by check_targets"),
        }
    }

    /// Zeroes `grads`. The embedding's gradient is non-zero only in the rows of the tokens of the
    /// last batch, so when `grads` is the buffer this workspace last wrote, only those rows are
    /// cleared (a 20,000 × 64 table is 5 MB to clear otherwise); the result is identical.
    fn zero_grads(&self, grads: &mut [f32], ws: &mut Workspace) {
        let (Some(e), InputSpec::Tokens { dim, .. }) = (self.embedding, &self.spec.input) else {
            grads.fill(0.0);
            return;
        };
        let same_buffer = ws.grads_written == Some((grads.as_ptr() as usize, grads.len()));
        grads[..e.offset].fill(0.0);
        grads[e.offset + e.len..].fill(0.0);
        let table = e.of_mut(grads);
        if same_buffer {
            for &row in &ws.touched_rows {
                table[row as usize * dim..(row as usize + 1) * dim].fill(0.0);
            }
        } else {
            table.fill(0.0);
        }
        ws.grads_written = Some((grads.as_ptr() as usize, grads.len()));
    }

    /// `grads *= w`, touching only the embedding rows of the last batch (the others are zero).
    pub fn scale_grads(&self, grads: &mut [f32], ws: &Workspace, w: f32) {
        self.for_each_grad_range(ws, |r| grads[r].iter_mut().for_each(|g| *g *= w));
    }

    /// `grads += w · other`, where `grads` was last written with workspace `ws` and `other` with
    /// `other_ws` (only the latter's non-zero embedding rows are read). `ws` then counts the added
    /// rows as written, so the next step clears them.
    pub fn add_scaled_grads(&self, grads: &mut [f32], ws: &mut Workspace, other: &[f32], other_ws: &Workspace, w: f32) {
        self.for_each_grad_range(other_ws, |r| grads[r.clone()].iter_mut().zip(&other[r]).for_each(|(g, o)| *g += w * o));
        if !other_ws.touched_rows.is_empty() {
            ws.touched_rows.extend_from_slice(&other_ws.touched_rows);
            ws.touched_rows.sort_unstable();
            ws.touched_rows.dedup();
        }
    }

    /// Calls `f` with every range of the gradient buffer that the last backward pass with `ws`
    /// may have made non-zero (all of it but the embedding rows of tokens not in the batch).
    pub fn for_each_grad_range(&self, ws: &Workspace, mut f: impl FnMut(std::ops::Range<usize>)) {
        match (self.embedding, &self.spec.input) {
            (Some(e), InputSpec::Tokens { dim, .. }) => {
                f(0..e.offset);
                f(e.offset + e.len..self.params.len());
                for &row in &ws.touched_rows {
                    let start = e.offset + row as usize * dim;
                    f(start..start + dim);
                }
            }
            _ => f(0..self.params.len()),
        }
    }

    /// The Dense head's kernel and bias gradients, borrowed from `grads` together.
    fn dense_grads<'g>(&self, grads: &'g mut [f32]) -> (&'g mut [f32], &'g mut [f32]) {
        let (k, b) = (self.dense_kernel, self.dense_bias);
        super::ops::two_mut(grads, k.offset..k.offset + k.len, b.offset..b.offset + b.len)
    }

    /// Forward pass and loss, no gradients.
    pub fn loss(&self, input: &Input, targets: &Targets, ws: &mut Workspace, dropout: &mut Dropout) -> Result<f32, EngineError> {
        self.forward_with(input, ws, dropout)?;
        self.head_loss(targets, ws, false)
    }

    /// Forward pass, loss, and backpropagation through time. `grads` (same layout as
    /// `params.values`) is overwritten with `∂L/∂weights`.
    pub fn loss_and_grads(
        &self,
        input: &Input,
        targets: &Targets,
        grads: &mut [f32],
        ws: &mut Workspace,
        dropout: &mut Dropout,
    ) -> Result<f32, EngineError> {
        if grads.len() != self.params.len() {
            return Err(EngineError::InvalidInput(format!("gradient buffer has {} values, the model {}", grads.len(), self.params.len())));
        }
        self.forward_with(input, ws, dropout)?;
        let loss = self.head_loss(targets, ws, true)?;
        self.zero_grads(grads, ws);
        if let Some(from) = input.feedback {
            self.backward_fed(from, grads, ws);
            return Ok(loss);
        }
        let p = &self.params.values;
        let (t, b) = (ws.time, ws.batch);
        let n = self.layers.len();
        // Dense head.
        {
            let top = ws.layers.last_mut().expect("one buffer per layer");
            let rows = ws.d_logits.len() / self.spec.dense_units;
            top.d_out.resize(top.out.len(), 0.0);
            let (dk, db) = self.dense_grads(grads);
            dense_backward(&top.out, rows, self.dense_kernel.of(p), &ws.d_logits, dk, db, Some(&mut top.d_out));
        }
        let mask = if ws.has_mask { Some(&ws.mask[..]) } else { None };
        let need_dx0 = self.embedding.is_some();
        for k in (0..n).rev() {
            let (before, rest) = ws.layers.split_at_mut(k);
            let layer_ws = &mut rest[0];
            layer_ws.states.resize_with(if ws.record_states { self.layers[k].dirs.len() } else { 0 }, Default::default);
            if k > 0 {
                let below = &mut before[k - 1];
                below.d_out.resize(below.out.len(), 0.0);
                self.layers[k].backward(p, grads, &below.out, (t, b), mask, layer_ws, &mut ws.scratch, Some(&mut below.d_out));
            } else {
                ws.dx0.resize(ws.x0.len(), 0.0);
                let dx = if need_dx0 { Some(&mut ws.dx0[..]) } else { None };
                self.layers[0].backward(p, grads, &ws.x0, (t, b), mask, layer_ws, &mut ws.scratch, dx);
            }
        }
        if let (Some(e), InputSpec::Tokens { dim, .. }) = (self.embedding, &self.spec.input) {
            let _t = profile::Span::new(Phase::Embedding);
            ws.touched_rows.clear();
            ws.touched_rows.extend_from_slice(&ws.tokens);
            ws.touched_rows.sort_unstable();
            ws.touched_rows.dedup();
            let de = e.of_mut(grads);
            for (r, &id) in ws.tokens.iter().enumerate() {
                let row = &mut de[id as usize * dim..(id as usize + 1) * dim];
                for (a, v) in row.iter_mut().zip(&ws.dx0[r * dim..(r + 1) * dim]) {
                    *a += v;
                }
            }
        }
        Ok(loss)
    }
}
