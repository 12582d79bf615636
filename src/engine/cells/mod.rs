//! Recurrent cells: SimpleRNN, LSTM and GRU, each in its own file with its equations.
//!
//! Every cell runs over a whole sequence at once with the "fused gates" layout:
//! the input side `x·W + b` (`[time, batch, G*units]`) is computed for all time steps by the
//! layer before the loop (one big matrix product); inside the loop each step does one recurrent
//! product `h_{t-1}·U` (`[batch, units] x [units, G*units]`) and one element-wise pass over the gates.
//! Gate blocks lie along the last axis in Keras's order (LSTM `i f c o`, GRU `z r h`).
//!
//! Layouts inside the engine are time-major: `[time, batch, features]`, so one step is one
//! contiguous `[batch, features]` block. Masks are `[time, batch]` with 1.0 = real step,
//! 0.0 = padding; a masked step carries the state (`h_t = h_{t-1}`, `c_t = c_{t-1}`), as Keras does.

pub mod gru;
pub mod lstm;
pub mod simple_rnn;

use serde::{Deserialize, Serialize};

/// Activation of a SimpleRNN cell.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Activation {
    #[default]
    Tanh,
    Relu,
    /// `x` for `x > 0`, else `0.2·x` (Keras 3's `leaky_relu` activation default slope).
    LeakyRelu,
    /// `x` for `x > 0`, else `exp(x) - 1` (alpha = 1, Keras's default).
    Elu,
    /// `x` (Keras's `linear`): the cell is a linear recurrence, `h_t = W·x_t + U·h_{t-1} + b`,
    /// which is what a handful of samples of a wave support (an autoregression).
    Linear,
}

/// Slope of [`Activation::LeakyRelu`] for negative inputs.
pub const LEAKY_SLOPE: f32 = 0.2;

impl Activation {
    #[inline]
    pub fn apply(self, x: f32) -> f32 {
        match self {
            Activation::Tanh => tanh(x),
            Activation::Relu => x.max(0.0),
            Activation::LeakyRelu => {
                if x > 0.0 {
                    x
                } else {
                    LEAKY_SLOPE * x
                }
            }
            Activation::Elu => {
                if x > 0.0 {
                    x
                } else {
                    math::expm1(x)
                }
            }
            Activation::Linear => x,
        }
    }

    /// The derivative, written in terms of the activation's output `y = f(x)`.
    #[inline]
    pub fn grad_from_output(self, y: f32) -> f32 {
        match self {
            Activation::Tanh => 1.0 - y * y,
            Activation::Relu => {
                if y > 0.0 {
                    1.0
                } else {
                    0.0
                }
            }
            Activation::LeakyRelu => {
                if y > 0.0 {
                    1.0
                } else {
                    LEAKY_SLOPE
                }
            }
            Activation::Elu => {
                if y > 0.0 {
                    1.0
                } else {
                    y + 1.0
                }
            }
            Activation::Linear => 1.0,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Activation::Tanh => "tanh",
            Activation::Relu => "relu",
            Activation::LeakyRelu => "leaky_relu",
            Activation::Elu => "elu",
            Activation::Linear => "linear",
        }
    }
}

/// Which recurrent cell a layer uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum CellKind {
    SimpleRnn {
        activation: Activation,
    },
    /// With `peephole`, the gates also see the cell state (Gers & Schmidhuber 2000; see `lstm.rs`).
    /// Keras has no peepholes; they add a `[3, units]` weight `peephole_weights`.
    Lstm {
        #[serde(default)]
        peephole: bool,
    },
    /// `reset_after = true` is Keras's default (and cuDNN's / PyTorch's formulation).
    Gru {
        reset_after: bool,
    },
}

impl CellKind {
    /// Number of gate blocks `G`: the kernel is `[input, G*units]`.
    pub fn gates(self) -> usize {
        match self {
            CellKind::SimpleRnn { .. } => 1,
            CellKind::Lstm { .. } => 4,
            CellKind::Gru { .. } => 3,
        }
    }

    /// Keras shape of the bias for `units` units.
    pub fn bias_shape(self, units: usize) -> Vec<usize> {
        match self {
            CellKind::Gru { reset_after: true } => vec![2, 3 * units],
            _ => vec![self.gates() * units],
        }
    }

