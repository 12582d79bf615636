//! The sine lesson's three charts: losses, held-out one-step predictions, and free-running
//! generation. Each turns the store's plain data into [`Line`]s and a spoken description.

use leptos::prelude::*;

use super::chart::{Line, LineChart};
use crate::app::plot::{decimate, format_number as fmt, smooth};
use crate::app::state::Store;
use crate::i18n::{fill, t};
use crate::lesson::series::FEW_WINDOWS;
use crate::settings::{ActivationChoice, Cell, Predict};

/// Points kept per loss line (the chart is ~500 px wide).
const LOSS_POINTS: usize = 800;

pub(super) fn line(label: &'static str, class: &'static str, points: Vec<(f32, f32)>) -> Line {
    Line { label, class, points, dots: false, hide_in_legend: false, area: false }
}

#[component]
pub fn LossChart() -> impl IntoView {
    let store = Store::from_context();
    let lines = Signal::derive(move || {
        store.history.with(|h| {
            if h.train.is_empty() {
                return vec![];
            }
            let raw = decimate(&h.train, LOSS_POINTS);
            let smoothed = decimate(&smooth(&h.train, 0.9), LOSS_POINTS);
            let c = t().charts;
            vec![
                Line { hide_in_legend: true, ..line(c.loss_train_raw, "series-train-raw", raw) },
                line(c.loss_train_smoothed, "series-train", smoothed),
                Line { dots: true, ..line(c.loss_heldout, "series-heldout", h.heldout.clone()) },
            ]
        })
    });
    let label = Signal::derive(move || {
        store.history.with(|h| match (h.train.last(), h.heldout.last()) {
            (Some(&(s, l)), held) => fill(
                t().charts.loss_label,
                &[
                    ("steps", &(s as u64)),
                    ("loss", &fmt(l as f64)),
                    ("heldout", &held.map(|&(_, v)| fill(t().charts.loss_label_heldout, &[("loss", &fmt(v as f64))])).unwrap_or_default()),
                ],
            ),
            (None, _) => t().charts.loss_label_empty.to_string(),
        })
    });
    view! {
        <LineChart
            title=t().charts.loss_title
            testid="loss-chart"
            lines
            label
            x_label=t().charts.x_step
            log_y=true
            empty=t().charts.press_train
            note=t().charts.loss_note
        />
    }
}

#[component]
pub fn HeldOutChart() -> impl IntoView {
    let store = Store::from_context();
    let lines = Signal::derive(move || {
        let (Some(info), Some(e)) = (store.info.get(), store.eval.get()) else { return vec![] };
        let end = info.train_end;
        let from = end.saturating_sub(info.window);
        let context: Vec<(f32, f32)> = (from..=end.min(info.values.len() - 1)).map(|i| (info.xs[i], info.values[i])).collect();
        let truth: Vec<(f32, f32)> = e.heldout_x.iter().copied().zip(e.heldout_truth.iter().copied()).collect();
        let pred: Vec<(f32, f32)> = e.heldout_x.iter().copied().zip(e.heldout_pred.iter().copied()).collect();
        let c = t().charts;
        vec![
            line(c.heldout_context, "series-context", context),
            line(c.heldout_truth, "series-truth", truth),
            Line { dots: true, ..line(c.heldout_pred, "series-pred", pred) },
        ]
    });
    let label = Signal::derive(move || match store.eval.get() {
        Some(e) => fill(t().charts.heldout_label, &[("n", &e.heldout_truth.len()), ("mse", &fmt(e.heldout_mse as f64))]),
        None => t().charts.heldout_label_empty.to_string(),
    });
    let clamp = Signal::derive(move || store.info.with(|i| i.as_ref().map(|i| y_limits(&i.values))));
    view! {
        <LineChart
            title=t().charts.heldout_title
            testid="heldout-chart"
            lines
            label
            x_label="x"
            clamp_y=clamp
            empty=t().charts.waiting_eval
            on_pick=pick_start(store)
        />
    }
}

