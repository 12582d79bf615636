//! The unrolled chain on a canvas: the heat maps as one image (`app::chain::raster`), then the
//! labels and arrows over them. Keyboard: ←/→ along time, ↑/↓ between layers, Page Up/Down
//! between units, Home/End, + and − to zoom, 0 to fit; the pointer selects what it is over.

use std::sync::Arc;

use leptos::prelude::*;
use wasm_bindgen::{Clamped, JsCast};
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement, ImageData};

use crate::app::chain::explain::num;
use crate::app::chain::layout::{fit_zoom, Layout, CELL_PAD, GUTTER, ZOOMS};
use crate::app::chain::raster::{paint, paint_summary, scales};
use crate::app::chain::{colour::Scale, layout::Column, shape, Selection};
use crate::i18n::{fill, t};
use crate::lesson::chain::{Chain, ChainOutput};

/// Height of the summary strip.
const SUMMARY_PX: usize = 28;

/// What the canvas shows: the chain, its zoom (`None`: fit the width), the first step in view,
/// the selection.
#[derive(Clone, Copy)]
pub struct ChainView {
    pub zoom: RwSignal<Option<usize>>,
    pub first: RwSignal<usize>,
    pub selection: RwSignal<Selection>,
    pub width: RwSignal<usize>,
    /// Redraws so far and the last one's milliseconds (read by the redraw benchmark).
    pub draws: RwSignal<u64>,
    pub draw_ms: RwSignal<f64>,
}

impl ChainView {
    pub fn new() -> ChainView {
        ChainView {
            zoom: RwSignal::new(None),
            first: RwSignal::new(0),
            selection: RwSignal::new(Selection::default()),
            width: RwSignal::new(900),
            draws: RwSignal::new(0),
            draw_ms: RwSignal::new(0.0),
        }
    }

    /// The layout of `chain` as the view stands.
    pub fn layout(&self, chain: &Chain) -> Layout {
        let s = shape(chain);
        let width = self.width.get();
        let zoom = self.zoom.get().unwrap_or_else(|| fit_zoom(&s, width));
        Layout::new(&s, zoom, self.first.get(), width)
    }

    /// Zooms one step in (`+1`) or out (`-1`) from the zoom in use.
    pub fn zoom_by(&self, chain: &Chain, by: i32) {
        let now = self.layout(chain).zoom;
        let i = ZOOMS.iter().position(|&z| z == now).unwrap_or(0) as i32;
        let next = ZOOMS[(i + by).clamp(0, ZOOMS.len() as i32 - 1) as usize];
        self.zoom.set(Some(next));
        self.keep_in_view(chain);
    }

    /// Scrolls so the selected step is in view.
    pub fn keep_in_view(&self, chain: &Chain) {
        let l = self.layout(chain);
        let t = self.selection.get_untracked().time;
        if t < l.visible.start {
            self.first.set(t);
        } else if t >= l.visible.end {
            self.first.set(t + 1 - l.visible.len());
        }
    }

    /// The selection moved by a key; `true` when the key was one of the view's.
    pub fn key(&self, chain: &Chain, key: &str) -> bool {
        let l = self.layout(chain);
        let mut s = self.selection.get_untracked();
        let (time, rows) = (chain.trace.time, l.rows.len());
        match key {
            "ArrowLeft" => s.time = s.time.saturating_sub(1),
            "ArrowRight" => s.time = (s.time + 1).min(time - 1),
            "ArrowUp" => s.row = s.row.saturating_sub(1),
            "ArrowDown" => s.row = (s.row + 1).min(rows - 1),
            "PageUp" => s.unit = s.unit.saturating_sub(1),
            "PageDown" => s.unit += 1,
            "Home" => s.time = 0,
            "End" => s.time = time - 1,
            "+" | "=" => {
                self.zoom_by(chain, 1);
                return true;
            }
            "-" | "_" => {
                self.zoom_by(chain, -1);
                return true;
            }
            "0" => {
                self.zoom.set(None);
                self.first.set(0);
                return true;
            }
            _ => return false,
        }
        s.unit = s.unit.min(l.rows.get(s.row).map_or(1, |r| r.units) - 1);
        self.selection.set(s);
        self.keep_in_view(chain);
        true
    }
}

