//! The series experiment's twin (`lesson::twin`, for "Why does it drift?"), trained and evaluated
//! a slice at a time between the worker's other slices, so training, Pause and the rest stay
//! responsive while it runs; its progress goes to the page a few times a second.

use super::clock::now_ms;
use super::{post, State};
use crate::i18n::{fill, t};
use crate::lesson::twin::{Recipe, Twin};
use crate::protocol::SeriesEvent;
use crate::settings::Task;

/// Milliseconds of the twin's work per slice, and between two progress messages.
const TWIN_SLICE_MS: f64 = 20.0;
const TWIN_POST_MS: f64 = 250.0;

pub struct TwinJob {
    twin: Twin,
    last_post_ms: f64,
}

/// Starts the twin of the active series experiment, trained as many steps as it has been (or
/// stops the twin under way, with `start: false`).
pub fn request(st: &mut State, start: bool) {
    st.twin = None;
    if !start {
        return;
    }
    let Some(active) = st.active.as_ref() else { return };
    let settings = active.settings().clone();
    let refuse = |message: String| {
        post(SeriesEvent::Twin { recipe: Recipe::of(&settings).other(), step: 0, target: 0, evaluation: None, message: Some(message) })
    };
    if !matches!(settings.task, Task::Sine | Task::Typed) {
        return refuse(t().worker.twin_series_only.into());
    }
    let steps = active.steps();
    if steps == 0 {
        return refuse(t().worker.twin_train_first.into());
    }
    match Twin::new(&settings, steps) {
        Ok(twin) => {
            post(SeriesEvent::Twin { recipe: twin.recipe(), step: 0, target: steps, evaluation: None, message: None });
            st.twin = Some(TwinJob { twin, last_post_ms: now_ms() });
        }
        Err(e) => refuse(e.to_string()),
    }
}

/// Whether a twin is being trained or evaluated.
pub fn busy(st: &State) -> bool {
    st.twin.is_some()
}

/// A slice of the twin's work; its progress every [`TWIN_POST_MS`], its evaluation at the end.
pub fn work(st: &mut State) {
    let Some(job) = st.twin.as_mut() else { return };
    let t0 = now_ms();
    let outcome = loop {
        match job.twin.advance(4) {
            Ok(None) if now_ms() - t0 < TWIN_SLICE_MS => continue,
            other => break other,
        }
    };
    let (step, target) = job.twin.progress();
    let recipe = job.twin.recipe();
    let message = job.twin.stopped().map(str::to_string);
    match outcome {
        Ok(None) => {
            if now_ms() - job.last_post_ms >= TWIN_POST_MS {
                post(SeriesEvent::Twin { recipe, step, target, evaluation: None, message: None });
                job.last_post_ms = now_ms();
            }
        }
        Ok(Some(e)) => {
            post(SeriesEvent::Twin { recipe, step, target, evaluation: Some(e), message });
            st.twin = None;
        }
        Err(e) => {
            post(SeriesEvent::Twin {
                recipe,
                step,
                target,
                evaluation: None,
                message: Some(fill(t().worker.twin_failed, &[("error", &e)])),
            });
            st.twin = None;
        }
    }
}
