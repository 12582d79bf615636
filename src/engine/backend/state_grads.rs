//! What [`super::Backend::state_gradients`] returns, and the pieces any backend needs to
//! compute it: one row of a batch as a batch of its own, and the norm of each step's gradient.

use serde::{Deserialize, Serialize};

use crate::engine::model::{Input, InputData, ModelSpec, Targets, Workspace};
use crate::engine::train::parts::{part, part_targets};
use crate::engine::EngineError;

/// How the error signal of one sample reaches every step's states (backpropagation through time).
///
/// The loss `L` is that of the one sample alone (its own mean, as a batch of one), at inference:
/// no dropout, no update. For each recurrent layer and direction, step by step:
/// - `h[t]` = ‖∂L/∂h_t‖₂ over the units, `h_t` the hidden state after step `t` *after masking*
///   (what step `t+1` reads, and what the layer outputs): the total gradient reaching it, from the
///   layer's output at `t` (the layer above or the Dense head) and from step `t+1`. At a masked
///   (padding) step the state is carried, `h_t = h_{t-1}`, and what reaches it flows on unchanged.
/// - `c[t]` (LSTM only; empty otherwise) = ‖∂L/∂c_t‖₂ for the cell state after masking, every path
///   counted: from step `t+1` and, at a real step, through `h_t = o∘tanh(c_t)`.
///
/// The exact definitions are in `engine::cells::StateRecord`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct StateGradients {
    /// Time steps read.
    pub time: usize,
    /// The sample's loss.
    pub loss: f32,
    /// The global L2 norm of the sample's weight gradient `∂L/∂weights` (what clipping by global
    /// norm compares with its threshold).
    pub grad_norm: f32,
    /// Per recurrent layer, per direction (forward, then backward): as [`super::Trace`].
    pub layers: Vec<Vec<DirStateGradients>>,
}

/// One direction of one layer, in its own processing order (the backward direction's entry `i`
/// is its `i`-th step, which reads time index `time - 1 - i`), as [`super::DirTrace`].
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DirStateGradients {
    pub units: usize,
    /// `[time]` ‖∂L/∂h_t‖₂
    #[serde(with = "crate::engine::f32_bytes")]
    pub h: Vec<f32>,
    /// `[time]` ‖∂L/∂c_t‖₂ (LSTM; empty for other cells)
    #[serde(with = "crate::engine::f32_bytes")]
    pub c: Vec<f32>,
}

/// Row `row` of `input` and `targets` as a batch of one (borrowed, not copied).
pub(crate) fn one_row<'a>(input: &Input<'a>, targets: &Targets<'a>, row: usize) -> Result<(Input<'a>, Targets<'a>), EngineError> {
    let (b, t) = (input.batch, input.time);
    let bad = |m: String| Err(EngineError::InvalidInput(m));
    if row >= b {
        return bad(format!("row {row} of a batch of {b}"));
    }
    let data_fits = match input.data {
        InputData::Values(v) => v.len() % b == 0,
        InputData::Tokens(ids) => ids.len() == b * t,
    };
    if !data_fits || input.mask.is_some_and(|m| m.len() != b * t) {
        return bad(format!("the input does not hold {b} rows of {t} steps"));
    }
    match targets {
        Targets::Values(v) if v.len() % b != 0 => return bad(format!("{} target values do not split into {b} rows", v.len())),
        Targets::Classes(c) if c.len() != b => return bad(format!("expected {b} labels, got {}", c.len())),
        _ => {}
    }
    Ok((part(input, row..row + 1), part_targets(targets, row..row + 1, b)))
}

/// ‖row‖₂ of every row of `[rows, width]` (summed in f64: an exploding gradient's squares
/// overflow f32 long before the norm does).
pub(crate) fn row_norms(v: &[f32], width: usize) -> Vec<f32> {
    v.chunks_exact(width.max(1)).map(|r| r.iter().map(|&x| (x as f64) * (x as f64)).sum::<f64>().sqrt() as f32).collect()
}

impl StateGradients {
    /// From a workspace after a recording backward pass over a batch of one
    /// (`Model::loss_and_state_grads`).
    pub(crate) fn from_workspace(spec: &ModelSpec, ws: &Workspace, loss: f32, grad_norm: f32) -> StateGradients {
        let (batch, time) = ws.dims();
        debug_assert_eq!(batch, 1, "one sample");
        let layers = spec
            .layers
            .iter()
            .enumerate()
            .map(|(k, layer)| {
                let dirs = if layer.bidirectional.is_some() { 2 } else { 1 };
                (0..dirs)
                    .map(|d| {
                        let (dh, dc) = ws.state_grads(k, d).unwrap_or_default();
                        DirStateGradients { units: layer.units, h: row_norms(dh, layer.units), c: row_norms(dc, layer.units) }
                    })
                    .collect()
            })
            .collect();
        StateGradients { time, loss, grad_norm, layers }
    }
}