#[component]
pub fn GenerationChart() -> impl IntoView {
    let store = Store::from_context();
    let lines = Signal::derive(move || {
        let (Some(info), Some(e)) = (store.info.get(), store.eval.get()) else { return vec![] };
        let end = info.gen_at;
        let zeros = store.settings.with(|s| s.gen_from == crate::settings::GenFrom::Zeros);
        let seed: Vec<(f32, f32)> = (end - info.window..end).map(|i| (info.xs[i], if zeros { 0.0 } else { info.values[i] })).collect();
        let truth: Vec<(f32, f32)> = e.gen_x.iter().copied().zip(e.gen_truth.iter().copied()).collect();
        let gen: Vec<(f32, f32)> = e.gen_x.iter().copied().zip(e.gen_pred.iter().copied()).collect();
        let c = t().charts;
        vec![
            line(c.gen_seed, "series-context", seed),
            line(c.true_continuation, "series-truth", truth),
            line(c.generated, "series-gen", gen),
        ]
    });
    let clamp = Signal::derive(move || generation_limits(store));
    let label = Signal::derive(move || {
        let (Some(e), Some(info)) = (store.eval.get(), store.info.get()) else { return t().charts.gen_label_empty.to_string() };
        let (lo, hi) = generation_limits(store).unwrap_or_else(|| y_limits(&info.values));
        let escaped = e.gen_pred.iter().position(|v| !v.is_finite() || (*v as f64) < lo || (*v as f64) > hi);
        let c = t().charts;
        fill(
            c.gen_label,
            &[
                ("window", &info.window),
                ("steps", &e.gen_pred.len()),
                ("mse", &e.gen_mse.map(|m| fill(c.gen_label_mse, &[("mse", &fmt(m as f64))])).unwrap_or_default()),
                ("escaped", &escaped.map(|k| fill(c.gen_label_escaped, &[("step", &(k + 1))])).unwrap_or_default()),
            ],
        )
    });
    view! {
        <LineChart
            title=t().charts.gen_title
            testid="generation-chart"
            lines
            label
            x_label="x"
            clamp_y=clamp
            empty=t().charts.waiting_eval
            note=t().charts.gen_note
            on_pick=pick_start(store)
        />
    }
}

/// A click on a series chart at `x`: generation starts at the value nearest to it (from the
/// data, keeping the weights: only how it generates changes).
fn pick_start(store: Store) -> Callback<f64> {
    Callback::new(move |x: f64| {
        let Some(i) = store.info.with_untracked(|i| i.as_ref().map(|i| start_index(&i.xs, i.window, x))) else { return };
        let mut s = store.settings.get_untracked();
        s.gen_start = i + 1;
        s.gen_from = crate::settings::GenFrom::Data;
        store.apply(s);
    })
}

/// The value index nearest to position `x` on a series sampled at `xs` (evenly), as a start of
/// generation: at least one window in, at most right after the last value.
fn start_index(xs: &[f32], window: usize, x: f64) -> usize {
    let (x0, dx) = (xs[0] as f64, if xs.len() > 1 { (xs[1] - xs[0]) as f64 } else { 1.0 });
    let i = ((x - x0) / dx).round().max(0.0) as usize;
    i.clamp((window + 1).min(xs.len()), xs.len())
}

/// The generation chart's y range: the series' own (a runaway line cannot squash the rest), or,
/// when the model predicts changes and so may carry a trend on by design, wide enough for the
/// generated values too (up to 1000 times the series' span).
fn generation_limits(store: Store) -> Option<(f64, f64)> {
    let (lo, hi) = store.info.with(|i| i.as_ref().map(|i| y_limits(&i.values)))?;
    if store.settings.with(|s| s.predict != crate::settings::Predict::Change) {
        return Some((lo, hi));
    }
    let reach = 1000.0 * (hi - lo);
    let (a, b) = store.eval.with(|e| {
        e.as_ref().map_or((lo, hi), |e| {
            e.gen_pred.iter().filter(|v| v.is_finite()).fold((lo, hi), |(a, b), &v| (a.min(v as f64), b.max(v as f64)))
        })
    });
    let pad = 0.05 * (b - a);
    Some(((a - pad).max(lo - reach), (b + pad).min(hi + reach)))
}

/// The y range of a chart of this series: its own range with room for a wandering prediction.
pub(super) fn y_limits(values: &[f32]) -> (f64, f64) {
    let lo = values.iter().copied().fold(f32::INFINITY, f32::min) as f64;
    let hi = values.iter().copied().fold(f32::NEG_INFINITY, f32::max) as f64;
    let span = (hi - lo).max(1e-6);
    (lo - 0.75 * span, hi + 0.75 * span)
}

/// The global gradient norm of every training step (before clipping, as the worker measured it),
/// beside the loss: the course's exploding gradients show here first. With a clip norm set, its
/// threshold is drawn too.
#[component]
pub fn GradNormChart(points: Signal<Vec<(f32, f32)>>, clip: Signal<f32>, x_label: &'static str) -> impl IntoView {
    let lines = Signal::derive(move || {
        points.with(|p| {
            if p.is_empty() {
                return vec![];
            }
            let text = t().charts;
            let mut out = vec![
                Line { hide_in_legend: true, ..line(text.grad_raw, "grad-norm-raw", decimate(p, LOSS_POINTS)) },
                line(text.grad_smoothed, "grad-norm", decimate(&smooth(p, 0.9), LOSS_POINTS)),
            ];
            let c = clip.get();
            if c > 0.0 {
                let (x0, x1) = (p[0].0, p[p.len() - 1].0);
                out.push(line(text.grad_clip, "series-context", vec![(x0, c), (x1, c)]));
            }
            out
        })
    });
    let label = Signal::derive(move || {
        points.with(|p| match p.last() {
            Some(&(_, g)) => fill(
                t().charts.grad_label,
                &[
                    ("norm", &fmt(g as f64)),
                    (
                        "clip",
                        &if clip.get() > 0.0 {
                            fill(t().charts.grad_label_clip, &[("clip", &fmt(clip.get() as f64))])
                        } else {
                            String::new()
                        },
                    ),
                ],
            ),
            None => t().charts.grad_label_empty.to_string(),
        })
    });
    view! {
        <LineChart title=t().charts.grad_title testid="grad-norm-chart" lines label x_label log_y=true empty=t().charts.press_train />
    }
}

