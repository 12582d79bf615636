//! The chain folded back into the textbook picture: one looping cell per layer, its state fed
//! back into itself, shown at the selected step (the same selection as the unrolled chain).

use std::sync::Arc;

use leptos::prelude::*;

use super::canvas::ChainView;
use crate::app::chain::colour::Scale;
use crate::app::chain::explain::num;
use crate::app::chain::layout::{Column, Layout};
use crate::app::chain::raster::scale_of;
use crate::app::chain::value;
use crate::i18n::{fill, t};
use crate::lesson::chain::{Chain, ChainOutput};

const W: usize = 560;
const BOX_H: usize = 70;
const GAP: usize = 46;

fn rgb(c: [u8; 3]) -> String {
    format!("rgb({},{},{})", c[0], c[1], c[2])
}

#[component]
pub fn Folded(chain: Arc<Chain>, layout: Layout, view: ChainView) -> impl IntoView {
    let tx = t().chain;
    let t = view.selection.get().time.min(chain.trace.time - 1);
    let unit = view.selection.get().unit;
    let n = layout.rows.len();
    let height = 60 + n * (BOX_H + GAP) + 40;
    let step = &chain.steps[t];
    let input = if step.label.is_empty() { tx.padding.to_string() } else { step.label.clone() };
    let boxes = layout
        .rows
        .iter()
        .enumerate()
        .map(|(ri, r)| {
            let y = 40 + ri * (BOX_H + GAP);
            let layer = &chain.layers[r.layer];
            let dir = match (layer.directions, r.dir) {
                (1, _) => String::new(),
                (_, 0) => format!(" · {}", tx.forward),
                _ => format!(" · {}", tx.backward),
            };
            // h_t as a strip of squares above the box.
            let cells = r.units.min(64);
            let side = (360 / cells.max(1)).clamp(3, 16);
            let h_scale = scale_of(&chain, &layout, ri, Column::Hidden);
            let strip = (0..cells)
                .map(|j| {
                    let v = value(&chain, r, t, Column::Hidden, j);
                    view! { <rect x=100 + j * side y=y - 14 width=side height=10 fill=rgb(h_scale.colour(v))></rect> }
                })
                .collect_view();
            // The selected unit's gates as bars inside the box.
            let bars = r
                .columns
                .iter()
                .filter(|c| matches!(c, Column::Gate(_)))
                .enumerate()
                .map(|(k, &c)| {
                    let v = value(&chain, r, t, c, unit.min(r.units - 1));
                    let s = scale_of(&chain, &layout, ri, c);
                    let frac = match s {
                        Scale::Sequential => v.clamp(0.0, 1.0),
                        Scale::Diverging { limit } => (v.abs() / limit).clamp(0.0, 1.0),
                    };
                    let hgt = (frac * 30.0).round() as usize;
                    let x = 330 + k * 34;
                    view! {
                        <rect x=x y=y + 50 - hgt width=22 height=hgt.max(1) fill=rgb(s.colour(v))></rect>
                        <text x=x + 11 y=y + 64 text-anchor="middle" class="folded-small">{c.name(r.cell)}</text>
                    }
                })
                .collect_view();
            let h = value(&chain, r, t, Column::Hidden, unit.min(r.units - 1));
            view! {
                <g>
                    {strip}
                    <text x=96 y=y - 6 text-anchor="end" class="folded-small">"h_t"</text>
                    <rect x=100 y=y width=380 height=BOX_H rx=10 class="folded-cell"></rect>
                    <text x=114 y=y + 24 class="folded-name">{format!("{}{dir}", layer.name)}</text>
                    <text x=114 y=y + 46 class="folded-small">{fill(tx.folded_unit, &[("unit", &(unit.min(r.units - 1) + 1)), ("h", &num(h))])}</text>
                    {bars}
                    // The loop: h_t goes back in as h_{t-1}.
                    <path d=format!("M480 {} C 540 {}, 540 {}, 480 {}", y + 20, y + 20, y + 55, y + 55) class="folded-loop" marker-end="url(#folded-arrow)"></path>
                    <text x=540 y=y + 40 class="folded-small">{if r.cell.has_cell_state() { "h, C" } else { "h" }}</text>
                    <line x1=290 y1=y + BOX_H + GAP - 16 x2=290 y2=y + BOX_H + 2 class="folded-up" marker-end="url(#folded-arrow)"></line>
                </g>
            }
        })
        .collect_view();
    let output = match &chain.output {
        ChainOutput::Next { predicted, .. } => fill(tx.folded_prediction, &[("step", &(t + 1)), ("value", &num(predicted[t]))]),
        ChainOutput::Classes { names, probs, .. } => {
            let best = (0..probs.len()).max_by(|&a, &b| probs[a].total_cmp(&probs[b])).unwrap_or(0);
            fill(
                tx.folded_class,
                &[
                    ("class", &names.get(best).cloned().unwrap_or_default()),
                    ("percent", &format!("{:.0}", probs.get(best).copied().unwrap_or(0.0) * 100.0)),
                ],
            )
        }
    };
    let label = fill(tx.folded_label, &[("step", &(t + 1)), ("time", &chain.trace.time), ("input", &input)]);
    view! {
        <svg class="folded" data-testid="chain-folded" viewBox=format!("0 0 {W} {height}") role="img" aria-label=label>
            <defs>
                <marker id="folded-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
                    <path d="M0 0 L10 5 L0 10 z" fill="#5b6675"></path>
                </marker>
            </defs>
            <text x=100 y=18 class="folded-name">{output}</text>
            {boxes}
            <text x=290 y=height - 8 text-anchor="middle" class="folded-name">{fill(tx.folded_input, &[("input", &input), ("step", &(t + 1)), ("time", &chain.trace.time)])}</text>
        </svg>
    }
}
