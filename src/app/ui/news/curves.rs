//! Loss and accuracy while the news model trains: every batch (faint), a smoothed line, and the
//! validation figures at the end of each epoch.

use leptos::prelude::*;

use super::super::chart::{Line, LineChart};
use super::super::lesson_charts::GradNormChart;
use crate::app::news_history::{percent, NewsHistory};
use crate::app::plot::{decimate, format_number as fmt, smooth};
use crate::app::state::Store;
use crate::i18n::{fill, t};

/// Points kept per line.
const POINTS: usize = 600;

fn lines(batches: &[(f32, f32)], epoch_train: Vec<(f32, f32)>, val: Vec<(f32, f32)>) -> Vec<Line> {
    if batches.is_empty() {
        return vec![];
    }
    let line = |label, class, points| Line { label, class, points, dots: false, hide_in_legend: false, area: false };
    // A line without points (no epoch ended yet, no validation rows) stays out of the legend.
    [
        Line { hide_in_legend: true, ..line(t().news.line_each_batch, "series-train-raw", decimate(batches, POINTS)) },
        line(t().news.line_smoothed, "series-train", decimate(&smooth(batches, 0.95), POINTS)),
        Line { dots: true, ..line(t().news.line_epoch_mean, "series-epoch", epoch_train) },
        Line { dots: true, ..line(t().news.line_validation, "series-heldout", val) },
    ]
    .into_iter()
    .filter(|l| !l.points.is_empty())
    .collect()
}

fn describe(what: &str, h: &NewsHistory, last_train: Option<f32>, val: Option<f32>, show: fn(f32) -> String) -> String {
    match h.loss.last() {
        None => fill(t().news.chart_empty, &[("what", &what)]),
        Some(&(x, _)) => fill(
            t().news.chart_label,
            &[
                ("what", &what),
                ("epochs", &format!("{x:.2}")),
                ("latest", &last_train.map(show).unwrap_or_default()),
                (
                    "val",
                    &val.map(|v| fill(t().news.chart_validation, &[("value", &show(v)), ("epoch", &h.epochs.len())])).unwrap_or_default(),
                ),
            ],
        ),
    }
}

#[component]
pub fn NewsCurves() -> impl IntoView {
    let store = Store::from_context();
    let h = store.news.history;
    let loss_lines = Signal::derive(move || h.with(|h| lines(&h.loss, h.epoch_loss(), h.val_loss())));
    let acc_lines = Signal::derive(move || h.with(|h| lines(&h.accuracy, h.epoch_accuracy(), h.val_accuracy())));
    let loss_label = Signal::derive(move || {
        h.with(|h| describe(t().news.loss, h, h.loss.last().map(|p| p.1), h.val_loss().last().map(|p| p.1), |v| fmt(v as f64)))
    });
    let acc_label = Signal::derive(move || {
        h.with(|h| describe(t().news.accuracy, h, h.accuracy.last().map(|p| p.1), h.val_accuracy().last().map(|p| p.1), percent))
    });
    view! {
        <div class="charts">
            <LineChart title=t().news.loss testid="news-loss-chart" lines=loss_lines label=loss_label x_label=t().news.axis_epoch empty=t().news.press_train />
            <LineChart title=t().news.accuracy testid="news-accuracy-chart" lines=acc_lines label=acc_label x_label=t().news.axis_epoch empty=t().news.press_train />
            <GradNormChart points=Signal::derive(move || h.with(|h| h.grad_norm.clone())) clip=Signal::derive(move || store.settings.with(|s| s.clip_norm)) x_label=t().news.axis_epoch />
        </div>
    }
}
