//! Free-running steps: the model reads its own predictions.
//!
//! With [`Input::feedback`] = `Some(from)`, a sequence's first `from` steps read the data
//! (teacher forcing) and every later step reads the model's own output of the step before:
//! ```text
//! x_t = data_t           for t < from
//! x_t = y_{t-1}          for t ≥ from         (y_t = Dense(h_t^top), the model's prediction)
//! ```
//! This is how the model generates, and training on it ("free-running" or "closed-loop"
//! training) teaches the model to recover from its own errors, which teacher forcing never shows
//! it (exposure bias). The loss is the usual per-step MSE against the targets; its gradient
//! also flows back through every fed-back prediction:
//! ```text
//! ∂L/∂y_{t-1} = (direct term of the loss at t-1) + ∂L/∂x_t          for t ≥ from
//! ```
//! so step `t-1`'s output gradient depends on everything after it, through every layer. The pass
//! therefore runs time-major across the whole stack, one step at a time, forward and backward
//! (`Recurrent::begin_steps`), with the same cell kernels and projections as the layer-major
//! pass (which it equals exactly when no step is fed back). The input side of a step is computed
//! when its input is known, one `[batch, input]` product per step instead of one for the whole
//! sequence; for the sine lesson (one input value) that is no extra work.
//!
//! Needs a model whose output can be its input: values in, `features == dense units`, every layer
//! returning sequences, no Bidirectional layer (its backward direction would read the future),
//! and no mask. `tests/core/feedback.rs` checks the forward pass against step-by-step
//! re-running of the reference and the gradient against finite differences of it.

use super::{Dropout, Input, InputData, InputSpec, LossKind, Model, Workspace};
use crate::engine::ops::{dense_backward, dense_forward, swap_leading};
use crate::engine::EngineError;

impl Model {
    /// Whether `input.feedback` can apply to this model and input: the first fed step, or why not.
    pub fn check_feedback(&self, input: &Input) -> Result<Option<usize>, EngineError> {
        let Some(from) = input.feedback else { return Ok(None) };
        let bad = |m: String| Err(EngineError::InvalidInput(format!("free-running steps: {m}")));
        let spec = &self.spec;
        match spec.input {
            InputSpec::Values { features } if features == spec.dense_units => {}
            InputSpec::Values { features } => {
                return bad(format!(
                    "the model reads {features} values per step and predicts {}: its output cannot be its input",
                    spec.dense_units
                ))
            }
            InputSpec::Tokens { .. } => return bad("the model reads token ids, not its own outputs".into()),
        }
        if !spec.return_sequences || spec.loss != LossKind::Mse {
            return bad("the model must predict every step (return_sequences, mean squared error)".into());
        }
        if spec.layers.iter().any(|l| l.bidirectional.is_some()) {
            return bad("a Bidirectional layer reads the future, which generation does not have".into());
        }
        if input.mask.is_some() {
            return bad("a mask is not supported".into());
        }
        if from == 0 || from > input.time {
            return bad(format!("the first fed-back step must be between 1 and {} (the sequence's length), not {from}", input.time));
        }
        Ok(Some(from))
    }

    /// The forward pass with steps `from..` fed back (see the module docs); fills `ws` as
    /// [`Model::forward_with`] does, `ws.x0` holding what each step actually read.
    pub(super) fn forward_fed(&self, input: &Input, from: usize, ws: &mut Workspace, dropout: &mut Dropout) {
        let (b, t) = (input.batch, input.time);
        let p = &self.params.values;
        let InputData::Values(v) = input.data else { unreachable!("checked by check_feedback") };
        let f = self.spec.dense_units;
        ws.batch = b;
        ws.time = t;
        ws.has_mask = false;
        ws.mask.clear();
        ws.mask.resize(t * b, 1.0);
        swap_leading(v, b, t, f, &mut ws.x0);
        ws.layers.resize_with(self.layers.len(), Default::default);
        for (layer, lws) in self.layers.iter().zip(&mut ws.layers) {
            layer.begin_steps((t, b), dropout, lws);
        }
        ws.logits.resize(t * b * f, 0.0);
        let top_units = self.layers.last().expect("validated: at least one layer").output_dim();
        let row = b * f;
        for step in 0..t {
            if step >= from {
                ws.x0[step * row..(step + 1) * row].copy_from_slice(&ws.logits[(step - 1) * row..step * row]);
            }
            for (k, layer) in self.layers.iter().enumerate() {
                let (before, rest) = ws.layers.split_at_mut(k);
                let x_t = if k == 0 {
                    &ws.x0[step * row..(step + 1) * row]
                } else {
                    let w = self.layers[k - 1].output_dim();
                    &before[k - 1].out[step * b * w..(step + 1) * b * w]
                };
                layer.step_forward(p, x_t, step, (t, b), &mut rest[0]);
            }
            let h = &ws.layers.last().expect("one buffer per layer").out[step * b * top_units..(step + 1) * b * top_units];
            dense_forward(h, b, self.dense_kernel.of(p), self.dense_bias.of(p), &mut ws.logits[step * row..(step + 1) * row]);
        }
        swap_leading(&ws.logits, t, b, f, &mut ws.outputs);
    }

    /// Backpropagation through the pass [`Model::forward_fed`] made, from `ws.d_logits` (each
    /// step's row gains what reached it through the next step's input), step by step from the
    /// last, every layer at each step; the weight gradients are added into `grads` (zeroed by the
    /// caller).
    pub(super) fn backward_fed(&self, from: usize, grads: &mut [f32], ws: &mut Workspace) {
        let (b, t) = (ws.batch, ws.time);
        let p = &self.params.values;
        let f = self.spec.dense_units;
        let row = b * f;
        let n = self.layers.len();
        ws.dx0.clear();
        ws.dx0.resize(t * row, 0.0);
        let top_units = self.layers[n - 1].output_dim();
        for step in (0..t).rev() {
            // What reaches this step's prediction: its own term of the loss, and, when the next
            // step read it, everything that reading led to (added into `d_logits` in place).
            let dy = &mut ws.d_logits[step * row..(step + 1) * row];
            if step + 1 < t && step + 1 >= from {
                dy.iter_mut().zip(&ws.dx0[(step + 1) * row..(step + 2) * row]).for_each(|(a, v)| *a += v);
            }
            {
                let top = ws.layers.last_mut().expect("one buffer per layer");
                let r = step * b * top_units..(step + 1) * b * top_units;
                let (dk, db) = self.dense_grads(grads);
                dense_backward(&top.out[r.clone()], b, self.dense_kernel.of(p), dy, dk, db, Some(&mut top.d_out[r]));
            }
            for k in (0..n).rev() {
                let (before, rest) = ws.layers.split_at_mut(k);
                let layer_ws = &mut rest[0];
                if k > 0 {
                    let below = &mut before[k - 1];
                    let w = self.layers[k - 1].output_dim();
                    let (x_t, dx_t) = (&below.out[step * b * w..(step + 1) * b * w], &mut below.d_out[step * b * w..(step + 1) * b * w]);
                    self.layers[k].step_backward(p, grads, x_t, step, (t, b), layer_ws, Some(dx_t));
                } else {
                    // Only a fed-back step's input gradient goes anywhere (into the step before).
                    let dx_t = (step >= from).then(|| &mut ws.dx0[step * row..(step + 1) * row]);
                    self.layers[0].step_backward(p, grads, &ws.x0[step * row..(step + 1) * row], step, (t, b), layer_ws, dx_t);
                }
            }
        }
    }
}
