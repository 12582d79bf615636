//! Dropout on a recurrent layer's inputs and recurrent state, as Keras does it
//! (`dropout` / `recurrent_dropout` of `SimpleRNN`, `LSTM`, `GRU`):
//!
//! - masks are drawn once per batch and reused at every time step; a kept value is scaled by
//!   `1/(1-rate)` (inverted dropout), so nothing changes at inference, where no mask is used;
//! - SimpleRNN draws one input mask and one recurrent mask; LSTM and GRU draw one input mask
//!   shared by all gates, unless `recurrent_dropout > 0`, where Keras switches to its
//!   `implementation=1` and draws one input mask and one recurrent mask *per gate*;
//! - the input mask scales `x_t` where it enters `x_t·W`; the recurrent mask scales `h_{t-1}`
//!   where it enters `h_{t-1}·U` (the state itself is carried unscaled);
//! - each direction of a Bidirectional layer is its own cell with its own masks.

use rand::Rng;

use crate::engine::cells::CellKind;
use crate::engine::train::init::Rng8;

/// How a forward pass treats dropout.
#[derive(Debug)]
pub enum Dropout<'r> {
    /// Inference: no dropout.
    Off,
    /// Training: draw fresh masks from this generator.
    Sample(&'r mut Rng8),
    /// Reuse the masks already in the workspace (set by a previous `Sample` or by hand): gradient
    /// checks compare losses under one fixed mask.
    Reuse,
}

/// The masks of one direction for the current batch.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct DropoutMasks {
    /// `[count, batch, input]`; empty without input dropout.
    pub input: Vec<f32>,
    /// `[count, batch, units]`; empty without recurrent dropout.
    pub recurrent: Vec<f32>,
}

impl DropoutMasks {
    /// Draws the masks for a layer of `cell` with the given rates.
    #[allow(clippy::too_many_arguments)]
    pub fn draw(&mut self, cell: CellKind, rate: f32, recurrent_rate: f32, batch: usize, input: usize, units: usize, rng: &mut Rng8) {
        let count = cell.dropout_mask_count(recurrent_rate > 0.0);
        fill(&mut self.input, rate, count * batch * input, rng);
        fill(&mut self.recurrent, recurrent_rate, count * batch * units, rng);
    }

    pub fn clear(&mut self) {
        self.input.clear();
        self.recurrent.clear();
    }
}

fn fill(v: &mut Vec<f32>, rate: f32, n: usize, rng: &mut Rng8) {
    v.clear();
    if rate <= 0.0 {
        return;
    }
    let keep = 1.0 / (1.0 - rate);
    v.extend((0..n).map(|_| if rng.random::<f32>() < rate { 0.0 } else { keep }));
}
