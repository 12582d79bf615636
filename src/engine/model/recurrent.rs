//! A recurrent layer: one cell run forward over the sequence and, inside `Bidirectional`, a second
//! one run over the time-reversed sequence; their outputs merged (concat, sum, ave, mul).
//!
//! Keras semantics: the backward direction runs over the whole padded sequence reversed (`go_backwards`)
//! and its sequence output is re-reversed to align with time; inside `Bidirectional` the sequence
//! output at a masked step is 0 (`zero_output_for_mask`); a plain layer outputs the carried state.

use super::dropout::{Dropout, DropoutMasks};
use super::projection::{self, Shape};
use super::spec::{Merge, RecurrentSpec};
use crate::engine::cells::{self, CellKind, Dims, DirCache, RecGrads, RecWeights, Scratch, Seq, StateRecord, Steps};
use crate::engine::ops::{reverse_time, two_mut};
use crate::engine::params::ParamRef;
use crate::engine::profile::{self, Phase};

/// Where one direction's weights live.
#[derive(Clone, Copy, Debug)]
pub(crate) struct DirParams {
    /// `[input, G*units]`
    pub kernel: ParamRef,
    /// `[units, G*units]`
    pub recurrent: ParamRef,
    /// `[G*units]`, or `[2, 3*units]` for a reset-after GRU
    pub bias: ParamRef,
    /// `[3, units]` peephole LSTM only
    pub peephole: Option<ParamRef>,
}

#[derive(Clone, Debug)]
pub(crate) struct Recurrent {
    pub spec: RecurrentSpec,
    pub input_dim: usize,
    pub return_sequences: bool,
    pub dirs: Vec<DirParams>,
}

/// Buffers of one layer, reused from step to step.
#[derive(Clone, Debug, Default)]
pub struct LayerBuffers {
    /// One cache per direction (forward, then backward).
    pub dirs: Vec<DirCache>,
    /// Dropout masks per direction for the current batch (empty at inference).
    pub drop: Vec<DropoutMasks>,
    /// `[time, batch, input]` the input reversed in time (backward direction).
    x_rev: Vec<f32>,
    /// `[time, batch]` the mask reversed in time.
    mask_rev: Vec<f32>,
    /// `[time, batch, input]` the input with a dropout mask applied.
    x_drop: Vec<f32>,
    /// `[time, batch, output]` with `return_sequences`, else `[batch, output]`.
    pub out: Vec<f32>,
    /// Gradient of the loss with respect to `out` (same shape).
    pub d_out: Vec<f32>,
    /// `[time, batch, units]` gradient with respect to one direction's per-step states.
    dh_out: Vec<f32>,
    /// `[time, batch, G*units]`
    dxw: Vec<f32>,
    /// `[time, batch, input]` one direction's input gradient, in its own time order.
    dx_dir: Vec<f32>,
    /// `[time, batch, input]` scratch for masked input gradients.
    dx_tmp: Vec<f32>,
    /// Per direction, the gradient reaching each step's states, when the backward pass records it
    /// (one record per direction then; empty otherwise, and nothing is recorded).
    pub(crate) states: Vec<StateRecord>,
    /// The layer's own scratch when the stack runs one step at a time ([`Recurrent::step_forward`]):
    /// its backward pass carries `∂L/∂h` (and `∂L/∂c`) from one step to the next in it.
    carry: Scratch,
}

impl Recurrent {
    fn cell(&self) -> CellKind {
        self.spec.cell
    }

    fn gate_width(&self) -> usize {
        self.cell().gates() * self.spec.units
    }

