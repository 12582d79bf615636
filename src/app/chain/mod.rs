//! The unrolled chain's plain logic, tested natively: geometry ([`layout`]), pixels
//! ([`raster`]), colour scales ([`colour`]) and the equations with their values substituted
//! ([`explain`]). The component (`ui::chain`) only puts them on a canvas and reads the pointer
//! and the keys.

pub mod colour;
pub mod explain;
pub mod gradients;
pub mod layout;
pub mod raster;

use crate::engine::backend::DirTrace;
use crate::lesson::chain::Chain;
use layout::{Column, Row, Shape};

/// The layout's view of a chain.
pub fn shape(chain: &Chain) -> Shape {
    Shape { time: chain.trace.time, layers: chain.layers.iter().map(|l| (l.cell, l.units, l.directions)).collect() }
}

/// A cell (row, time step) and one of its units.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Selection {
    /// Index into the layout's rows (top to bottom).
    pub row: usize,
    pub time: usize,
    pub unit: usize,
}

/// The direction's own step for time index `time` (the backward direction reads from the end).
pub fn own_step(time: usize, dir: usize, steps: usize) -> usize {
    if dir == 0 {
        time
    } else {
        steps - 1 - time
    }
}

/// The trace of `row`'s layer direction.
pub fn dir_trace<'a>(chain: &'a Chain, row: &Row) -> &'a DirTrace {
    &chain.trace.layers[row.layer][row.dir]
}

/// The value drawn in `column` for `unit` of `row`'s cell at `time`.
pub fn value(chain: &Chain, row: &Row, time: usize, column: Column, unit: usize) -> f32 {
    let d = dir_trace(chain, row);
    let (u, s) = (d.units, own_step(time, row.dir, chain.trace.time));
    let w = row.cell.gates() * u;
    match column {
        Column::Gate(g) => d.gates[s * w + g * u + unit],
        Column::PreActivation => d.input_side[s * w + unit] + d.recurrent_side[s * w + unit],
        Column::CellState => d.c[(s + 1) * u + unit],
        Column::Hidden => d.h[(s + 1) * u + unit],
    }
}

/// Whether the step at `time` is padding the layers skip.
pub fn masked(chain: &Chain, time: usize) -> bool {
    chain.trace.mask.get(time).is_some_and(|&m| m == 0.0)
}
