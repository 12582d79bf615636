//! Where everything of the unrolled chain goes on the canvas: one column of cells per time step,
//! left to right; one row per layer and direction, the last layer on top (the input at the
//! bottom, the output above, as the course draws it); inside a cell one heat-map column per gate
//! and state, one pixel row (or more) per unit. Only the steps in view are laid out, so a long
//! input costs no more to draw than a short one.

use std::ops::Range;

use crate::engine::cells::CellKind;
use crate::i18n::t;

/// The labels' column at the left.
pub const GUTTER: usize = 150;
/// Height of the output band (top) and of the input band (bottom).
pub const BAND: usize = 34;
/// Space above each row's heat maps (its arrows and, when wide enough, the column names).
pub const ROW_HEAD: usize = 14;
pub const ROW_GAP: usize = 10;
/// Space around the columns inside a step.
pub const CELL_PAD: usize = 4;
/// Column widths (pixels) the zoom steps through.
pub const ZOOMS: [usize; 7] = [2, 3, 4, 6, 8, 12, 16];
/// Height of the heat maps of one layer, at most (pixels).
const ROW_PIXELS: usize = 160;
/// Height a row takes at least (its four lines of labels).
pub const MIN_ROW: usize = 58;

/// One heat-map column of a cell.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Column {
    /// Gate block `g`, activated, in the cell's (Keras's) order.
    Gate(usize),
    /// A SimpleRNN's sum before the activation, `x_t·W + b + h_{t-1}·U`.
    PreActivation,
    /// The LSTM's cell state `C_t`.
    CellState,
    /// The hidden state `h_t`.
    Hidden,
}

impl Column {
    /// The columns a cell is drawn with.
    pub fn of(cell: CellKind) -> Vec<Column> {
        match cell {
            CellKind::SimpleRnn { .. } => vec![Column::PreActivation, Column::Hidden],
            CellKind::Lstm { .. } => {
                vec![Column::Gate(0), Column::Gate(1), Column::Gate(2), Column::Gate(3), Column::CellState, Column::Hidden]
            }
            CellKind::Gru { .. } => vec![Column::Gate(0), Column::Gate(1), Column::Gate(2), Column::Hidden],
        }
    }

    /// Its short name: Keras's gate letters (`i f c o`, `z r h`), `C` and `h` for the states.
    pub fn name(self, cell: CellKind) -> &'static str {
        match (self, cell) {
            (Column::Gate(g), CellKind::Lstm { .. }) => ["i", "f", "c", "o"][g.min(3)],
            (Column::Gate(g), _) => ["z", "r", "h̃"][g.min(2)],
            (Column::PreActivation, _) => "z",
            (Column::CellState, _) => "C",
            (Column::Hidden, _) => "h",
        }
    }

    /// What it is, in words (in the page's language).
    pub fn meaning(self, cell: CellKind) -> &'static str {
        let t = t().chain;
        match (self, cell) {
            (Column::Gate(0), CellKind::Lstm { .. }) => t.meaning_input_gate,
            (Column::Gate(1), CellKind::Lstm { .. }) => t.meaning_forget_gate,
            (Column::Gate(2), CellKind::Lstm { .. }) => t.meaning_lstm_candidate,
            (Column::Gate(_), CellKind::Lstm { .. }) => t.meaning_output_gate,
            (Column::Gate(0), _) => t.meaning_update_gate,
            (Column::Gate(1), _) => t.meaning_reset_gate,
            (Column::Gate(_), _) => t.meaning_gru_candidate,
            (Column::PreActivation, _) => t.meaning_sum,
            (Column::CellState, _) => t.meaning_cell_state,
            (Column::Hidden, _) => t.meaning_hidden,
        }
    }
}

/// What the layout needs to know of a chain.
#[derive(Clone, Debug, PartialEq)]
pub struct Shape {
    pub time: usize,
    /// Per layer: cell, units, directions.
    pub layers: Vec<(CellKind, usize, usize)>,
}

/// One layer direction's band of cells.
#[derive(Clone, Debug, PartialEq)]
pub struct Row {
    pub layer: usize,
    /// 0 forward, 1 backward.
    pub dir: usize,
    pub cell: CellKind,
    pub units: usize,
    pub columns: Vec<Column>,
    /// Top of its heat maps.
    pub y: usize,
    /// Pixel rows per unit.
    pub unit_px: usize,
}

impl Row {
    pub fn height(&self) -> usize {
        self.units * self.unit_px
    }
}

/// A pixel rectangle.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Rect {
    pub x: usize,
    pub y: usize,
    pub w: usize,
    pub h: usize,
}

/// What is under a point.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Hit {
    pub row: usize,
    pub time: usize,
    /// The unit and column under the point, when it is on a heat map.
    pub unit: Option<usize>,
    pub column: Option<Column>,
}

