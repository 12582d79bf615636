//! One sample through the whole model: input → recurrent stack (masking, Bidirectional) → Dense
//! head, and backpropagation through time back to the weights and the embedding rows.
//!
//! Everything here is indexed by the sample's own time index `t` (`0..T`), whichever direction
//! processes it, so that entry `t` of a direction's record is "the step that processed time index t"
//! and its state is "the state after processing t" (the golden files' `traces` layout).

use super::cells::{self, CellWeights, Step, StepMasks};
use crate::engine::cells::CellKind;
use crate::engine::model::{Merge, RecurrentSpec};

/// A sequence of vectors, `[time][features]`.
pub(super) type Rows = Vec<Vec<f64>>;

/// One direction of one layer, run over one sample.
#[derive(Clone, Debug)]
pub(super) struct DirRun {
    /// The cell step that processed time index `t`.
    pub steps: Vec<Step>,
    /// The state after processing time index `t`, after masking: `[time][u]`.
    pub h: Rows,
    /// Same for the LSTM cell state (empty rows for other cells).
    pub c: Rows,
}

/// Time indices in the order a direction processes them: `0, 1, …, T-1` forward,
/// `T-1, …, 1, 0` for the backward direction of a Bidirectional layer (`go_backwards`).
fn order(time: usize, backwards: bool) -> Vec<usize> {
    if backwards {
        (0..time).rev().collect()
    } else {
        (0..time).collect()
    }
}

/// A change `delta` to unit `unit` of the state after processing time index `t`: `h_t` (after
/// masking), or with `cell` the LSTM's `c_t`, which a real step's `o` and `h_t` then see.
#[derive(Clone, Copy, Debug)]
pub(super) struct StateNudge {
    pub t: usize,
    pub unit: usize,
    pub cell: bool,
    pub delta: f64,
}

/// Runs one direction over `xs` `[time][input]` with `mask` `[time]` (1 = real step, 0 = padding).
///
/// ```text
/// (h', c') = cell(x_t, h_prev, c_prev)          h_prev, c_prev = 0 before the first step
/// h_t = m_t·h' + (1 - m_t)·h_prev               a masked step carries the state
/// c_t = m_t·c' + (1 - m_t)·c_prev
/// ```
/// With a `nudge` (finite differences of the state gradients): `h_t += δ`, or `c' += δ` inside
/// the cell and `c_t += (1 - m_t)·δ` on the carried part, so that `c_t` grows by δ either way.
pub(super) fn run_direction(
    cell: CellKind,
    w: &CellWeights,
    m: &StepMasks,
    xs: &Rows,
    mask: &[f64],
    backwards: bool,
    nudge: Option<StateNudge>,
) -> DirRun {
    let time = xs.len();
    let u = w.recurrent.len();
    let cu = if cell.has_cell_state() { u } else { 0 };
    let mut steps: Vec<Option<Step>> = vec![None; time];
    let mut hs = vec![Vec::new(); time];
    let mut cs = vec![Vec::new(); time];
    let mut h_prev = vec![0.0; u];
    let mut c_prev = vec![0.0; cu];
    for t in order(time, backwards) {
        let here = nudge.filter(|n| n.t == t);
        let c_nudge = here.filter(|n| n.cell).map(|n| (n.unit, n.delta));
        let step = cells::forward(cell, w, m, &xs[t], &h_prev, &c_prev, c_nudge);
        let mt = mask[t];
        let mut h: Vec<f64> = (0..u).map(|j| mt * step.h[j] + (1.0 - mt) * h_prev[j]).collect();
        let mut c: Vec<f64> = (0..cu).map(|j| mt * step.c[j] + (1.0 - mt) * c_prev[j]).collect();
        match here {
            Some(n) if n.cell => c[n.unit] += (1.0 - mt) * n.delta,
            Some(n) => h[n.unit] += n.delta,
            None => {}
        }
        h_prev = h.clone();
        c_prev = c.clone();
        hs[t] = h;
        cs[t] = c;
        steps[t] = Some(step);
    }
    DirRun { steps: steps.into_iter().map(|s| s.expect("every time index is processed")).collect(), h: hs, c: cs }
}

/// Backpropagation through time for one direction. `dh_out[t]` is `∂L/∂h_t` from the layer's
/// output (zero where the output does not use `h_t`). Walks the steps in reverse processing order:
///
/// ```text
/// δh = dh_out[t] + (gradient carried from the step processed after t)     δc likewise
/// h_t = m·h' + (1-m)·h_prev   ⇒   ∂L/∂h' = m·δh,   carried to h_prev: (1-m)·δh   (c likewise)
/// ∂L/∂h_t = δh                 ∂L/∂c_t = m·(∂L/∂c', all paths in the cell) + (1-m)·δc
/// ```
/// Adds the weights' gradients into `grad`; returns `∂L/∂x_t`, `∂L/∂h_t` and `∂L/∂c_t` for every `t`.
#[allow(clippy::too_many_arguments)]
pub(super) fn backward_direction(
    cell: CellKind,
    w: &CellWeights,
    m: &StepMasks,
    run: &DirRun,
    mask: &[f64],
    backwards: bool,
    dh_out: &Rows,
    grad: &mut CellWeights,
) -> DirGrads {
    let time = run.steps.len();
    let u = w.recurrent.len();
    let cu = if cell.has_cell_state() { u } else { 0 };
    let mut out = DirGrads { dx: vec![Vec::new(); time], dh: vec![Vec::new(); time], dc: vec![Vec::new(); time] };
    let mut dh_next = vec![0.0; u];
    let mut dc_next = vec![0.0; cu];
    for t in order(time, backwards).into_iter().rev() {
        let mt = mask[t];
        let dh: Vec<f64> = (0..u).map(|j| dh_out[t][j] + dh_next[j]).collect();
        let dc = dc_next.clone();
        let dh_new: Vec<f64> = dh.iter().map(|v| mt * v).collect();
        let dc_new: Vec<f64> = dc.iter().map(|v| mt * v).collect();
        let g = cells::backward(cell, w, m, &run.steps[t], &dh_new, &dc_new, grad);
        dh_next = (0..u).map(|j| g.dh_prev[j] + (1.0 - mt) * dh[j]).collect();
        dc_next = (0..cu).map(|j| g.dc_prev[j] + (1.0 - mt) * dc[j]).collect();
        out.dc[t] = (0..cu).map(|j| g.dc_t[j] + (1.0 - mt) * dc[j]).collect();
        out.dh[t] = dh;
        out.dx[t] = g.dx;
    }
    out
}

