//! One time step of each recurrent cell, for one sample, unit by unit, in f64.
//!
//! Notation (Keras's layout; `u` units, `G` gate blocks along the last axis):
//! ```text
//! W [input][G·u]   U [u][G·u]   b [G·u]          gate g, unit j  ↦  column g·u + j
//! x̃_g = x_t ∘ mx_g       the input as gate g sees it (input dropout mask mx_g, all ones without)
//! h̃_g = h_{t-1} ∘ mh_g   the previous state as gate g's recurrent product sees it (recurrent mask)
//! ```
//! The masks only scale what enters a product; the carried `h_{t-1}` (the GRU's blend `z∘h_{t-1}`)
//! and `c_{t-1}` are never scaled. Masking of padded steps is not done here but by the caller
//! (`super::model`): a cell step always computes the new state.

use std::ops::Range;

use crate::engine::cells::{Activation, CellKind};

/// One direction's weights, or their gradients (same shapes), in f64.
#[derive(Clone, Debug)]
pub(super) struct CellWeights {
    /// `W` `[input][G·u]`
    pub kernel: Vec<Vec<f64>>,
    /// `U` `[u][G·u]`
    pub recurrent: Vec<Vec<f64>>,
    /// `b` `[G·u]`; for a reset-after GRU the input bias `b_in` (row 0 of its `[2, 3u]` bias).
    pub bias: Vec<f64>,
    /// `b_rec` `[3u]`, row 1 of a reset-after GRU's bias; empty for every other cell.
    pub recurrent_bias: Vec<f64>,
    /// `[3][u]` peephole weights `p_i, p_f, p_o` (peephole LSTM); empty otherwise.
    pub peephole: Vec<Vec<f64>>,
}

impl CellWeights {
    /// Zeros with the same shapes (a gradient accumulator).
    pub fn zeros_like(&self) -> Self {
        let zero_rows = |m: &Vec<Vec<f64>>| m.iter().map(|r| vec![0.0; r.len()]).collect();
        CellWeights {
            kernel: zero_rows(&self.kernel),
            recurrent: zero_rows(&self.recurrent),
            bias: vec![0.0; self.bias.len()],
            recurrent_bias: vec![0.0; self.recurrent_bias.len()],
            peephole: zero_rows(&self.peephole),
        }
    }
}

/// The dropout masks of one direction for one sample, one per gate (a mask shared by every gate
/// is repeated G times); all ones without dropout.
#[derive(Clone, Debug)]
pub(super) struct StepMasks {
    /// `mx_g` `[G][input]`
    pub input: Vec<Vec<f64>>,
    /// `mh_g` `[G][u]`
    pub recurrent: Vec<Vec<f64>>,
}

/// What one step computed, kept for its backward pass.
#[derive(Clone, Debug)]
pub(super) struct Step {
    /// `x_t` `[input]` (before dropout)
    pub x: Vec<f64>,
    /// `h_{t-1}` `[u]`, and `c_{t-1}` `[u]` (LSTM; empty otherwise)
    pub h_prev: Vec<f64>,
    pub c_prev: Vec<f64>,
    /// SimpleRNN: the pre-activation `a` `[u]`. LSTM: `[i, f, g, o]` `[4u]`. GRU: `[z, r, n]` `[3u]`.
    pub gates: Vec<f64>,
    /// Reset-after GRU: `r_h = h̃_h·U_h + b_rec_h` `[u]`; empty otherwise.
    pub rec_h: Vec<f64>,
    /// The new state before masking: `h_t` `[u]`, `c_t` `[u]` (LSTM; empty otherwise).
    pub h: Vec<f64>,
    pub c: Vec<f64>,
}

/// Gradients a step sends back: to its input and to the previous state.
#[derive(Clone, Debug)]
pub(super) struct StepGrads {
    /// `∂L/∂x_t` `[input]`
    pub dx: Vec<f64>,
    /// `∂L/∂h_{t-1}` `[u]`
    pub dh_prev: Vec<f64>,
    /// `∂L/∂c_{t-1}` `[u]` (LSTM; empty otherwise)
    pub dc_prev: Vec<f64>,
    /// `∂L/∂c_t` `[u]` of the new cell state, every path into it (LSTM; empty otherwise)
    pub dc_t: Vec<f64>,
}