/// A scale's limit as its label shows it: `1`, `0.2`, `5`.
fn limit_text(v: f32) -> String {
    let s = format!("{v:.3}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

fn context(canvas: &HtmlCanvasElement) -> Option<CanvasRenderingContext2d> {
    canvas.get_context("2d").ok().flatten()?.dyn_into().ok()
}

fn put(ctx: &CanvasRenderingContext2d, data: &[u8], width: usize, x: f64, y: f64) {
    if let Ok(img) = ImageData::new_with_u8_clamped_array(Clamped(data), width as u32) {
        let _ = ctx.put_image_data(&img, x, y);
    }
}

/// `text` cut to about `px` pixels (with an ellipsis).
fn fit_text(ctx: &CanvasRenderingContext2d, text: &str, px: f64) -> String {
    if ctx.measure_text(text).map_or(0.0, |m| m.width()) <= px {
        return text.to_string();
    }
    let mut s: String = text.chars().collect();
    while !s.is_empty() {
        s.pop();
        let t = format!("{s}…");
        if ctx.measure_text(&t).map_or(0.0, |m| m.width()) <= px {
            return t;
        }
    }
    String::new()
}

/// Draws everything over the heat maps: row labels (with each row's ranges, from `scales`),
/// arrows, inputs, outputs, column names.
fn draw_labels(ctx: &CanvasRenderingContext2d, chain: &Chain, l: &Layout, scales: &[Vec<Scale>]) {
    ctx.set_font("12px system-ui, sans-serif");
    ctx.set_text_baseline("middle");
    let ink = "#1c2530";
    let muted = "#5b6675";
    let tx = t().chain;
    for (ri, r) in l.rows.iter().enumerate() {
        let layer = &chain.layers[r.layer];
        let dir = match (layer.directions, r.dir) {
            (1, _) => "→".to_string(),
            (_, 0) => format!("→ {}", tx.forward),
            _ => format!("← {}", tx.backward),
        };
        let short = format!("{}({})", r.cell.keras_name(), r.units);
        let name = if layer.directions == 2 { format!("Bidirectional {short}") } else { short };
        ctx.set_fill_style_str(ink);
        let room = (GUTTER - 10) as f64;
        let _ = ctx.fill_text(&fit_text(ctx, &name, room), 6.0, (r.y + 6) as f64);
        ctx.set_fill_style_str(muted);
        let _ = ctx.fill_text(&fill(tx.row_layer, &[("n", &(r.layer + 1)), ("dir", &dir)]), 6.0, (r.y + 21) as f64);
        let ranges: Vec<String> = r
            .columns
            .iter()
            .zip(&scales[ri])
            .filter_map(|(&c, &scale)| match scale {
                Scale::Diverging { limit } if matches!(c, Column::Hidden | Column::CellState | Column::PreActivation) => {
                    Some(format!("{} ±{}", c.name(r.cell), limit_text(limit)))
                }
                _ => None,
            })
            .collect();
        let _ = ctx.fill_text(&fit_text(ctx, &ranges.join(" · "), room), 6.0, (r.y + 36) as f64);
        let names: Vec<&str> = r.columns.iter().map(|c| c.name(r.cell)).collect();
        let _ = ctx.fill_text(&fill(tx.row_columns, &[("names", &names.join(" "))]), 6.0, (r.y + 51) as f64);
        // The state carried from step to step: arrows above the cells, in reading order.
        ctx.set_stroke_style_str("#7b8794");
        ctx.set_fill_style_str("#7b8794");
        ctx.set_line_width(1.0);
        let y = (r.y - CELL_PAD - 5) as f64;
        for t in l.visible.clone() {
            let (Some(a), Some(b)) = (l.cell_rect(ri, t), l.cell_rect(ri, t + 1)) else { continue };
            let (x0, x1) = ((a.x + a.w / 2) as f64, (b.x + b.w / 2) as f64);
            ctx.begin_path();
            ctx.move_to(x0 + 3.0, y);
            ctx.line_to(x1 - 3.0, y);
            ctx.stroke();
            let (tip, back) = if r.dir == 0 { (x1 - 3.0, -4.0) } else { (x0 + 3.0, 4.0) };
            ctx.begin_path();
            ctx.move_to(tip, y);
            ctx.line_to(tip + back, y - 3.0);
            ctx.line_to(tip + back, y + 3.0);
            ctx.close_path();
            ctx.fill();
        }
        // Column names over the first cell in view, when wide enough to read.
        if l.zoom >= 8 {
            ctx.set_fill_style_str(muted);
            ctx.set_font("10px system-ui, sans-serif");
            for (ci, c) in r.columns.iter().enumerate() {
                if let Some(rc) = l.column_rect(ri, l.visible.start, ci) {
                    let _ = ctx.fill_text(c.name(r.cell), rc.x as f64 + 1.0, (r.y - CELL_PAD - 5) as f64 - 6.0);
                }
            }
            ctx.set_font("12px system-ui, sans-serif");
        }
    }
    // Inputs along the bottom, outputs along the top: every k-th step, k such that the widest
    // label fits.
    let input_label = |t: usize| {
        let step = &chain.steps[t];
        match (step.label.is_empty(), step.oov) {
            (true, _) => (tx.pad.to_string(), "#9aa5b4"),
            (false, true) => (format!("{}?", step.label), "#b45309"),
            (false, false) => (step.label.clone(), ink),
        }
    };
    let output_label = |t: usize| match &chain.output {
        ChainOutput::Next { predicted, .. } => Some(num(predicted[t])),
        ChainOutput::Classes { .. } => None,
    };
    let width_of = |s: &str| ctx.measure_text(s).map_or(0.0, |m| m.width());
    let widest = l
        .visible
        .clone()
        .map(|t| {
            width_of(&input_label(t).0).min(90.0).max(width_of(&format!("t={}", t + 1))).max(output_label(t).map_or(0.0, |o| width_of(&o)))
        })
        .fold(0.0f64, f64::max);
    let every = ((widest + 8.0) / l.step_w.max(1) as f64).ceil().max(1.0) as usize;
    ctx.set_text_align("left");
    ctx.set_fill_style_str(ink);
    let _ = ctx.fill_text(tx.input, 6.0, (l.input_y + 10) as f64);
    let _ = ctx.fill_text(tx.output, 6.0, (l.output_y + 10) as f64);
    if every > 1 {
        ctx.set_fill_style_str(muted);
        let _ = ctx.fill_text(&fill(tx.one_in, &[("every", &every)]), 6.0, (l.input_y + 25) as f64);
    }
    ctx.set_text_align("center");
    for t in l.visible.clone() {
        let Some(x) = l.step_x(t) else { continue };
        let cx = (x + l.step_w / 2) as f64;
        if (t - l.visible.start).is_multiple_of(every) {
            let (label, colour) = input_label(t);
            ctx.set_fill_style_str(colour);
            let room = (l.step_w * every) as f64 - 4.0;
            let _ = ctx.fill_text(&fit_text(ctx, &label, room), cx, (l.input_y + 10) as f64);
            ctx.set_fill_style_str(muted);
            let _ = ctx.fill_text(&format!("t={}", t + 1), cx, (l.input_y + 25) as f64);
            if let Some(o) = output_label(t) {
                ctx.set_fill_style_str("#2563eb");
                let _ = ctx.fill_text(&fit_text(ctx, &o, room), cx, (l.output_y + 22) as f64);
            }
        }
    }
    if let ChainOutput::Classes { names, probs, .. } = &chain.output {
        if let Some(x) = l.step_x(chain.trace.time - 1) {
            let best = (0..probs.len()).max_by(|&a, &b| probs[a].total_cmp(&probs[b])).unwrap_or(0);
            ctx.set_fill_style_str("#2563eb");
            ctx.set_text_align("right");
            let text = format!("{} {:.0} %", names.get(best).map_or("", String::as_str), probs.get(best).copied().unwrap_or(0.0) * 100.0);
            let _ = ctx.fill_text(&text, (x + l.step_w) as f64, (l.output_y + 22) as f64);
        }
    }
    ctx.set_text_align("left");
}

#[component]
pub fn ChainCanvas(chain: Signal<Option<Arc<Chain>>>, view: ChainView, #[prop(into)] label: Signal<String>) -> impl IntoView {
    let canvas = NodeRef::<leptos::html::Canvas>::new();
    let strip = NodeRef::<leptos::html::Canvas>::new();
    let holder = NodeRef::<leptos::html::Div>::new();
    let measure = move || {
        let (Some(Some(el)), Some(old)) = (holder.try_get_untracked(), view.width.try_get_untracked()) else { return };
        let w = el.client_width().max(320) as usize;
        if w != old {
            view.width.try_set(w);
        }
    };
    Effect::new(move |_| {
        if holder.get().is_some() {
            request_animation_frame(measure);
        }
    });
    let resize = window_event_listener(leptos::ev::resize, move |_| measure());
    on_cleanup(move || resize.remove());
    // The colour scales, once per chain (zoom, scroll and selection leave them as they are).
    let row_scales = Memo::new(move |_| chain.get().map(|c| scales(&c, &Layout::new(&shape(&c), ZOOMS[0], 0, GUTTER + 1))));
    // Redraw whenever the chain, the zoom, the scroll, the selection or the width changes.
    Effect::new(move |_| {
        let (Some(c), Some(el), Some(st), Some(sc)) = (chain.get(), canvas.get(), strip.get(), row_scales.get()) else { return };
        let t0 = js_sys::Date::now();
        let l = view.layout(&c);
        let sel = view.selection.get();
        let el: &HtmlCanvasElement = &el;
        el.set_width(l.width as u32);
        el.set_height(l.height as u32);
        if let Some(ctx) = context(el) {
            let px = paint(&c, &l, &sc, Some(sel));
            put(&ctx, &px.data, px.width, 0.0, 0.0);
            draw_labels(&ctx, &c, &l, &sc);
        }
        let st: &HtmlCanvasElement = &st;
        let sw = l.width.saturating_sub(GUTTER).max(10);
        st.set_width(sw as u32);
        st.set_height(SUMMARY_PX as u32);
        if let Some(ctx) = context(st) {
            let px = paint_summary(&c, &l, sw, SUMMARY_PX);
            put(&ctx, &px.data, px.width, 0.0, 0.0);
        }
        view.draw_ms.set(js_sys::Date::now() - t0);
        view.draws.update(|n| *n += 1);
    });
    let on_move = move |ev: leptos::ev::MouseEvent| {
        let Some(c) = chain.get_untracked() else { return };
        let l = view.layout(&c);
        if let Some(hit) = l.hit(ev.offset_x().max(0) as usize, ev.offset_y().max(0) as usize) {
            let unit = hit.unit.unwrap_or(view.selection.get_untracked().unit).min(l.rows[hit.row].units - 1);
            let s = Selection { row: hit.row, time: hit.time, unit };
            if s != view.selection.get_untracked() {
                view.selection.set(s);
            }
        }
    };
    let on_key = move |ev: leptos::ev::KeyboardEvent| {
        let Some(c) = chain.get_untracked() else { return };
        if view.key(&c, &ev.key()) {
            ev.prevent_default();
        }
    };
    // The summary strip scrolls the view to the step clicked.
    let on_strip = move |ev: leptos::ev::MouseEvent| {
        let Some(c) = chain.get_untracked() else { return };
        let l = view.layout(&c);
        let sw = l.width.saturating_sub(GUTTER).max(10) as f64;
        let t = ((ev.offset_x().max(0) as f64 / sw) * c.trace.time as f64) as usize;
        view.first.set(t.saturating_sub(l.visible.len() / 2));
    };
    // The wheel scrolls along time (three steps a notch), as the summary strip does.
    let on_wheel = move |ev: leptos::ev::WheelEvent| {
        let Some(c) = chain.get_untracked() else { return };
        let l = view.layout(&c);
        let delta = if ev.delta_x().abs() > ev.delta_y().abs() { ev.delta_x() } else { ev.delta_y() };
        if l.visible.len() >= c.trace.time || delta == 0.0 {
            return;
        }
        ev.prevent_default();
        let first = l.visible.start as i64 + if delta > 0.0 { 3 } else { -3 };
        view.first.set(first.clamp(0, (c.trace.time - l.visible.len()) as i64) as usize);
    };
    let draws = move || view.draws.get().to_string();
    let draw_ms = move || format!("{:.2}", view.draw_ms.get());
    view! {
        <div class="chain-canvas" node_ref=holder>
            <div class="chain-strip-row">
                <span class="chain-strip-label">{t().chain.all_steps}</span>
                <canvas
                    class="chain-strip"
                    node_ref=strip
                    data-testid="chain-summary"
                    role="img"
                    aria-label=t().chain.summary
                    on:click=on_strip
                ></canvas>
            </div>
            <canvas
                node_ref=canvas
                data-testid="chain-canvas"
                data-draws=draws
                data-draw-ms=draw_ms
                tabindex="0"
                role="application"
                aria-roledescription=t().chain.role
                aria-label=move || label.get()
                aria-describedby="chain-keys"
                on:mousemove=on_move
                on:keydown=on_key
                on:wheel=on_wheel
            ></canvas>
        </div>
    }
}