/// What [`backward_direction`] returns, `[time][width]` each, indexed by time index.
pub(super) struct DirGrads {
    /// `∂L/∂x_t`
    pub dx: Rows,
    /// `∂L/∂h_t` (the state after masking)
    pub dh: Rows,
    /// `∂L/∂c_t` (LSTM; empty rows otherwise)
    pub dc: Rows,
}

/// A layer's output for one sample.
///
/// ```text
/// one direction:     y_t = h_t
/// Bidirectional:     y_t = merge(h→_t, h←_t) · m_t        (0 at a masked step: zero_output_for_mask)
///                    merge: concat [h→, h←] | sum h→ + h← | ave (h→ + h←)/2 | mul h→∘h←
/// last state only:   y = h→_{T-1}   or   merge(h→_{T-1}, h←_0)   (carried states; never zeroed)
/// ```
/// where `h←_t` is the backward direction's state after processing `t` (its output re-reversed to
/// align with time). Returns `[time][out]` with `return_sequences`, else `[1][out]`.
pub(super) fn layer_output(spec: &RecurrentSpec, dirs: &[DirRun], mask: &[f64], return_sequences: bool) -> Rows {
    let time = dirs[0].h.len();
    let merge = |f: &[f64], b: &[f64], merge: Merge| -> Vec<f64> {
        match merge {
            Merge::Concat => f.iter().chain(b).copied().collect(),
            Merge::Sum => f.iter().zip(b).map(|(x, y)| x + y).collect(),
            Merge::Ave => f.iter().zip(b).map(|(x, y)| 0.5 * (x + y)).collect(),
            Merge::Mul => f.iter().zip(b).map(|(x, y)| x * y).collect(),
        }
    };
    match (spec.bidirectional, return_sequences) {
        (None, true) => dirs[0].h.clone(),
        (None, false) => vec![dirs[0].h[time - 1].clone()],
        (Some(mm), true) => (0..time).map(|t| merge(&dirs[0].h[t], &dirs[1].h[t], mm).iter().map(|v| v * mask[t]).collect()).collect(),
        (Some(mm), false) => vec![merge(&dirs[0].h[time - 1], &dirs[1].h[0], mm)],
    }
}

/// Backward of [`layer_output`]: from `dy` (`∂L/∂y`, same shape as the output) to `∂L/∂h_t` of each
/// direction, `[time][u]` per direction.
///
/// ```text
/// concat: dh→ = dy[..u], dh← = dy[u..]     sum: both dy     ave: both dy/2
/// mul:    dh→ = dy∘h←,  dh← = dy∘h→        (times m_t for a Bidirectional sequence output)
/// ```
pub(super) fn layer_output_backward(spec: &RecurrentSpec, dirs: &[DirRun], mask: &[f64], return_sequences: bool, dy: &Rows) -> Vec<Rows> {
    let time = dirs[0].h.len();
    let u = spec.units;
    let mut dh = vec![vec![vec![0.0; u]; time]; dirs.len()];
    // (output row, forward's time index, backward's time index, mask factor)
    let rows: Vec<(usize, usize, usize, f64)> = match (spec.bidirectional, return_sequences) {
        (None, true) => (0..time).map(|t| (t, t, t, 1.0)).collect(),
        (None, false) => vec![(0, time - 1, 0, 1.0)],
        (Some(_), true) => (0..time).map(|t| (t, t, t, mask[t])).collect(),
        (Some(_), false) => vec![(0, time - 1, 0, 1.0)],
    };
    for (r, tf, tb, keep) in rows {
        let g: Vec<f64> = dy[r].iter().map(|v| v * keep).collect();
        match spec.bidirectional {
            None => dh[0][tf] = g,
            Some(Merge::Concat) => {
                dh[0][tf] = g[..u].to_vec();
                dh[1][tb] = g[u..].to_vec();
            }
            Some(Merge::Sum) => {
                dh[0][tf] = g.clone();
                dh[1][tb] = g;
            }
            Some(Merge::Ave) => {
                dh[0][tf] = g.iter().map(|v| 0.5 * v).collect();
                dh[1][tb] = g.iter().map(|v| 0.5 * v).collect();
            }
            Some(Merge::Mul) => {
                dh[0][tf] = (0..u).map(|j| g[j] * dirs[1].h[tb][j]).collect();
                dh[1][tb] = (0..u).map(|j| g[j] * dirs[0].h[tf][j]).collect();
            }
        }
    }
    dh
}