/// `σ(x) = 1 / (1 + e^{-x})`
fn sigmoid(x: f64) -> f64 {
    1.0 / (1.0 + (-x).exp())
}

/// A SimpleRNN activation `f(a)`.
fn activate(act: Activation, a: f64) -> f64 {
    match act {
        Activation::Tanh => a.tanh(),
        Activation::Relu => a.max(0.0),
        // Keras 3's `leaky_relu` activation: negative slope 0.2.
        Activation::LeakyRelu => {
            if a > 0.0 {
                a
            } else {
                0.2 * a
            }
        }
        // Keras's `elu`, alpha 1.
        Activation::Elu => {
            if a > 0.0 {
                a
            } else {
                a.exp() - 1.0
            }
        }
        Activation::Linear => a,
    }
}

/// `f'(a)`, from the pre-activation (0 at a relu's kink, as TensorFlow does).
fn activate_grad(act: Activation, a: f64) -> f64 {
    match act {
        Activation::Tanh => 1.0 - a.tanh() * a.tanh(),
        Activation::Relu => {
            if a > 0.0 {
                1.0
            } else {
                0.0
            }
        }
        Activation::LeakyRelu => {
            if a > 0.0 {
                1.0
            } else {
                0.2
            }
        }
        Activation::Elu => {
            if a > 0.0 {
                1.0
            } else {
                a.exp()
            }
        }
        Activation::Linear => 1.0,
    }
}

/// `z[g·u + j] += Σ_i (v[i]·mask_g[i])·M[i][g·u + j]` for every gate `g` in `gates`, unit `j`:
/// the product of a dropped-out vector with gate `g`'s block of `M`.
fn project(v: &[f64], masks: &[Vec<f64>], m: &[Vec<f64>], u: usize, gates: Range<usize>, z: &mut [f64]) {
    for g in gates {
        for j in 0..u {
            let col = g * u + j;
            let mut sum = 0.0;
            for i in 0..v.len() {
                sum += v[i] * masks[g][i] * m[i][col];
            }
            z[col] += sum;
        }
    }
}

/// Backward of [`project`] given `dz = ∂L/∂z`:
/// `dM[i][g·u + j] += (v[i]·mask_g[i])·dz[g·u + j]` and `dv[i] += Σ_j M[i][g·u + j]·dz[g·u + j]·mask_g[i]`.
#[allow(clippy::too_many_arguments)]
fn project_back(
    v: &[f64],
    masks: &[Vec<f64>],
    m: &[Vec<f64>],
    u: usize,
    gates: Range<usize>,
    dz: &[f64],
    dm: &mut [Vec<f64>],
    dv: &mut [f64],
) {
    for g in gates {
        for j in 0..u {
            let col = g * u + j;
            for i in 0..v.len() {
                dm[i][col] += v[i] * masks[g][i] * dz[col];
                dv[i] += m[i][col] * dz[col] * masks[g][i];
            }
        }
    }
}

