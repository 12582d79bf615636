//! "Why does it drift?" under the generation chart: a button that has the worker train the
//! experiment's twin with another recipe (`lesson::twin`), its progress, then both generations side by
//! side with the band between each and the truth (`app::drift`).

use leptos::prelude::*;

use super::chart::{Line, LineChart};
use super::lesson_charts::{line, y_limits};
use crate::app::drift::{band, ordered, summary, Side};
use crate::app::state::Store;
use crate::i18n::{fill, t};
use crate::lesson::twin::Recipe;
use crate::lesson::Evaluation;
use crate::protocol::Command;

fn lines_of(e: &Evaluation) -> Vec<Line> {
    let truth = e.gen_x.iter().copied().zip(e.gen_truth.iter().copied()).collect();
    let gen = e.gen_x.iter().copied().zip(e.gen_pred.iter().copied()).collect();
    let c = t().charts;
    vec![
        Line { area: true, ..line(c.drift_band, "series-band", band(e)) },
        line(c.true_continuation, "series-truth", truth),
        line(c.generated, "series-gen", gen),
    ]
}

/// The experiment's recipe and latest evaluation, the twin's recipe, evaluation and steps.
type Pair = (Recipe, Evaluation, Recipe, Evaluation, u64);

/// Both sides of `pair`, the course's recipe first.
fn sides(pair: &Pair) -> [Side<'_>; 2] {
    let (mr, main, tr, te, steps) = pair;
    ordered(Side { recipe: *mr, steps: main.step, eval: main }, Side { recipe: *tr, steps: *steps, eval: te })
}

#[component]
pub fn DriftPanel() -> impl IntoView {
    let store = Store::from_context();
    let recipe = move || store.settings.with(Recipe::of);
    let other_name = move || match recipe().other() {
        Recipe::COURSE => t().charts.drift_other_course.to_string(),
        r if r.amsgrad => fill(t().charts.drift_other_warmup_amsgrad, &[("steps", &r.warmup)]),
        r => fill(t().charts.drift_other_warmup, &[("steps", &r.warmup)]),
    };
    let running = move || store.twin.with(|t| t.as_ref().is_some_and(|t| t.evaluation.is_none() && t.message.is_none()));
    let untrained = move || store.run.with(|r| r.step == 0);
    let start = move |_| store.send(Command::Twin { start: true });
    let stop = move |_| {
        store.send(Command::Twin { start: false });
        store.twin.set(None);
    };
    // Both sides, once the twin is done: the experiment's latest evaluation and the twin's.
    let pair = Memo::new(move |_| {
        let twin = store.twin.get()?;
        let twin_eval = twin.evaluation?;
        let main = store.eval.get()?;
        Some((recipe(), main, twin.recipe, twin_eval, twin.step))
    });
    let side_lines = move |which: usize| {
        Signal::derive(move || {
            pair.with(|p| {
                let Some(p) = p.as_ref() else { return vec![] };
                lines_of(sides(p)[which].eval)
            })
        })
    };
    let text = move || pair.with(|p| Some(summary(&sides(p.as_ref()?))));
    // Side `which`'s recipe, named (empty before the twin is done).
    let side_name = move |which: usize| pair.with(|p| p.as_ref().map(|p| sides(p)[which].recipe.name())).unwrap_or_default();
    let side_title = move |which: usize| Signal::derive(move || side_name(which));
    let clamp = Signal::derive(move || store.info.with(|i| i.as_ref().map(|i| y_limits(&i.values))));
    let label = move |which: usize| {
        Signal::derive(move || {
            let name = side_name(which);
            match text() {
                Some(s) => fill(t().charts.drift_label, &[("name", &name), ("summary", &s)]),
                None => fill(t().charts.drift_label_untrained, &[("name", &name)]),
            }
        })
    };
    view! {
        <section class="view-card drift" data-testid="drift" aria-labelledby="drift-title">
            <h2 id="drift-title">{t().charts.drift_title}</h2>
            <p class="hint">{t().charts.drift_hint_1}{t().charts.drift_hint_2}{t().charts.drift_hint_3}</p>
            <div class="drift-actions">
                <button type="button" class="secondary" data-testid="twin-start" on:click=start disabled=move || untrained() || running()>
                    {move || fill(t().charts.drift_compare, &[("other", &other_name())])}
                </button>
                <Show when=running>
                    <progress
                        max=move || store.twin.with(|t| t.as_ref().map_or(1, |t| t.target.max(1)))
                        value=move || store.twin.with(|t| t.as_ref().map_or(0, |t| t.step))
                        aria-label=t().charts.drift_progress_label
                    ></progress>
                    <span role="status" data-testid="twin-progress">
                        {move || store.twin.with(|tw| tw.as_ref().map(|tw| fill(t().charts.drift_progress, &[("step", &tw.step), ("target", &tw.target)])))}
                    </span>
                    <button type="button" class="secondary" on:click=stop>{t().charts.drift_stop}</button>
                </Show>
                <Show when=untrained>
                    <span class="hint">{t().charts.drift_train_first}</span>
                </Show>
            </div>
            <p class="field-msg error" role="alert">{move || store.twin.with(|t| t.as_ref().and_then(|t| t.message.clone()))}</p>
            <Show when=move || pair.with(Option::is_some)>
                <div class="drift-pair">
                    <LineChart title="" heading=side_title(0) testid="drift-course" lines=side_lines(0) label=label(0) x_label="x" clamp_y=clamp empty="" />
                    <LineChart title="" heading=side_title(1) testid="drift-other" lines=side_lines(1) label=label(1) x_label="x" clamp_y=clamp empty="" />
                </div>
                <p class="drift-summary" data-testid="drift-summary">{text}</p>
            </Show>
        </section>
    }
}