    /// Input bias and recurrent bias of one direction.
    fn biases<'a>(&self, p: &'a [f32], d: &DirParams) -> (&'a [f32], &'a [f32]) {
        let bias = d.bias.of(p);
        match self.cell() {
            CellKind::Gru { reset_after: true } => bias.split_at(self.gate_width()),
            _ => (bias, &[]),
        }
    }

    fn seq<'a>(&self, p: &'a [f32], dp: &DirParams, d: Dims, mask: Option<&'a [f32]>, drop: &'a DropoutMasks) -> Seq<'a> {
        let (_, b_rec) = self.biases(p, dp);
        Seq {
            d,
            w: RecWeights { u: dp.recurrent.of(p), b_rec, peep: dp.peephole.map_or(&[][..], |r| r.of(p)) },
            mask,
            rec_drop: (!drop.recurrent.is_empty()).then_some(&drop.recurrent[..]),
            u_t: &[],
            sparse: false,
            steps: Steps::all(d.time),
        }
    }

    /// Output width per time step.
    pub fn output_dim(&self) -> usize {
        self.spec.output_dim()
    }

    /// Runs the layer over `x` `[time, batch, input]` (with `mask` `[time, batch]`); fills `ws.out`.
    #[allow(clippy::too_many_arguments)]
    pub fn forward(
        &self,
        p: &[f32],
        x: &[f32],
        dims: (usize, usize),
        mask: Option<&[f32]>,
        dropout: &mut Dropout,
        ws: &mut LayerBuffers,
        s: &mut Scratch,
    ) {
        let (time, batch) = dims;
        let d = Dims { time, batch, units: self.spec.units };
        let shape = Shape { time, batch, input: self.input_dim, width: self.gate_width() };
        let n = self.dirs.len();
        self.draw_dropout(batch, dropout, ws);
        if n == 2 {
            reverse_time(x, time, batch * self.input_dim, &mut ws.x_rev);
            if let Some(m) = mask {
                reverse_time(m, time, batch, &mut ws.mask_rev);
            }
        }
        let LayerBuffers { dirs, drop, x_rev, mask_rev, x_drop, .. } = ws;
        for (k, dp) in self.dirs.iter().enumerate() {
            let (xin, m) = if k == 0 { (x, mask) } else { (&x_rev[..], mask.map(|_| &mask_rev[..])) };
            let cache = &mut dirs[k];
            cache.prepare(self.cell(), d);
            let (b_in, _) = self.biases(p, dp);
            profile::time(Phase::InputProjection, || {
                projection::forward(xin, dp.kernel.of(p), b_in, &drop[k].input, shape, x_drop, cache.input_side(self.cell()))
            });
            profile::time(Phase::Gates, || cells::forward(self.cell(), &self.seq(p, dp, d, m, &drop[k]), cache, s));
        }
        self.merge_outputs(d, mask, ws);
    }

    /// One direction's buffers per direction, and this batch's dropout masks.
    fn draw_dropout(&self, batch: usize, dropout: &mut Dropout, ws: &mut LayerBuffers) {
        let n = self.dirs.len();
        ws.dirs.resize_with(n, Default::default);
        ws.drop.resize_with(n, Default::default);
        for drop in &mut ws.drop {
            match dropout {
                Dropout::Off => drop.clear(),
                Dropout::Sample(rng) => {
                    drop.draw(self.cell(), self.spec.dropout, self.spec.recurrent_dropout, batch, self.input_dim, self.spec.units, rng)
                }
                Dropout::Reuse => {}
            }
        }
    }

    /// Prepares a pass run one step at a time ([`Recurrent::step_forward`], then
    /// [`Recurrent::step_backward`] from the last step to the first): buffers sized for `dims`
    /// (time, batch), the initial state zero, this batch's dropout masks drawn. One direction,
    /// returning sequences, no mask (checked by the caller: `feedback.rs`).
    pub fn begin_steps(&self, dims: (usize, usize), dropout: &mut Dropout, ws: &mut LayerBuffers) {
        debug_assert!(self.dirs.len() == 1 && self.return_sequences);
        let (time, batch) = dims;
        let d = Dims { time, batch, units: self.spec.units };
        self.draw_dropout(batch, dropout, ws);
        ws.dirs[0].prepare(self.cell(), d);
        ws.out.resize(time * batch * d.units, 0.0);
        ws.d_out.resize(time * batch * d.units, 0.0);
        ws.dxw.resize(time * batch * self.gate_width(), 0.0);
    }

    /// Step `t` of a pass begun with [`Recurrent::begin_steps`]: reads the input `x_t`
    /// `[batch, input]`, writes the state `h_t` into row `t` of `ws.out`.
    pub fn step_forward(&self, p: &[f32], x_t: &[f32], t: usize, dims: (usize, usize), ws: &mut LayerBuffers) {
        let (time, batch) = dims;
        let d = Dims { time, batch, units: self.spec.units };
        let gw = self.gate_width();
        let shape = Shape { time: 1, batch, input: self.input_dim, width: gw };
        let dp = &self.dirs[0];
        let LayerBuffers { dirs, drop, x_drop, out, carry, .. } = ws;
        let cache = &mut dirs[0];
        let (b_in, _) = self.biases(p, dp);
        let xw = &mut cache.input_side(self.cell())[t * batch * gw..(t + 1) * batch * gw];
        profile::time(Phase::InputProjection, || projection::forward(x_t, dp.kernel.of(p), b_in, &drop[0].input, shape, x_drop, xw));
        let seq = Seq { steps: Steps::one(t), ..self.seq(p, dp, d, None, &drop[0]) };
        profile::time(Phase::Gates, || cells::forward(self.cell(), &seq, cache, carry));
        let bu = batch * d.units;
        out[t * bu..(t + 1) * bu].copy_from_slice(&cache.h[(t + 1) * bu..(t + 2) * bu]);
    }

    /// The backward pass of step `t` (after that of every later step): reads row `t` of
    /// `ws.d_out`, adds the weight gradients into `g`, and writes `∂L/∂x_t` `[batch, input]`
    /// into `dx_t` when asked. `x_t` is the input step `t` read.
    #[allow(clippy::too_many_arguments)]
    pub fn step_backward(
        &self,
        p: &[f32],
        g: &mut [f32],
        x_t: &[f32],
        t: usize,
        dims: (usize, usize),
        ws: &mut LayerBuffers,
        dx_t: Option<&mut [f32]>,
    ) {
        let (time, batch) = dims;
        let d = Dims { time, batch, units: self.spec.units };
        let gw = self.gate_width();
        let shape = Shape { time: 1, batch, input: self.input_dim, width: gw };
        let dp = &self.dirs[0];
        let LayerBuffers { dirs, drop, x_drop, d_out, dxw, dx_tmp, carry, .. } = ws;
        let seq = Seq { steps: Steps::one(t), ..self.seq(p, dp, d, None, &drop[0]) };
        self.cell_backward(&seq, dp, g, (&dirs[0], &d_out[..]), dxw, None, carry);
        let (dw, db) = input_grads(g, dp);
        let dxw_t = &dxw[t * batch * gw..(t + 1) * batch * gw];
        profile::time(Phase::InputProjection, || {
            projection::backward(x_t, dp.kernel.of(p), &drop[0].input, shape, dxw_t, dw, &mut db[..gw], dx_t, x_drop, dx_tmp)
        });
    }

    /// The cell's part of the backward pass of direction `dp` over `seq`'s steps, from
    /// `cache` and the gradient reaching its states `dh_out`: the recurrent kernel's, recurrent
    /// bias's and peepholes' gradients are added into `g`, `∂L/∂(x·W + b)` is written into `dxw`
    /// (what [`projection::backward`] then reads).
    #[allow(clippy::too_many_arguments)]
    fn cell_backward(
        &self,
        seq: &Seq,
        dp: &DirParams,
        g: &mut [f32],
        (cache, dh_out): (&DirCache, &[f32]),
        dxw: &mut [f32],
        states: Option<&mut StateRecord>,
        s: &mut Scratch,
    ) {
        let gw = self.gate_width();
        let (du, rest) = split_grads(g, dp);
        let db_rec = if seq.w.b_rec.is_empty() { &mut [][..] } else { &mut rest.bias[gw..] };
        profile::time(Phase::Gates, || {
            let g = RecGrads { du, db_rec, dpeep: rest.peep, states };
            cells::backward(self.cell(), seq, cache, dh_out, dxw, g, s)
        });
    }

    /// Zero sequence output at masked steps (only inside Bidirectional, as Keras does).
    fn zero_mask(&self) -> bool {
        self.dirs.len() == 2
    }

    /// The state of direction `k` that is aligned with time index `t` (its output at `t`).
    fn dir_state(ws: &LayerBuffers, k: usize, d: Dims, t: usize, b: usize) -> &[f32] {
        let tt = if k == 0 { t } else { d.time - 1 - t };
        let u = d.units;
        let off = ((tt + 1) * d.batch + b) * u;
        &ws.dirs[k].h[off..off + u]
    }

    fn merge_outputs(&self, d: Dims, mask: Option<&[f32]>, ws: &mut LayerBuffers) {
        let od = self.output_dim();
        let u = d.units;
        let bu = d.batch * u;
        if self.dirs.len() == 1 {
            // One direction: the output is its states after each step (or after the last), laid
            // out as `h` is: one copy, not one per batch row and step.
            let from = if self.return_sequences { bu } else { d.time * bu };
            ws.out.clear();
            ws.out.extend_from_slice(&ws.dirs[0].h[from..(d.time + 1) * bu]);
            return;
        }
        let steps: Vec<usize> = if self.return_sequences { (0..d.time).collect() } else { vec![d.time - 1] };
        let mut out = std::mem::take(&mut ws.out);
        out.resize(steps.len() * d.batch * od, 0.0);
        for (si, &t) in steps.iter().enumerate() {
            for b in 0..d.batch {
                let o = &mut out[(si * d.batch + b) * od..(si * d.batch + b + 1) * od];
                // The final state of the backward direction is its state after processing t = 0.
                let tb = if self.return_sequences { t } else { 0 };
                let f = Self::dir_state(ws, 0, d, t, b);
                let keep = if self.return_sequences && self.zero_mask() { mask.map_or(1.0, |m| m[t * d.batch + b]) } else { 1.0 };
                match self.spec.bidirectional {
                    None => o.copy_from_slice(f),
                    Some(merge) => {
                        let bk = Self::dir_state(ws, 1, d, tb, b);
                        match merge {
                            Merge::Concat => {
                                o[..u].copy_from_slice(f);
                                o[u..].copy_from_slice(bk);
                            }
                            Merge::Sum => o.iter_mut().zip(f.iter().zip(bk)).for_each(|(o, (a, b))| *o = a + b),
                            Merge::Ave => o.iter_mut().zip(f.iter().zip(bk)).for_each(|(o, (a, b))| *o = 0.5 * (a + b)),
                            Merge::Mul => o.iter_mut().zip(f.iter().zip(bk)).for_each(|(o, (a, b))| *o = a * b),
                        }
                    }
                }
                if keep != 1.0 {
                    o.iter_mut().for_each(|v| *v *= keep);
                }
            }
        }
        ws.out = out;
    }

    /// Backpropagation: reads `ws.d_out`, adds the weight gradients into `g`, and writes the input
    /// gradient `[time, batch, input]` into `dx` when asked. When `ws.states` holds a record per
    /// direction, fills them (see [`StateRecord`]).
    #[allow(clippy::too_many_arguments)]
    pub fn backward(
        &self,
        p: &[f32],
        g: &mut [f32],
        x: &[f32],
        dims: (usize, usize),
        mask: Option<&[f32]>,
        ws: &mut LayerBuffers,
        s: &mut Scratch,
        mut dx: Option<&mut [f32]>,
    ) {
        let (time, batch) = dims;
        let d = Dims { time, batch, units: self.spec.units };
        let gw = self.gate_width();
        let shape = Shape { time, batch, input: self.input_dim, width: gw };
        let row = batch * self.input_dim;
        for (k, dp) in self.dirs.iter().enumerate() {
            self.direction_output_grad(k, d, mask, ws);
            let LayerBuffers { dirs, drop, x_rev, mask_rev, x_drop, dh_out, dxw, dx_dir, dx_tmp, states, .. } = ws;
            let (xin, m) = if k == 0 { (x, mask) } else { (&x_rev[..], mask.map(|_| &mask_rev[..])) };
            dxw.resize(time * batch * gw, 0.0);
            let seq = self.seq(p, dp, d, m, &drop[k]);
            self.cell_backward(&seq, dp, g, (&dirs[k], &dh_out[..]), dxw, states.get_mut(k), s);
            let (dw, db) = input_grads(g, dp);
            // The forward direction writes its input gradient straight into `dx`; the backward
            // one into `dx_dir`, to be added in reversed time below.
            let dx_out = match dx.as_deref_mut() {
                Some(dx) if k == 0 => Some(dx),
                Some(_) => {
                    dx_dir.resize(time * row, 0.0);
                    Some(&mut dx_dir[..])
                }
                None => None,
            };
            profile::time(Phase::InputProjection, || {
                projection::backward(xin, dp.kernel.of(p), &drop[k].input, shape, dxw, dw, &mut db[..gw], dx_out, x_drop, dx_tmp)
            });
            if let Some(dx) = dx.as_deref_mut() {
                if k > 0 {
                    for t in 0..time {
                        let src = &dx_dir[(time - 1 - t) * row..(time - t) * row];
                        for (a, v) in dx[t * row..(t + 1) * row].iter_mut().zip(src) {
                            *a += v;
                        }
                    }
                }
            }
        }
    }

    /// Fills `ws.dh_out` `[time, batch, units]` (in direction `k`'s own time order) from `ws.d_out`.
    fn direction_output_grad(&self, k: usize, d: Dims, mask: Option<&[f32]>, ws: &mut LayerBuffers) {
        let (u, od) = (d.units, self.output_dim());
        let mut dh = std::mem::take(&mut ws.dh_out);
        dh.clear();
        if self.dirs.len() == 1 {
            // One direction: `d_out` is laid out as `dh_out` (for all steps, or the last one,
            // after zeros for the steps before).
            let bu = d.batch * u;
            let from = if self.return_sequences { 0 } else { (d.time - 1) * bu };
            dh.resize(from, 0.0);
            dh.extend_from_slice(&ws.d_out[..d.time * bu - from]);
            ws.dh_out = dh;
            return;
        }
        dh.resize(d.time * d.batch * u, 0.0);
        let steps: Vec<usize> = if self.return_sequences { (0..d.time).collect() } else { vec![d.time - 1] };
        for (si, &t) in steps.iter().enumerate() {
            for b in 0..d.batch {
                let go = &ws.d_out[(si * d.batch + b) * od..(si * d.batch + b + 1) * od];
                // Which step of direction k produced this output.
                let (tk, t_other) = match (k, self.return_sequences) {
                    (0, _) => (t, if self.return_sequences { t } else { 0 }),
                    (_, true) => (d.time - 1 - t, t),
                    (_, false) => (d.time - 1, t),
                };
                let keep = if self.return_sequences && self.zero_mask() { mask.map_or(1.0, |m| m[t * d.batch + b]) } else { 1.0 };
                let dst = &mut dh[(tk * d.batch + b) * u..(tk * d.batch + b + 1) * u];
                match self.spec.bidirectional {
                    None => dst.copy_from_slice(go),
                    Some(Merge::Concat) => dst.copy_from_slice(&go[k * u..(k + 1) * u]),
                    Some(Merge::Sum) => dst.copy_from_slice(go),
                    Some(Merge::Ave) => dst.iter_mut().zip(go).for_each(|(a, v)| *a = 0.5 * v),
                    Some(Merge::Mul) => {
                        let other = Self::dir_state(ws, 1 - k, d, t_other, b);
                        dst.iter_mut().zip(go.iter().zip(other)).for_each(|(a, (v, o))| *a = v * o)
                    }
                }
                if keep != 1.0 {
                    dst.iter_mut().for_each(|v| *v *= keep);
                }
            }
        }
        ws.dh_out = dh;
    }
}

