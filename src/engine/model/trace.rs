//! One sample's pass through the recurrent layers, step by step, for the unrolled views: every
//! state and activated gate, and beside each gate the two sums it was computed from (the input
//! side `x_t·W + b` and the recurrent side `h_{t-1}·U`), so a view can write every equation with
//! its values substituted.
//!
//! The two sides are computed here again from the weights, one sample at a time with plain loops
//! (not by the fast kernels that trained the model), so a test can rebuild every gate and state
//! from them and compare with what the engine stored: the views show numbers that are checked,
//! not copied.

use serde::{Deserialize, Serialize};

use super::{Model, Workspace};
use crate::engine::cells::CellKind;

/// One sample's pass through the recurrent layers, step by step.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Trace {
    /// Time steps read.
    pub time: usize,
    /// `[time]` 1.0 = a real step, 0.0 = padding the layers skipped (their state carried over).
    #[serde(with = "crate::engine::f32_bytes")]
    pub mask: Vec<f32>,
    /// `[time, features]` what the first recurrent layer read: the values, or the embedding rows
    /// of the tokens.
    #[serde(with = "crate::engine::f32_bytes")]
    pub inputs: Vec<f32>,
    /// Per recurrent layer, per direction (forward, then backward).
    pub layers: Vec<Vec<DirTrace>>,
    /// The model's outputs for this sample: `[time, units]` with `return_sequences`, else
    /// `[units]` (logits for a classifier).
    #[serde(with = "crate::engine::f32_bytes")]
    pub outputs: Vec<f32>,
}

/// One direction of one layer, in its own processing order (the backward direction reads the
/// sequence from its end: its step `s` is time `time - 1 - s`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DirTrace {
    pub units: usize,
    /// `[time + 1, units]` hidden states; row 0 is the initial (zero) state.
    #[serde(with = "crate::engine::f32_bytes")]
    pub h: Vec<f32>,
    /// `[time + 1, units]` LSTM cell states (empty for other cells).
    #[serde(with = "crate::engine::f32_bytes")]
    pub c: Vec<f32>,
    /// `[time, G * units]` the activated gates of each step, in the cell's gate order (the
    /// cell's module documents each block).
    #[serde(with = "crate::engine::f32_bytes")]
    pub gates: Vec<f32>,
    /// `[time, G * units]` the input side of each gate: `x_t·W + b` (for a reset-after GRU the
    /// input bias `b_in` only).
    #[serde(with = "crate::engine::f32_bytes")]
    pub input_side: Vec<f32>,
    /// `[time, G * units]` the recurrent side of each gate: `h_{t-1}·U` (for a reset-after GRU
    /// `+ b_rec`; for a reset-before GRU's candidate `(r∘h_{t-1})·U_h`; for a peephole LSTM
    /// `+ p∘c_{t-1}` on `i` and `f` and `+ p_o∘c_t` on `o`).
    #[serde(with = "crate::engine::f32_bytes")]
    pub recurrent_side: Vec<f32>,
}

impl Model {
    /// Row `row` of the batch `ws` holds after [`Model::forward`], as a [`Trace`].
    pub fn trace_row(&self, ws: &Workspace, row: usize) -> Trace {
        let (batch, time) = (ws.batch, ws.time);
        let p = &self.params.values;
        // Rows `0..rows` of a time-major `[rows, batch, width]` buffer, for batch row `row`.
        let pick = |buf: &[f32], rows: usize, width: usize| -> Vec<f32> {
            if buf.is_empty() {
                return Vec::new();
            }
            (0..rows).flat_map(|t| buf[(t * batch + row) * width..(t * batch + row + 1) * width].iter().copied()).collect()
        };
        let mask: Vec<f32> = (0..time).map(|t| ws.mask[t * batch + row]).collect();
        let features = self.spec.layer_input_dim(0);
        let inputs = pick(&ws.x0, time, features);
        let mut layer_input = inputs.clone();
        let mut layers = Vec::with_capacity(self.layers.len());
        for (layer, buffers) in self.layers.iter().zip(&ws.layers) {
            let (units, cell) = (layer.spec.units, layer.spec.cell);
            let width = cell.gates() * units;
            let dirs: Vec<DirTrace> = layer
                .dirs
                .iter()
                .zip(&buffers.dirs)
                .enumerate()
                .map(|(k, (dp, cache))| {
                    let mut d = DirTrace {
                        units,
                        h: pick(&cache.h, time + 1, units),
                        c: pick(&cache.c, time + 1, units),
                        gates: pick(&cache.gates, time, width),
                        input_side: Vec::new(),
                        recurrent_side: Vec::new(),
                    };
                    let weights = DirWeights {
                        cell,
                        units,
                        input_dim: layer.input_dim,
                        kernel: dp.kernel.of(p),
                        recurrent: dp.recurrent.of(p),
                        bias: dp.bias.of(p),
                        peephole: dp.peephole.map(|r| r.of(p)),
                    };
                    sides(&weights, &layer_input, k == 1, &mut d);
                    d
                })
                .collect();
            if layer.return_sequences {
                layer_input = pick(&buffers.out, time, layer.output_dim());
            }
            layers.push(dirs);
        }
        let per_row = ws.outputs.len() / batch.max(1);
        Trace { time, mask, inputs, layers, outputs: ws.outputs[row * per_row..(row + 1) * per_row].to_vec() }
    }
}