/// The first values the model generated, as numbers beside the true continuation (in a 200-step
/// line the interesting start is squashed).
#[component]
pub fn NextValues() -> impl IntoView {
    let store = Store::from_context();
    let rows = move || {
        store.eval.with(|e| {
            let e = e.as_ref()?;
            let n = e.gen_pred.len().min(10);
            if n == 0 {
                return None;
            }
            let cells = (0..n)
                .map(|i| {
                    let truth = e.gen_truth.get(i).map_or("–".to_string(), |t| fmt(*t as f64));
                    let pred = e.gen_pred[i];
                    let off = e.gen_truth.get(i).map_or(String::new(), |t| fmt((pred - t).abs() as f64));
                    view! { <tr><th scope="row">{i + 1}</th><td class="num">{fmt(pred as f64)}</td><td class="num">{truth}</td><td class="num">{off}</td></tr> }
                })
                .collect_view();
            let c = t().charts;
            Some(view! {
                <table class="summary next-values" data-testid="next-values">
                    <caption>{c.next_caption}</caption>
                    <thead><tr><th scope="col">{c.next_col_step}</th><th scope="col">{c.next_col_generated}</th><th scope="col">{c.next_col_true}</th><th scope="col">{c.next_col_off}</th></tr></thead>
                    <tbody>{cells}</tbody>
                </table>
            })
        })
    };
    view! { <div class="next-values-wrap">{rows}</div> }
}

/// The rule a linear model reading `t` values predicts with, in words a student reads.
fn rule(t: usize) -> String {
    match t {
        1 => "a·x_t + c".into(),
        2 => "a·x_t + b·x_(t−1) + c".into(),
        3 => "a1·x_t + a2·x_(t−1) + a3·x_(t−2) + c".into(),
        t => format!("a1·x_t + a2·x_(t−1) + … + a{t}·x_(t−{}) + c", t - 1),
    }
}

/// What a short typed sequence allows: how many different windows the model learns from and the
/// range of values it has seen, whether its model can continue past it, and what would help.
#[component]
pub fn WindowsHint() -> impl IntoView {
    let store = Store::from_context();
    let text = move || {
        store.info.with(|i| {
            let i = i.as_ref()?;
            let seen = &i.values[..i.train_end];
            let lo = seen.iter().copied().fold(f32::INFINITY, f32::min);
            let hi = seen.iter().copied().fold(f32::NEG_INFINITY, f32::max);
            let c = t().charts;
            let windows = match i.train_windows {
                1 => c.windows_one.to_string(),
                n => fill(c.windows_many, &[("n", &n)]),
            };
            let (changes, linear) = store
                .settings
                .with(|s| (s.predict == Predict::Change, s.cell == Cell::Rnn && s.activation == ActivationChoice::Linear && s.layers == 1));
            let beyond = if changes {
                c.beyond_changes
            } else if linear {
                c.beyond_linear
            } else {
                c.beyond_values
            };
            let what = if changes { c.what_changes } else { c.what_values };
            let t = i.window;
            let tail = if !linear {
                c.tail_nonlinear.to_string()
            } else {
                let template = if i.train_windows > t { c.tail_enough } else { c.tail_few };
                fill(template, &[("t", &t), ("rule", &rule(t)), ("windows", &windows), ("count", &(t + 1))])
            };
            (i.train_windows < FEW_WINDOWS).then(|| {
                let held = match i.values.len() - i.train_end {
                    1 => c.held_one.to_string(),
                    n => fill(c.held_many, &[("n", &n)]),
                };
                fill(
                    c.windows_hint,
                    &[
                        ("windows", &windows),
                        ("t", &t),
                        ("what", &what),
                        ("train", &i.train_end),
                        ("held", &held),
                        ("lo", &fmt(lo as f64)),
                        ("hi", &fmt(hi as f64)),
                        ("beyond", &beyond),
                        ("tail", &tail),
                    ],
                )
            })
        })
    };
    view! { <p class="hint windows-hint" data-testid="windows-hint">{text}</p> }
}