/// The bias and peephole gradients of one direction, borrowed beside its recurrent-kernel gradient.
struct BiasGrads<'a> {
    bias: &'a mut [f32],
    peep: &'a mut [f32],
}

/// The input kernel's and the bias's gradient of direction `dp` in `g`.
fn input_grads<'a>(g: &'a mut [f32], dp: &DirParams) -> (&'a mut [f32], &'a mut [f32]) {
    two_mut(g, dp.kernel.offset..dp.kernel.offset + dp.kernel.len, dp.bias.offset..dp.bias.offset + dp.bias.len)
}

/// Splits `g` into the recurrent-kernel gradient and the bias (and peephole) gradients of `dp`.
/// They are laid out kernel, recurrent kernel, bias, peepholes (see `Model::zeroed`).
fn split_grads<'a>(g: &'a mut [f32], dp: &DirParams) -> (&'a mut [f32], BiasGrads<'a>) {
    let (r, b) = (dp.recurrent, dp.bias);
    debug_assert_eq!(r.offset + r.len, b.offset, "bias follows the recurrent kernel");
    let end = dp.peephole.map_or(b.offset + b.len, |pp| pp.offset + pp.len);
    let (du, rest) = g[r.offset..end].split_at_mut(r.len);
    let (bias, peep) = rest.split_at_mut(b.len);
    (du, BiasGrads { bias, peep })
}