/// Runs one step of `cell` from `(h_{t-1}, c_{t-1})` on input `x_t`. `c_nudge = (j, δ)` adds δ to
/// unit j of the LSTM's new cell state `c_t` before `o` and `h_t` are computed from it (for finite
/// differences of `∂L/∂c_t`; `None` otherwise).
pub(super) fn forward(
    cell: CellKind,
    w: &CellWeights,
    m: &StepMasks,
    x: &[f64],
    h_prev: &[f64],
    c_prev: &[f64],
    c_nudge: Option<(usize, f64)>,
) -> Step {
    let u = h_prev.len();
    let mut s = Step {
        x: x.to_vec(),
        h_prev: h_prev.to_vec(),
        c_prev: c_prev.to_vec(),
        gates: Vec::new(),
        rec_h: Vec::new(),
        h: vec![0.0; u],
        c: Vec::new(),
    };
    match cell {
        // a   = x̃·W + h̃·U + b
        // h_t = f(a)
        CellKind::SimpleRnn { activation } => {
            let mut a = w.bias.clone();
            project(x, &m.input, &w.kernel, u, 0..1, &mut a);
            project(h_prev, &m.recurrent, &w.recurrent, u, 0..1, &mut a);
            for j in 0..u {
                s.h[j] = activate(activation, a[j]);
            }
            s.gates = a;
        }
        // z   = x̃·W + h̃·U + b                         (blocks z_i, z_f, z_c, z_o)
        // i   = σ(z_i + p_i∘c_{t-1})    f = σ(z_f + p_f∘c_{t-1})    g = tanh(z_c)
        // c_t = f∘c_{t-1} + i∘g
        // o   = σ(z_o + p_o∘c_t)
        // h_t = o∘tanh(c_t)                            (p = 0 without peepholes)
        CellKind::Lstm { .. } => {
            let mut z = w.bias.clone();
            project(x, &m.input, &w.kernel, u, 0..4, &mut z);
            project(h_prev, &m.recurrent, &w.recurrent, u, 0..4, &mut z);
            let mut gates = vec![0.0; 4 * u];
            s.c = vec![0.0; u];
            for j in 0..u {
                let (p_i, p_f, p_o) = peepholes(w, j);
                let i = sigmoid(z[j] + p_i * c_prev[j]);
                let f = sigmoid(z[u + j] + p_f * c_prev[j]);
                let g = z[2 * u + j].tanh();
                let nudge = c_nudge.filter(|&(k, _)| k == j).map_or(0.0, |(_, d)| d);
                let c = f * c_prev[j] + i * g + nudge;
                let o = sigmoid(z[3 * u + j] + p_o * c);
                s.c[j] = c;
                s.h[j] = o * c.tanh();
                gates[j] = i;
                gates[u + j] = f;
                gates[2 * u + j] = g;
                gates[3 * u + j] = o;
            }
            s.gates = gates;
        }
        // x_z, x_r, x_h = x̃·W + b_in        r_z, r_r, r_h = h̃·U + b_rec
        // z = σ(x_z + r_z)    r = σ(x_r + r_r)    n = tanh(x_h + r∘r_h)
        // h_t = z∘h_{t-1} + (1-z)∘n
        CellKind::Gru { reset_after: true } => {
            let mut xz = w.bias.clone();
            project(x, &m.input, &w.kernel, u, 0..3, &mut xz);
            let mut hz = w.recurrent_bias.clone();
            project(h_prev, &m.recurrent, &w.recurrent, u, 0..3, &mut hz);
            let mut gates = vec![0.0; 3 * u];
            for j in 0..u {
                let z = sigmoid(xz[j] + hz[j]);
                let r = sigmoid(xz[u + j] + hz[u + j]);
                let n = (xz[2 * u + j] + r * hz[2 * u + j]).tanh();
                s.h[j] = z * h_prev[j] + (1.0 - z) * n;
                gates[j] = z;
                gates[u + j] = r;
                gates[2 * u + j] = n;
            }
            s.rec_h = hz[2 * u..].to_vec();
            s.gates = gates;
        }
        // z = σ(x̃_z·W_z + h̃_z·U_z + b_z)    r = σ(x̃_r·W_r + h̃_r·U_r + b_r)
        // n = tanh(x̃_h·W_h + (r∘h̃_h)·U_h + b_h)
        // h_t = z∘h_{t-1} + (1-z)∘n
        CellKind::Gru { reset_after: false } => {
            let mut a = w.bias.clone();
            project(x, &m.input, &w.kernel, u, 0..3, &mut a);
            project(h_prev, &m.recurrent, &w.recurrent, u, 0..2, &mut a);
            let mut gates = vec![0.0; 3 * u];
            for j in 0..u {
                gates[j] = sigmoid(a[j]);
                gates[u + j] = sigmoid(a[u + j]);
            }
            for j in 0..u {
                let mut sum = 0.0;
                for i in 0..u {
                    let rh = gates[u + i] * h_prev[i] * m.recurrent[2][i];
                    sum += rh * w.recurrent[i][2 * u + j];
                }
                let n = (a[2 * u + j] + sum).tanh();
                let z = gates[j];
                s.h[j] = z * h_prev[j] + (1.0 - z) * n;
                gates[2 * u + j] = n;
            }
            s.gates = gates;
        }
    }
    s
}