    /// Whether this cell keeps a cell state `c` beside `h`.
    pub fn has_cell_state(self) -> bool {
        matches!(self, CellKind::Lstm { .. })
    }

    /// Whether this cell has peephole weights.
    pub fn has_peepholes(self) -> bool {
        matches!(self, CellKind::Lstm { peephole: true })
    }

    /// Number of dropout masks Keras draws per batch for input (and recurrent) dropout: one shared
    /// by all gates, except for LSTM and GRU with recurrent dropout, where Keras switches to
    /// `implementation=1` and draws one mask per gate.
    pub fn dropout_mask_count(self, recurrent_dropout: bool) -> usize {
        match self {
            CellKind::SimpleRnn { .. } => 1,
            _ if recurrent_dropout => self.gates(),
            _ => 1,
        }
    }

    /// The Keras class name.
    pub fn keras_name(self) -> &'static str {
        match self {
            CellKind::SimpleRnn { .. } => "SimpleRNN",
            CellKind::Lstm { .. } => "LSTM",
            CellKind::Gru { .. } => "GRU",
        }
    }
}

use crate::engine::cpu::math::{self, tanh};
use crate::engine::cpu::{gemm_nn, gemm_nn_sparse, gemm_tn, gemm_tn_sparse, Accumulate, Mat, MatMut};
use crate::engine::ops::transpose;
use crate::engine::profile::{time, Phase};

/// Sizes of one recurrent pass.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Dims {
    pub time: usize,
    pub batch: usize,
    pub units: usize,
}

/// What the forward pass of one direction keeps for the backward pass.
#[derive(Clone, Debug, Default)]
pub struct DirCache {
    /// `[time, batch, G*units]` input side `x·W + b_in` of a reset-after GRU, whose candidate
    /// needs it apart from the recurrent side (empty for other cells).
    pub xw: Vec<f32>,
    /// `[time, batch, G*units]` on entry the input side `x·W + b` (other cells than the
    /// reset-after GRU add the recurrent product to it in place); on exit the activated gates
    /// (see each cell for what each block holds).
    pub gates: Vec<f32>,
    /// `[time + 1, batch, units]` hidden states; `h[0]` is the zero initial state, `h[t+1]` the
    /// state after time step `t` (after masking).
    pub h: Vec<f32>,
    /// `[time + 1, batch, units]` LSTM cell states (empty for other cells).
    pub c: Vec<f32>,
    /// `[time, batch, units]` reset-after GRU: the recurrent candidate `h_{t-1}·U_h + b_rec_h`;
    /// LSTM: `tanh(c_t)` before masking (empty for other cells).
    pub aux: Vec<f32>,
}

impl DirCache {
    /// Where the layer writes `x·W + b` for this cell: its own buffer for a reset-after GRU,
    /// else straight into `gates` (saves a copy of the whole sequence).
    pub fn input_side(&mut self, cell: CellKind) -> &mut [f32] {
        if matches!(cell, CellKind::Gru { reset_after: true }) {
            &mut self.xw
        } else {
            &mut self.gates
        }
    }

    /// Sizes the buffers for `cell` and `d` (reusing their allocations) and zeroes the initial state.
    pub fn prepare(&mut self, cell: CellKind, d: Dims) {
        let gh = cell.gates() * d.units;
        let bh = d.batch * d.units;
        if matches!(cell, CellKind::Gru { reset_after: true }) {
            resize(&mut self.xw, d.time * d.batch * gh);
        } else {
            self.xw.clear();
        }
        resize(&mut self.gates, d.time * d.batch * gh);
        resize(&mut self.h, (d.time + 1) * bh);
        self.h[..bh].fill(0.0);
        if cell.has_cell_state() {
            resize(&mut self.c, (d.time + 1) * bh);
            self.c[..bh].fill(0.0);
        } else {
            self.c.clear();
        }
        if matches!(cell, CellKind::Gru { reset_after: true } | CellKind::Lstm { .. }) {
            resize(&mut self.aux, d.time * bh);
        } else {
            self.aux.clear();
        }
    }
}