/// One direction's weights, as slices.
struct DirWeights<'a> {
    cell: CellKind,
    units: usize,
    input_dim: usize,
    /// `[input, G*units]`
    kernel: &'a [f32],
    /// `[units, G*units]`
    recurrent: &'a [f32],
    /// `[G*units]`, or `[2, 3*units]` for a reset-after GRU
    bias: &'a [f32],
    /// `[3, units]`
    peephole: Option<&'a [f32]>,
}

/// `out[j] += Σ_i v[i]·m[i, j]` for `m` `[v.len(), out.len()]`, columns `cols` only.
fn add_product(v: &[f32], m: &[f32], width: usize, cols: std::ops::Range<usize>, out: &mut [f32]) {
    for (i, &vi) in v.iter().enumerate() {
        let row = &m[i * width..(i + 1) * width];
        for j in cols.clone() {
            out[j] += vi * row[j];
        }
    }
}

/// Fills `d.input_side` and `d.recurrent_side` from the layer's input `x` `[time, input]` (in
/// time order; `reversed` for the backward direction) and the states already in `d`.
fn sides(w: &DirWeights, x: &[f32], reversed: bool, d: &mut DirTrace) {
    let (u, input) = (w.units, w.input_dim);
    let width = w.cell.gates() * u;
    let time = d.gates.len() / width.max(1);
    d.input_side = vec![0.0; time * width];
    d.recurrent_side = vec![0.0; time * width];
    let (b_in, b_rec) = match w.cell {
        CellKind::Gru { reset_after: true } => w.bias.split_at(width),
        _ => (w.bias, &[][..]),
    };
    for s in 0..time {
        let t = if reversed { time - 1 - s } else { s };
        let xs = &x[t * input..(t + 1) * input];
        let inp = &mut d.input_side[s * width..(s + 1) * width];
        inp.copy_from_slice(b_in);
        add_product(xs, w.kernel, width, 0..width, inp);
        let h_prev = &d.h[s * u..(s + 1) * u];
        let rec = &mut d.recurrent_side[s * width..(s + 1) * width];
        match w.cell {
            CellKind::Gru { reset_after: false } => {
                add_product(h_prev, w.recurrent, width, 0..2 * u, rec);
                // The candidate reads the state through the reset gate: (r∘h_{t-1})·U_h.
                let r = &d.gates[s * width + u..s * width + 2 * u];
                let rh: Vec<f32> = h_prev.iter().zip(r).map(|(h, r)| h * r).collect();
                add_product(&rh, w.recurrent, width, 2 * u..3 * u, rec);
            }
            _ => {
                if !b_rec.is_empty() {
                    rec.copy_from_slice(b_rec);
                }
                add_product(h_prev, w.recurrent, width, 0..width, rec);
            }
        }
        if let Some(peep) = w.peephole {
            let (c_prev, c_now) = (&d.c[s * u..(s + 1) * u], &d.c[(s + 1) * u..(s + 2) * u]);
            for j in 0..u {
                rec[j] += peep[j] * c_prev[j];
                rec[u + j] += peep[u + j] * c_prev[j];
                rec[3 * u + j] += peep[2 * u + j] * c_now[j];
            }
        }
    }
}
