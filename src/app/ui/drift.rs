//! "Why does it drift?" under the generation chart: a button that has the worker train the
//! experiment's twin the other way (`lesson::twin`), its progress, then both generations side by
//! side with the band between each and the truth (`app::drift`).

use leptos::prelude::*;

use super::chart::{Line, LineChart};
use super::lesson_charts::{line, y_limits};
use crate::app::drift::{band, ordered, summary, Side};
use crate::app::state::Store;
use crate::lesson::Evaluation;
use crate::protocol::Command;
use crate::settings::Training;

fn lines_of(e: &Evaluation) -> Vec<Line> {
    let truth = e.gen_x.iter().copied().zip(e.gen_truth.iter().copied()).collect();
    let gen = e.gen_x.iter().copied().zip(e.gen_pred.iter().copied()).collect();
    vec![
        Line { area: true, ..line("error (generated − true)", "series-band", band(e)) },
        line("true continuation", "series-truth", truth),
        line("generated", "series-gen", gen),
    ]
}

/// The experiment's training and latest evaluation, the twin's training, evaluation and steps.
type Pair = (Training, Evaluation, Training, Evaluation, u64);

/// Both sides of `pair`, teacher forcing first.
fn sides(pair: &Pair) -> [Side<'_>; 2] {
    let (mt, main, tt, te, steps) = pair;
    ordered(Side { training: *mt, steps: main.step, eval: main }, Side { training: *tt, steps: *steps, eval: te })
}

#[component]
pub fn DriftPanel() -> impl IntoView {
    let store = Store::from_context();
    let training = move || store.settings.with(|s| s.training);
    let other_name = move || match training() {
        Training::Teacher => "free-running",
        Training::Free => "with teacher forcing",
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
        Some((training(), main, twin.training, twin_eval, twin.step))
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
    let clamp = Signal::derive(move || store.info.with(|i| i.as_ref().map(|i| y_limits(&i.values))));
    let label = move |which: usize| {
        Signal::derive(move || {
            let name = if which == 0 { "Teacher forcing" } else { "Free-running training" };
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
                "One step ahead the model reads true values and is nearly perfect. Generating, it reads its own predictions, each a little off. "
                "Trained with teacher forcing (the course's way) it has never seen such inputs, so the small errors grow; "
                "trained free-running, the last steps of each training window read its own predictions and it learns to correct them. "
                "That takes longer to settle than one-step accuracy: on the sine, thousands of steps rather than hundreds, so keep training and watch the generation MSE."
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
                    <LineChart title="Teacher forcing" testid="drift-teacher" lines=side_lines(0) label=label(0) x_label="x" clamp_y=clamp empty="" />
                    <LineChart title="Free-running training" testid="drift-free" lines=side_lines(1) label=label(1) x_label="x" clamp_y=clamp empty="" />
                </div>
                <p class="drift-summary" data-testid="drift-summary">{text}</p>
            </Show>
        </section>
    }
}