/// Recurrent weights of one direction.
#[derive(Clone, Copy, Debug)]
pub struct RecWeights<'a> {
    /// `[units, G*units]`
    pub u: &'a [f32],
    /// `[G*units]` recurrent bias (reset-after GRU only; empty otherwise).
    pub b_rec: &'a [f32],
    /// `[3, units]` peephole weights `p_i, p_f, p_o` (peephole LSTM only; empty otherwise).
    pub peep: &'a [f32],
}

/// Gradients of the recurrent weights of one direction (accumulated into).
#[derive(Debug)]
pub struct RecGrads<'a> {
    /// `[units, G*units]`
    pub du: &'a mut [f32],
    /// `[G*units]` (reset-after GRU only; empty otherwise).
    pub db_rec: &'a mut [f32],
    /// `[3, units]` (peephole LSTM only; empty otherwise).
    pub dpeep: &'a mut [f32],
    /// Where to record the gradient reaching each step's states, when asked (`None` in training:
    /// then nothing is recorded and nothing is spent on it).
    pub states: Option<&'a mut StateRecord>,
}

impl RecGrads<'_> {
    /// Records `dh` `[batch, units]` as step `t`'s `∂L/∂h_t`, when recording.
    #[inline]
    pub(crate) fn record_dh(&mut self, t: usize, dh: &[f32]) {
        if let Some(r) = self.states.as_deref_mut() {
            r.dh[t * dh.len()..(t + 1) * dh.len()].copy_from_slice(dh);
        }
    }
}

/// The gradient of the loss reaching each step's states, recorded by [`backward`] when
/// [`RecGrads::states`] asks for it: `[time, batch, units]`, in the direction's own time order
/// (row `t` belongs to the state `DirCache::h[t+1]`).
///
/// - `dh[t]` = `∂L/∂h_t`, `h_t` the state after step `t` *after masking* (what step `t+1` reads
///   and the layer outputs): everything that reaches it, from the layer's output at `t` (the layer
///   above, or the Dense head) and from step `t+1`. At a masked step `h_t = h_{t-1}` is carried,
///   so what reaches it flows on to `h_{t-1}` unchanged.
/// - `dc[t]` (LSTM; empty otherwise) = `∂L/∂c_t` for the cell state after masking, every path
///   counted: through step `t+1`, and, at a real step, through `h_t = o∘tanh(c_t)` (the output
///   gate's peephole included), as if `h_t` were recomputed from a changed `c_t`. At a masked step
///   `h_t` does not depend on `c_t`: only the gradient from step `t+1` reaches it.
///
/// For a weight `m` between 0 and 1 (a mask value) the two cases mix linearly.
#[derive(Clone, Debug, Default)]
pub struct StateRecord {
    pub dh: Vec<f32>,
    pub dc: Vec<f32>,
}

/// Everything a cell needs to run over one sequence besides its cache.
#[derive(Clone, Copy, Debug)]
pub struct Seq<'a> {
    pub d: Dims,
    pub w: RecWeights<'a>,
    /// `[time, batch]` 1.0 = real step, 0.0 = padding (the state is carried).
    pub mask: Option<&'a [f32]>,
    /// Recurrent dropout (Keras `recurrent_dropout`): `[masks, batch, units]` with `masks` = 1
    /// (shared by every gate) or G (one per gate); values 0 or `1/(1-rate)`. The same masks are
    /// used at every time step; they scale `h_{t-1}` where it enters the recurrent product only.
    pub rec_drop: Option<&'a [f32]>,
    /// `[G*units, units]` Uᵀ, row-major, during the backward pass (empty in the forward pass):
    /// transposed once per sequence in [`backward`], so that the per-step products `dz·Uᵀ`
    /// read it in place instead of transposing U again at every step.
    pub u_t: &'a [f32],
    /// `h` and the gate gradients `dz` are mostly exact zeros (relu states), and skipping them
    /// pays here: the recurrent products skip them ([`crate::engine::cpu::sparse`]; same bits).
    pub sparse: bool,
    /// The steps this call runs ([`Steps::all`] but for the free-running path, which runs one
    /// step at a time through the whole stack: `model/feedback.rs`).
    pub steps: Steps,
}

