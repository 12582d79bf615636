//! The unrolled chain's heat maps as RGBA pixels (one `putImageData` on the page: drawing
//! tens of thousands of little rectangles one by one would not keep up with training). Labels
//! and arrows are drawn over them by the component.

use super::colour::{Rgb, Scale, MASKED};
use super::layout::{Column, Layout, Rect};
use super::{masked, value, Chain, Selection};

/// The page's panel colour and the cells' frame.
pub const BACKGROUND: Rgb = [255, 255, 255];
const FRAME: Rgb = [221, 225, 230];
/// The selected cell's outline (the page's focus colour).
pub const FOCUS: Rgb = [245, 158, 11];

/// The colour scale of `column` in `row` (its values over the whole chain, so scrolling never
/// changes a colour).
pub fn scale_of(chain: &Chain, layout: &Layout, row: usize, column: Column) -> Scale {
    let r = &layout.rows[row];
    match column {
        // Candidates are tanh (-1..1); the other gates sigmoids (0..1).
        Column::Gate(2) => Scale::Diverging { limit: 1.0 },
        Column::Gate(_) => Scale::Sequential,
        _ => Scale::diverging_for((0..chain.trace.time).flat_map(|t| (0..r.units).map(move |j| value(chain, r, t, column, j)))),
    }
}

/// Every row's column scales, in the layout's order. They depend on the chain alone (not on the
/// zoom, the scroll or the selection), so the view computes them once per chain.
pub fn scales(chain: &Chain, layout: &Layout) -> Vec<Vec<Scale>> {
    layout.rows.iter().enumerate().map(|(ri, r)| r.columns.iter().map(|&c| scale_of(chain, layout, ri, c)).collect()).collect()
}

/// An RGBA image `width × height`.
pub struct Pixels {
    pub width: usize,
    pub height: usize,
    pub data: Vec<u8>,
}

impl Pixels {
    pub fn new(width: usize, height: usize, fill: Rgb) -> Pixels {
        let data = (0..width * height).flat_map(|_| [fill[0], fill[1], fill[2], 255]).collect();
        Pixels { width, height, data }
    }

    pub fn fill(&mut self, r: Rect, c: Rgb) {
        let (x1, y1) = ((r.x + r.w).min(self.width), (r.y + r.h).min(self.height));
        for y in r.y.min(y1)..y1 {
            let row = &mut self.data[(y * self.width + r.x.min(x1)) * 4..(y * self.width + x1) * 4];
            for px in row.chunks_exact_mut(4) {
                px[..3].copy_from_slice(&c);
            }
        }
    }

    /// A rectangle's outline, `t` pixels thick, inside it.
    pub fn outline(&mut self, r: Rect, t: usize, c: Rgb) {
        self.fill(Rect { h: t, ..r }, c);
        self.fill(Rect { y: (r.y + r.h).saturating_sub(t), h: t, ..r }, c);
        self.fill(Rect { w: t, ..r }, c);
        self.fill(Rect { x: (r.x + r.w).saturating_sub(t), w: t, ..r }, c);
    }

    pub fn get(&self, x: usize, y: usize) -> Rgb {
        let i = (y * self.width + x) * 4;
        [self.data[i], self.data[i + 1], self.data[i + 2]]
    }
}

/// Every cell in view: a frame, and a heat-map column per gate and state coloured by `scales`
/// ([`scales`]; a padding step's gates grey, its states the ones carried over); the selected
/// cell outlined.
pub fn paint(chain: &Chain, layout: &Layout, scales: &[Vec<Scale>], selection: Option<Selection>) -> Pixels {
    let mut px = Pixels::new(layout.width, layout.height, BACKGROUND);
    for ((ri, r), scales) in layout.rows.iter().enumerate().zip(scales) {
        for t in layout.visible.clone() {
            let Some(cell) = layout.cell_rect(ri, t) else { continue };
            px.outline(cell, 1, FRAME);
            let skipped = masked(chain, t);
            for (ci, (&column, scale)) in r.columns.iter().zip(scales).enumerate() {
                let Some(col) = layout.column_rect(ri, t, ci) else { continue };
                if skipped && !matches!(column, Column::Hidden | Column::CellState) {
                    px.fill(col, MASKED);
                    continue;
                }
                for j in 0..r.units {
                    let colour = scale.colour(value(chain, r, t, column, j));
                    px.fill(Rect { y: col.y + j * r.unit_px, h: r.unit_px, ..col }, colour);
                }
            }
        }
    }
    if let Some(sel) = selection {
        if let Some(cell) = layout.cell_rect(sel.row, sel.time) {
            px.outline(Rect { x: cell.x.saturating_sub(1), y: cell.y.saturating_sub(1), w: cell.w + 2, h: cell.h + 2 }, 2, FOCUS);
            let r = &layout.rows[sel.row];
            // A tick at the selected unit, on both sides of the cell.
            let y = r.y + sel.unit.min(r.units - 1) * r.unit_px;
            let h = r.unit_px.max(2);
            px.fill(Rect { x: cell.x.saturating_sub(5), y, w: 3, h }, FOCUS);
            px.fill(Rect { x: cell.x + cell.w + 2, y, w: 3, h }, FOCUS);
        }
    }
    px
}

/// The summary strip: every step of the chain (not only those in view), one band per row,
/// coloured by the root mean square of its hidden state, `width × height` pixels; the steps in
/// view framed.
pub fn paint_summary(chain: &Chain, layout: &Layout, width: usize, height: usize) -> Pixels {
    let mut px = Pixels::new(width, height, BACKGROUND);
    let time = chain.trace.time.max(1);
    let n = layout.rows.len().max(1);
    let band = (height / n).max(1);
    for (ri, r) in layout.rows.iter().enumerate() {
        let rms: Vec<f32> = (0..time)
            .map(|t| ((0..r.units).map(|j| value(chain, r, t, Column::Hidden, j).powi(2)).sum::<f32>() / r.units as f32).sqrt())
            .collect();
        let top = rms.iter().copied().filter(|v| v.is_finite()).fold(0.0f32, f32::max).max(1e-6);
        for (t, v) in rms.iter().enumerate() {
            let (x0, x1) = (t * width / time, ((t + 1) * width / time).max(t * width / time + 1));
            let colour = if masked(chain, t) { MASKED } else { Scale::Sequential.colour(v / top) };
            px.fill(Rect { x: x0, y: ri * band, w: x1 - x0, h: band }, colour);
        }
    }
    let (a, b) = (layout.visible.start * width / time, layout.visible.end * width / time);
    px.outline(Rect { x: a, y: 0, w: (b - a).max(2), h: height }, 2, FOCUS);
    px
}
