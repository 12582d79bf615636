//! The lines of the "this model, this input" gradient chart: ‖∂L/∂h_t‖ (and ‖∂L/∂C_t‖) of
//! every layer direction, in time order (the backward direction's own steps turned around), so
//! step t of every line is the same input.

use super::own_step;
use crate::engine::backend::StateGradients;

/// One line of the chart.
#[derive(Clone, Debug, PartialEq)]
pub struct GradLine {
    pub layer: usize,
    pub dir: usize,
    /// The LSTM's cell state (else the hidden state).
    pub cell_state: bool,
    /// (step t from 1, norm)
    pub points: Vec<(f32, f32)>,
}

pub fn gradient_lines(g: &StateGradients) -> Vec<GradLine> {
    let time = g.time;
    let mut out = Vec::new();
    for (layer, dirs) in g.layers.iter().enumerate() {
        for (dir, d) in dirs.iter().enumerate() {
            for (cell_state, values) in [(false, &d.h), (true, &d.c)] {
                if values.len() == time && time > 0 {
                    let points = (0..time).map(|t| ((t + 1) as f32, values[own_step(t, dir, time)])).collect();
                    out.push(GradLine { layer, dir, cell_state, points });
                }
            }
        }
    }
    out
}