/// A range of time steps `from..to` of a sequence of `d.time` steps. The forward pass runs them
/// in order, the backward pass in reverse, and a backward pass over a whole sequence in pieces
/// runs the last piece first: it starts from zero gradients when `to == time` and carries them
/// in [`Scratch`] otherwise, and adds the batched `dU` once the piece reaching step 0 is done.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Steps {
    pub from: usize,
    pub to: usize,
}

impl Steps {
    pub fn all(time: usize) -> Steps {
        Steps { from: 0, to: time }
    }
    pub fn one(t: usize) -> Steps {
        Steps { from: t, to: t + 1 }
    }
    pub fn range(self) -> std::ops::Range<usize> {
        self.from..self.to
    }
}

impl Seq<'_> {
    /// Whether a backward pass starts here (the last steps of the sequence): gradients from zero.
    #[inline]
    pub fn starts_backward(&self) -> bool {
        self.steps.to == self.d.time
    }
    /// Whether a backward pass ends here (step 0 included): the batched `dU` is added.
    #[inline]
    pub fn ends_backward(&self) -> bool {
        self.steps.from == 0
    }
}

impl Seq<'_> {
    /// The recurrent dropout mask of gate `g` (`[batch, units]`), if any.
    #[inline]
    pub fn drop_of(&self, g: usize) -> Option<&[f32]> {
        let bh = self.d.batch * self.d.units;
        self.rec_drop.map(|m| if m.len() == bh { m } else { &m[g * bh..(g + 1) * bh] })
    }
}

/// Per-step scratch buffers, kept between calls so the time loop never allocates.
#[derive(Clone, Debug, Default)]
pub struct Scratch {
    /// `[batch, G*units]`
    pub wide: Vec<f32>,
    /// `[batch, units]` gradient flowing into `h_{t-1}`
    pub dh: Vec<f32>,
    /// `[batch, units]` gradient flowing into `c_{t-1}` (LSTM), or `d(r∘h)` (reset-before GRU)
    pub dc: Vec<f32>,
    /// `[batch, units]` `r∘h_{t-1}` (reset-before GRU)
    pub narrow: Vec<f32>,
    /// `[batch, units]` a dropped-out `h_{t-1}` and its gradient
    pub dropped: Vec<f32>,
    pub d_dropped: Vec<f32>,
    /// `[G*units, units]` Uᵀ (see [`Seq::u_t`])
    pub u_t: Vec<f32>,
}

impl Scratch {
    pub fn prepare(&mut self, cell: CellKind, d: Dims) {
        let bh = d.batch * d.units;
        resize(&mut self.wide, bh * cell.gates());
        for v in [&mut self.dh, &mut self.dc, &mut self.narrow, &mut self.dropped, &mut self.d_dropped] {
            resize(v, bh);
        }
    }
}

/// Runs `cell` forward over a sequence. [`DirCache::input_side`] must hold `x·W + b`; fills the rest
/// of `cache`.
pub fn forward(cell: CellKind, seq: &Seq, cache: &mut DirCache, s: &mut Scratch) {
    s.prepare(cell, seq.d);
    match cell {
        CellKind::SimpleRnn { activation } => simple_rnn::forward(activation, seq, cache, s),
        CellKind::Lstm { .. } => lstm::forward(seq, cache, s),
        CellKind::Gru { reset_after: true } => gru::forward_reset_after(seq, cache, s),
        CellKind::Gru { reset_after: false } => gru::forward_reset_before(seq, cache, s),
    }
}