/// `(p_i, p_f, p_o)` of unit `j`; zeros without peepholes.
fn peepholes(w: &CellWeights, j: usize) -> (f64, f64, f64) {
    if w.peephole.is_empty() {
        (0.0, 0.0, 0.0)
    } else {
        (w.peephole[0][j], w.peephole[1][j], w.peephole[2][j])
    }
}

/// Backward of one step: given `dh = ∂L/∂h_t` and `dc = ∂L/∂c_t` (LSTM; empty otherwise) of the
/// new, unmasked state, adds the weights' gradients into `grad` and returns the gradients with
/// respect to `x_t`, `h_{t-1}` and `c_{t-1}`.
pub(super) fn backward(
    cell: CellKind,
    w: &CellWeights,
    m: &StepMasks,
    s: &Step,
    dh: &[f64],
    dc: &[f64],
    grad: &mut CellWeights,
) -> StepGrads {
    let u = s.h_prev.len();
    let (du, cu) = (vec![0.0; u], vec![0.0; s.c_prev.len()]);
    let mut out = StepGrads { dx: vec![0.0; s.x.len()], dh_prev: du, dc_prev: cu.clone(), dc_t: cu };
    match cell {
        // da = dh∘f'(a);  db += da;  dW, dU and dx, dh_{t-1} through the two products.
        CellKind::SimpleRnn { activation } => {
            let mut da = vec![0.0; u];
            for j in 0..u {
                da[j] = dh[j] * activate_grad(activation, s.gates[j]);
                grad.bias[j] += da[j];
            }
            project_back(&s.x, &m.input, &w.kernel, u, 0..1, &da, &mut grad.kernel, &mut out.dx);
            project_back(&s.h_prev, &m.recurrent, &w.recurrent, u, 0..1, &da, &mut grad.recurrent, &mut out.dh_prev);
        }
        // do   = dh∘tanh(c_t)                   dz_o = do∘o(1-o)
        // dc_t = dc + dh∘o∘(1 - tanh²(c_t)) + dz_o∘p_o      (all paths into c_t)
        // dz_i = dc_t∘g∘i(1-i)   dz_f = dc_t∘c_{t-1}∘f(1-f)   dz_c = dc_t∘i∘(1-g²)
        // dc_{t-1} = dc_t∘f + dz_i∘p_i + dz_f∘p_f
        // dp_i += dz_i∘c_{t-1}   dp_f += dz_f∘c_{t-1}   dp_o += dz_o∘c_t
        CellKind::Lstm { .. } => {
            let mut dz = vec![0.0; 4 * u];
            for j in 0..u {
                let (i, f, g, o) = (s.gates[j], s.gates[u + j], s.gates[2 * u + j], s.gates[3 * u + j]);
                let (p_i, p_f, p_o) = peepholes(w, j);
                let (c, c_prev) = (s.c[j], s.c_prev[j]);
                let tc = c.tanh();
                let dz_o = dh[j] * tc * o * (1.0 - o);
                let dc_t = dc[j] + dh[j] * o * (1.0 - tc * tc) + dz_o * p_o;
                let dz_i = dc_t * g * i * (1.0 - i);
                let dz_f = dc_t * c_prev * f * (1.0 - f);
                let dz_c = dc_t * i * (1.0 - g * g);
                dz[j] = dz_i;
                dz[u + j] = dz_f;
                dz[2 * u + j] = dz_c;
                dz[3 * u + j] = dz_o;
                out.dc_prev[j] = dc_t * f + dz_i * p_i + dz_f * p_f;
                out.dc_t[j] = dc_t;
                if !grad.peephole.is_empty() {
                    grad.peephole[0][j] += dz_i * c_prev;
                    grad.peephole[1][j] += dz_f * c_prev;
                    grad.peephole[2][j] += dz_o * c;
                }
            }
            for (gb, d) in grad.bias.iter_mut().zip(&dz) {
                *gb += d;
            }
            project_back(&s.x, &m.input, &w.kernel, u, 0..4, &dz, &mut grad.kernel, &mut out.dx);
            project_back(&s.h_prev, &m.recurrent, &w.recurrent, u, 0..4, &dz, &mut grad.recurrent, &mut out.dh_prev);
        }
        // dz = dh∘(h_{t-1} - n)   dn = dh∘(1-z)   dh_{t-1} += dh∘z      (the blend)
        // da_n = dn∘(1-n²)        → x_h gets da_n,  r_h gets da_n∘r
        // da_r = da_n∘r_h∘r(1-r)  → x_r and r_r
        // da_z = dz∘z(1-z)        → x_z and r_z
        CellKind::Gru { reset_after: true } => {
            let mut dxz = vec![0.0; 3 * u];
            let mut dhz = vec![0.0; 3 * u];
            for j in 0..u {
                let (z, r, n) = (s.gates[j], s.gates[u + j], s.gates[2 * u + j]);
                let da_z = dh[j] * (s.h_prev[j] - n) * z * (1.0 - z);
                let da_n = dh[j] * (1.0 - z) * (1.0 - n * n);
                let da_r = da_n * s.rec_h[j] * r * (1.0 - r);
                out.dh_prev[j] += dh[j] * z;
                dxz[j] = da_z;
                dxz[u + j] = da_r;
                dxz[2 * u + j] = da_n;
                dhz[j] = da_z;
                dhz[u + j] = da_r;
                dhz[2 * u + j] = da_n * r;
            }
            for k in 0..3 * u {
                grad.bias[k] += dxz[k];
                grad.recurrent_bias[k] += dhz[k];
            }
            project_back(&s.x, &m.input, &w.kernel, u, 0..3, &dxz, &mut grad.kernel, &mut out.dx);
            project_back(&s.h_prev, &m.recurrent, &w.recurrent, u, 0..3, &dhz, &mut grad.recurrent, &mut out.dh_prev);
        }
        // da_z = dh∘(h_{t-1} - n)∘z(1-z)   da_h = dh∘(1-z)∘(1-n²)   dh_{t-1} += dh∘z
        // with q = r∘h̃_h:  dq = da_h·U_hᵀ   dU_h += qᵀ·da_h
        // da_r = dq∘h̃_h∘r(1-r)   dh_{t-1} += dq∘r∘mh_h
        CellKind::Gru { reset_after: false } => {
            let mut da = vec![0.0; 3 * u];
            for j in 0..u {
                let (z, n) = (s.gates[j], s.gates[2 * u + j]);
                da[j] = dh[j] * (s.h_prev[j] - n) * z * (1.0 - z);
                da[2 * u + j] = dh[j] * (1.0 - z) * (1.0 - n * n);
                out.dh_prev[j] += dh[j] * z;
            }
            for i in 0..u {
                let r = s.gates[u + i];
                let mh = m.recurrent[2][i];
                let q = r * s.h_prev[i] * mh;
                let mut dq = 0.0;
                for j in 0..u {
                    dq += w.recurrent[i][2 * u + j] * da[2 * u + j];
                    grad.recurrent[i][2 * u + j] += q * da[2 * u + j];
                }
                da[u + i] = dq * s.h_prev[i] * mh * r * (1.0 - r);
                out.dh_prev[i] += dq * r * mh;
            }
            for (gb, d) in grad.bias.iter_mut().zip(&da) {
                *gb += d;
            }
            project_back(&s.x, &m.input, &w.kernel, u, 0..3, &da, &mut grad.kernel, &mut out.dx);
            project_back(&s.h_prev, &m.recurrent, &w.recurrent, u, 0..2, &da, &mut grad.recurrent, &mut out.dh_prev);
        }
    }
    out
}