/// The whole picture's geometry for one zoom and scroll position.
#[derive(Clone, Debug, PartialEq)]
pub struct Layout {
    /// Column width.
    pub zoom: usize,
    /// Width of one time step.
    pub step_w: usize,
    /// Time steps in view.
    pub visible: Range<usize>,
    pub width: usize,
    pub height: usize,
    /// Top to bottom: the last layer first.
    pub rows: Vec<Row>,
    /// Top of the output band and of the input band.
    pub output_y: usize,
    pub input_y: usize,
}

/// Space between two columns of a cell at this zoom.
fn col_gap(zoom: usize) -> usize {
    usize::from(zoom >= 4)
}

/// Width of one time step at `zoom`: the widest cell's columns, padded.
pub fn step_width(shape: &Shape, zoom: usize) -> usize {
    let cols = shape.layers.iter().map(|&(cell, _, _)| Column::of(cell).len()).max().unwrap_or(1);
    cols * zoom + (cols - 1) * col_gap(zoom) + 2 * CELL_PAD
}

/// Steps that fit `width` pixels at `zoom`.
pub fn steps_in_view(shape: &Shape, zoom: usize, width: usize) -> usize {
    (width.saturating_sub(GUTTER) / step_width(shape, zoom)).max(1)
}

/// The largest zoom at which every step fits `width` (the smallest zoom if none does).
pub fn fit_zoom(shape: &Shape, width: usize) -> usize {
    ZOOMS.iter().rev().copied().find(|&z| steps_in_view(shape, z, width) >= shape.time).unwrap_or(ZOOMS[0])
}

impl Layout {
    /// Lays out `shape` at `zoom` in `width` pixels, from time step `first` (moved back so the
    /// view is full where it can be).
    pub fn new(shape: &Shape, zoom: usize, first: usize, width: usize) -> Layout {
        let step_w = step_width(shape, zoom);
        let n = steps_in_view(shape, zoom, width).min(shape.time);
        let first = first.min(shape.time - n);
        let mut rows = Vec::new();
        let mut y = BAND;
        for (layer, &(cell, units, dirs)) in shape.layers.iter().enumerate().rev() {
            let unit_px = (ROW_PIXELS / units.max(1)).clamp(1, 8);
            for dir in 0..dirs {
                y += ROW_HEAD;
                let row = Row { layer, dir, cell, units, columns: Column::of(cell), y, unit_px };
                y += row.height().max(MIN_ROW) + ROW_GAP;
                rows.push(row);
            }
        }
        Layout { zoom, step_w, visible: first..first + n, width, height: y + BAND, rows, output_y: 0, input_y: y }
    }

    /// Left edge of step `time`'s column, when in view.
    pub fn step_x(&self, time: usize) -> Option<usize> {
        self.visible.contains(&time).then(|| GUTTER + (time - self.visible.start) * self.step_w)
    }

    /// The box of the cell of `row` at `time` (its heat maps, padded), when in view.
    pub fn cell_rect(&self, row: usize, time: usize) -> Option<Rect> {
        let (x, r) = (self.step_x(time)?, self.rows.get(row)?);
        let w = r.columns.len() * self.zoom + (r.columns.len() - 1) * col_gap(self.zoom) + 2 * CELL_PAD;
        Some(Rect { x, y: r.y - CELL_PAD, w, h: r.height() + 2 * CELL_PAD })
    }

    /// The heat-map column `c` of `row`'s cell at `time`.
    pub fn column_rect(&self, row: usize, time: usize, c: usize) -> Option<Rect> {
        let x = self.step_x(time)? + CELL_PAD + c * (self.zoom + col_gap(self.zoom));
        let r = self.rows.get(row)?;
        Some(Rect { x, y: r.y, w: self.zoom, h: r.height() })
    }

    /// What is at pixel (`x`, `y`).
    pub fn hit(&self, x: usize, y: usize) -> Option<Hit> {
        if x < GUTTER {
            return None;
        }
        let time = self.visible.start + (x - GUTTER) / self.step_w;
        if !self.visible.contains(&time) {
            return None;
        }
        let row = self.rows.iter().position(|r| y + CELL_PAD >= r.y && y < r.y + r.height() + CELL_PAD)?;
        let r = &self.rows[row];
        let on_map = y >= r.y && y < r.y + r.height();
        let unit = on_map.then(|| (y - r.y) / r.unit_px);
        let column = (0..r.columns.len())
            .find(|&c| self.column_rect(row, time, c).is_some_and(|rc| x >= rc.x && x < rc.x + rc.w))
            .filter(|_| on_map)
            .map(|c| r.columns[c]);
        Some(Hit { row, time, unit, column })
    }
}