/// Backpropagation through time for `cell`.
///
/// `dh_out` `[time, batch, units]` is the gradient of the loss with respect to each step's
/// output `h_t` (zero where the output is unused). Writes `dxw` `[time, batch, G*units]`, the
/// gradient with respect to `x·W + b`, and adds the recurrent weights' gradients into `g`.
/// With [`RecGrads::states`], also records the gradient reaching every step's states
/// ([`StateRecord`]).
pub fn backward(cell: CellKind, seq: &Seq, cache: &DirCache, dh_out: &[f32], dxw: &mut [f32], mut g: RecGrads, s: &mut Scratch) {
    s.prepare(cell, seq.d);
    if let (Some(r), true) = (g.states.as_deref_mut(), seq.starts_backward()) {
        let n = seq.d.time * seq.d.batch * seq.d.units;
        resize(&mut r.dh, n);
        resize(&mut r.dc, if cell.has_cell_state() { n } else { 0 });
    }
    let (u, gu) = (seq.d.units, cell.gates() * seq.d.units);
    let mut u_t = std::mem::take(&mut s.u_t);
    // Transposed once per backward pass (a pass in pieces keeps it in the scratch meanwhile).
    if seq.starts_backward() || u_t.len() != gu * u {
        u_t.resize(gu * u, 0.0);
        transpose(seq.w.u, u, gu, &mut u_t);
    }
    let seq = &Seq { u_t: &u_t, ..*seq };
    match cell {
        CellKind::SimpleRnn { activation } => simple_rnn::backward(activation, seq, cache, dh_out, dxw, g, s),
        CellKind::Lstm { .. } => lstm::backward(seq, cache, dh_out, dxw, g, s),
        CellKind::Gru { reset_after: true } => gru::backward_reset_after(seq, cache, dh_out, dxw, g, s),
        CellKind::Gru { reset_after: false } => gru::backward_reset_before(seq, cache, dh_out, dxw, g, s),
    }
    s.u_t = u_t;
}

/// `dh (+)= dz_g·U_gᵀ` for the gate block(s) `g`: `dz` `[batch, cols]` (rows `ld` apart), read
/// against rows `first·units..` of [`Seq::u_t`].
pub(crate) fn times_u_t(seq: &Seq, dz: Mat, first_gate: usize, dh: &mut [f32], acc: Accumulate) {
    let u = seq.d.units;
    let u_t = Mat::new(&seq.u_t[first_gate * u * u..(first_gate * u + dz.cols) * u], dz.cols, u);
    let gemm = if seq.sparse { gemm_nn_sparse } else { gemm_nn };
    gemm(dz, u_t, &mut MatMut::new(dh, seq.d.batch, u), acc);
}

/// `out[:, block g] += (h ∘ drop_g)·U[:, block g]` for the gate blocks `gates` (each `units`
/// wide; `out` and `U` have `ld` columns). Without dropout, one product over the whole range.
pub(crate) fn recurrent_product(seq: &Seq, h: &[f32], ld: usize, gates: std::ops::Range<usize>, out: &mut [f32], dropped: &mut [f32]) {
    time(Phase::RecurrentProduct, || {
        let (b, u) = (seq.d.batch, seq.d.units);
        if seq.rec_drop.is_none() {
            let cols = (gates.end - gates.start) * u;
            let off = gates.start * u;
            let gemm = if seq.sparse { gemm_nn_sparse } else { gemm_nn };
            gemm(
                Mat::new(h, b, u),
                Mat::strided(&seq.w.u[off..], u, cols, ld),
                &mut MatMut::strided(&mut out[off..], b, cols, ld),
                Accumulate::Add,
            );
            return;
        }
        for g in gates {
            let hd: &[f32] = match seq.drop_of(g) {
                Some(m) => {
                    mul_into(h, m, dropped);
                    dropped
                }
                None => h,
            };
            gemm_nn(
                Mat::new(hd, b, u),
                Mat::strided(&seq.w.u[g * u..], u, u, ld),
                &mut MatMut::strided(&mut out[g * u..], b, u, ld),
                Accumulate::Add,
            );
        }
    })
}

