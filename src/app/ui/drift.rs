//! "Why does it drift?" under the generation chart: a button that has the worker train the
//! experiment's twin with another recipe (`lesson::twin`), its progress, then both generations side by
//! side with the band between each and the truth (`app::drift`).

use leptos::prelude::*;

use super::chart::{Line, LineChart};
use super::lesson_charts::{line, y_limits};
use crate::app::drift::{band, ordered, summary, Side};
use crate::app::state::Store;
use crate::lesson::twin::Recipe;
use crate::lesson::Evaluation;
use crate::protocol::Command;

fn lines_of(e: &Evaluation) -> Vec<Line> {
    let truth = e.gen_x.iter().copied().zip(e.gen_truth.iter().copied()).collect();
    let gen = e.gen_x.iter().copied().zip(e.gen_pred.iter().copied()).collect();
    vec![
        Line { area: true, ..line("error (generated − true)", "series-band", band(e)) },
        line("true continuation", "series-truth", truth),
        line("generated", "series-gen", gen),
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
        Recipe::COURSE => "with the course's recipe".to_string(),
        r if r.amsgrad => format!("with a warm-up of {} steps and AMSGrad", r.warmup),
        r => format!("with a warm-up of {} steps", r.warmup),
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
                Some(t) => format!("{name}: the generated continuation and the true one, with the error between them shaded. {t}"),
                None => format!("{name}: not trained yet."),
            }
        })
    };
    view! {
        <section class="view-card drift" data-testid="drift" aria-labelledby="drift-title">
            <h2 id="drift-title">"Why does it drift?"</h2>
            <p class="hint">
                "One step ahead the model reads true values and is nearly perfect. Generating, it reads its own predictions, each a little off, and small errors in its rule add up. "
                "The course's recipe scores every step of a window, the first ones too, which predict from one or two values (a wave may rise or fall from there): their errors never vanish and outweigh the rest, so the rule the later steps use, the one generation runs on, stays inexact. "
                "Leaving the first steps out of the loss (Warm-up) makes it exact enough to hold; free-running training, where the last steps of a window read the model's own predictions, teaches it to correct them, but takes thousands of steps to settle."
            </p>
            <div class="drift-actions">
                <button type="button" class="secondary" data-testid="twin-start" on:click=start disabled=move || untrained() || running()>
                    {move || format!("Compare: train a twin {}", other_name())}
                </button>
                <Show when=running>
                    <progress
                        max=move || store.twin.with(|t| t.as_ref().map_or(1, |t| t.target.max(1)))
                        value=move || store.twin.with(|t| t.as_ref().map_or(0, |t| t.step))
                        aria-label="The twin's training"
                    ></progress>
                    <span role="status" data-testid="twin-progress">
                        {move || store.twin.with(|t| t.as_ref().map(|t| format!("Training the twin: {} of {} steps", t.step, t.target)))}
                    </span>
                    <button type="button" class="secondary" on:click=stop>"Stop"</button>
                </Show>
                <Show when=untrained>
                    <span class="hint">"Train first: the twin trains as many steps as the model has."</span>
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
