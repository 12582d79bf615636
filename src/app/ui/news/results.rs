//! The test set's verdict: accuracy, the confusion matrix with per-class precision and recall, and
//! the misclassified headlines with their predicted probabilities.

use leptos::prelude::*;

use crate::app::news_history::{percent, top_classes};
use crate::app::state::Store;
use crate::app::state::Tested;
use crate::engine::model::summary::thousands;
use crate::i18n::{fill, t};
use crate::lesson::news::Progress;

#[component]
pub fn TestResults() -> impl IntoView {
    let store = Store::from_context();
    let news = store.news;
    view! {
        <section class="results" aria-labelledby="results-h" data-testid="results">
            <h2 id="results-h">{t().news.on_test_set}</h2>
            {move || testing(store).map(|rows| view! {
                <p class="testing" role="status">{fill(t().news.testing, &[("n", &thousands(rows))])}</p>
            })}
            {move || match news.tested.get() {
                None => view! {
                    <p class="hint">{t().news.results_pending}</p>
                }.into_any(),
                Some(tested) => {
                    let classes = news.info.with(|i| i.as_ref().map(|i| i.classes.clone()).unwrap_or_default());
                    let finished = news.run.with(|r| r.progress.as_ref().is_some_and(|p| p.done));
                    let averaged = store.settings.with(|s| s.average_last).min(news.info.with(|i| i.as_ref().map_or(0, |i| i.epochs)));
                    let weights = match tested.kept_epoch {
                        Some(k) => fill(t().news.weights_kept, &[("epoch", &k)]),
                        None if finished && averaged > 1 => fill(t().news.weights_averaged, &[("n", &averaged)]),
                        None => String::new(),
                    };
                    view! { <Results tested classes weights /> }.into_any()
                }
            }}
        </section>
    }
}

/// While the worker evaluates the test set (training stopped, and the test results are older than
/// the weights): the number of test rows.
fn testing(store: Store) -> Option<usize> {
    let news = store.news;
    if store.run.with(|r| r.running) {
        return None;
    }
    let x = news.run.with(|r| r.progress.as_ref().map(Progress::epochs_done))?;
    let tested = news.tested.with(|t| t.as_ref().map(|t| t.at_epoch));
    (tested.is_none_or(|t| (t - x).abs() > 1e-6)).then(|| news.info.with(|i| i.as_ref().map_or(0, |i| i.test_rows)))
}

#[component]
fn Results(tested: Tested, classes: Vec<String>, weights: String) -> impl IntoView {
    let e = &tested.evaluation;
    let name = |k: usize| classes.get(k).cloned().unwrap_or_else(|| k.to_string());
    let summary = fill(
        if tested.at_epoch == 1.0 { t().news.test_summary_one } else { t().news.test_summary_many },
        &[
            ("accuracy", &percent(e.accuracy)),
            ("rows", &thousands(e.rows)),
            ("epochs", &trim_epochs(tested.at_epoch)),
            ("loss", &format!("{:.3}", e.loss)),
            ("weights", &weights),
        ],
    );
    let max_row: Vec<u32> = e.confusion.iter().map(|r| r.iter().copied().sum::<u32>().max(1)).collect();
    let header = (0..classes.len()).map(|k| view! { <th scope="col">{name(k)}</th> }).collect_view();
    let body = e
        .confusion
        .iter()
        .enumerate()
        .map(|(t, row)| {
            let cells = row
                .iter()
                .enumerate()
                .map(|(p, &n)| {
                    let share = n as f64 / max_row[t] as f64;
                    let style = format!("--share: {share:.3}");
                    view! { <td class="count" class:diagonal=t == p style=style>{thousands(n as usize)}</td> }
                })
                .collect_view();
            view! {
                <tr>
                    <th scope="row">{name(t)}</th>
                    {cells}
                    <td class="metric">{e.recall[t].map(percent).unwrap_or_else(|| "–".into())}</td>
                </tr>
            }
        })
        .collect_view();
    let precision =
        e.precision.iter().map(|p| view! { <td class="metric">{p.map(percent).unwrap_or_else(|| "–".into())}</td> }).collect_view();
    let misses = e
        .misses
        .iter()
        .map(|m| {
            let probs =
                top_classes(&m.probs, 2).into_iter().map(|(k, p)| format!("{} {}", name(k), percent(p))).collect::<Vec<_>>().join(" · ");
            view! {
                <tr>
                    <td class="miss-text">{m.text.clone()}</td>
                    <td>{name(m.label as usize)}</td>
                    <td>{probs}</td>
                </tr>
            }
        })
        .collect_view();
    let miss_count = e.confusion.iter().enumerate().map(|(t, r)| r.iter().sum::<u32>() - r[t]).sum::<u32>();
    view! {
        <p data-testid="test-summary">{summary}</p>
        <div class="results-grid">
            <table class="confusion" data-testid="confusion">
                <caption>{t().news.confusion_caption}</caption>
                <thead><tr><td></td>{header}<th scope="col">{t().news.recall}</th></tr></thead>
                <tbody>{body}</tbody>
                <tfoot><tr><th scope="row">{t().news.precision}</th>{precision}<td></td></tr></tfoot>
            </table>
        </div>
        <h3>{fill(
            t().news.misclassified,
            &[("misses", &thousands(miss_count as usize)), ("rows", &thousands(e.rows)), ("shown", &e.misses.len())],
        )}</h3>
        <div class="misses-scroll" tabindex="0" role="region" aria-label=t().news.misclassified_label>
            <table class="misses" data-testid="misses">
                <thead><tr><th scope="col">{t().news.col_text}</th><th scope="col">{t().news.col_true_class}</th><th scope="col">{t().news.col_answer}</th></tr></thead>
                <tbody>{misses}</tbody>
            </table>
        </div>
    }
}

/// `2.0` → `2`, `1.5` → `1.50`.
fn trim_epochs(x: f32) -> String {
    if (x - x.round()).abs() < 1e-4 {
        format!("{}", x.round() as i64)
    } else {
        format!("{x:.2}")
    }
}