/// Backward of [`recurrent_product`]: `dh += Σ_g (dz_g·U_gᵀ) ∘ drop_g` and
/// `dU_g += (h ∘ drop_g)ᵀ·dz_g`, with `dz` `[batch, ld]`.
#[allow(clippy::too_many_arguments)]
pub(crate) fn recurrent_product_backward(
    seq: &Seq,
    h: &[f32],
    dz: &[f32],
    ld: usize,
    gates: std::ops::Range<usize>,
    dh: &mut [f32],
    du: Option<&mut [f32]>,
    dropped: &mut [f32],
    d_dropped: &mut [f32],
) {
    time(Phase::RecurrentProduct, || {
        let (b, u) = (seq.d.batch, seq.d.units);
        if seq.rec_drop.is_none() {
            let cols = (gates.end - gates.start) * u;
            let off = gates.start * u;
            let dzm = Mat::strided(&dz[off..], b, cols, ld);
            times_u_t(seq, dzm, gates.start, dh, Accumulate::Add);
            if let Some(du) = du {
                gemm_tn(Mat::new(h, b, u), dzm, &mut MatMut::strided(&mut du[off..], u, cols, ld), Accumulate::Add);
            }
            return;
        }
        let du = du.expect("with recurrent dropout dU is computed step by step");
        for g in gates {
            let dzm = Mat::strided(&dz[g * u..], b, u, ld);
            let m = seq.drop_of(g).expect("rec_drop is set");
            mul_into(h, m, dropped);
            gemm_tn(Mat::new(dropped, b, u), dzm, &mut MatMut::strided(&mut du[g * u..], u, u, ld), Accumulate::Add);
            times_u_t(seq, dzm, g, d_dropped, Accumulate::Overwrite);
            for ((a, &v), &mv) in dh.iter_mut().zip(d_dropped.iter()).zip(m) {
                *a += v * mv;
            }
        }
    })
}

/// Whether the cell may leave `dU` out of each step's [`recurrent_product_backward`] and add it once
/// for all steps with [`recurrent_weight_grad_all_steps`]: only without recurrent dropout (with it,
/// each gate sees its own masked copy of `h`).
pub(crate) fn du_after_loop(seq: &Seq) -> bool {
    seq.rec_drop.is_none()
}

/// `dU[:, gates] += Σ_{t≥1} h_{t-1}ᵀ·dz_t` as one product with `k = (time-1)·batch` rather than
/// `time-1` products with `k = batch`: the same sum (in another order), at several times the speed
/// of the small products. `h_prev` is `[time-1, batch, units]` (the states before steps 1..time),
/// `dz` `[time-1, batch, ld]` (the gate gradients of steps 1..time).
pub(crate) fn recurrent_weight_grad_all_steps(
    seq: &Seq,
    h_prev: &[f32],
    dz: &[f32],
    ld: usize,
    gates: std::ops::Range<usize>,
    du: &mut [f32],
) {
    let (rows, u) = ((seq.d.time.saturating_sub(1)) * seq.d.batch, seq.d.units);
    if rows == 0 {
        return;
    }
    let cols = (gates.end - gates.start) * u;
    let off = gates.start * u;
    let gemm = if seq.sparse { gemm_tn_sparse } else { gemm_tn };
    time(Phase::RecurrentProduct, || {
        gemm(
            Mat::new(&h_prev[..rows * u], rows, u),
            Mat::strided(&dz[off..], rows, cols, ld),
            &mut MatMut::strided(&mut du[off..], u, cols, ld),
            Accumulate::Add,
        )
    })
}

/// `out = a ∘ b`
#[inline]
pub(crate) fn mul_into(a: &[f32], b: &[f32], out: &mut [f32]) {
    for ((o, &x), &y) in out.iter_mut().zip(a).zip(b) {
        *o = x * y;
    }
}

/// The mask value of step `t`, batch row `b` (1.0 when there is no mask).
#[inline]
pub(crate) fn mask_at(mask: Option<&[f32]>, t: usize, batch: usize, b: usize) -> f32 {
    mask.map_or(1.0, |m| m[t * batch + b])
}

/// Splits `h` `[time+1, batch, units]` into (`h_{t-1}` = block t, `h_t` = block t+1).
#[inline]
pub(crate) fn prev_next(h: &mut [f32], t: usize, bh: usize) -> (&[f32], &mut [f32]) {
    let (before, after) = h.split_at_mut((t + 1) * bh);
    (&before[t * bh..], &mut after[..bh])
}

#[inline]
pub(crate) fn sigmoid(x: f32) -> f32 {
    math::sigmoid(x)
}

pub(crate) fn resize(v: &mut Vec<f32>, n: usize) {
    if v.len() != n {
        v.resize(n, 0.0);
    }
}
