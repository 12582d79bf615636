//! The sine and typed-sequence lessons in the worker: training in slices with the losses of every
//! step, evaluations (held-out predictions and free-running generation) now and then, and the
//! helper worker computing half of each batch where there is one.

use super::clock::{now_ms, SpeedMeter};
use super::lesson::Running;
use super::{activate, post, stop_with_error, time_slice, State};
use crate::engine::backend::Workers;
use crate::lesson::chain::{chain_error, Chain, ChainSource};
use crate::lesson::series::only_generation_differs;
use crate::lesson::{EvalJob, LessonError, SeriesLesson};
use crate::protocol::{Event, LossPoint, SeriesEvent};
use crate::settings::Settings;

/// Evaluate at most this often, and never spend more than about 1/8 of the time evaluating.
const EVAL_MIN_INTERVAL_MS: f64 = 250.0;
const EVAL_COST_FACTOR: f64 = 8.0;

pub struct SeriesRun {
    lesson: SeriesLesson,
    pending: Vec<LossPoint>,
    speed: SpeedMeter,
    last_eval_ms: f64,
    eval_cost_ms: f64,
    /// An evaluation under way, done a slice at a time (the weights wait for it), and the
    /// milliseconds spent on it so far.
    eval: Option<(EvalJob, f64)>,
}

/// Builds the experiment `settings` describe and makes it the active lesson; refused settings
/// leave the current one as it is.
pub fn configure(st: &mut State, settings: &Settings) {
    // Only how it generates changed: the run keeps its weights and generates anew. (The same
    // settings again are Reset: a fresh run.)
    if let Some(run) = st.active.as_mut().and_then(|a| a.as_any_mut().downcast_mut::<SeriesRun>()) {
        if run.lesson.settings != *settings && only_generation_differs(&run.lesson.settings, settings) {
            match run.lesson.set_generation(settings) {
                Ok(()) => {
                    post(SeriesEvent::Regenerated { info: run.lesson.info().clone(), settings: run.lesson.settings.clone() });
                    run.evaluate();
                    // The twin was generating the old way.
                    st.twin = None;
                }
                Err(e) => post(Event::Rejected { message: e.to_string() }),
            }
            return;
        }
    }
    match SeriesLesson::new(settings) {
        Ok(mut lesson) => {
            // Another lesson was chosen: news settings waiting for their data are dropped.
            st.news.forget_pending();
            lesson.set_workers(st.workers());
            post(SeriesEvent::Configured { info: lesson.info().clone(), settings: lesson.settings.clone() });
            let mut run =
                SeriesRun { lesson, pending: Vec::new(), speed: SpeedMeter::default(), last_eval_ms: 0.0, eval_cost_ms: 0.0, eval: None };
            // Its untrained state, as soon as it is evaluated.
            run.flush(false);
            run.evaluate();
            activate(st, Box::new(run));
        }
        Err(e) => post(Event::Rejected { message: e.to_string() }),
    }
}

impl SeriesRun {
    /// Starts evaluating the current weights (the worker's loop does it a slice at a time).
    fn evaluate(&mut self) {
        self.eval = Some((self.lesson.begin_evaluation(), 0.0));
    }
}

impl Running for SeriesRun {
    fn can_train(&self) -> bool {
        true
    }

    fn start(&mut self) {
        self.speed.restart(now_ms(), self.lesson.step_count());
    }

    fn train(&mut self, max_steps: usize, budget_ms: f64) -> bool {
        let mut going = true;
        time_slice(max_steps, budget_ms, || match self.lesson.train_step() {
            Ok(out) => {
                self.pending.push(LossPoint { step: out.step, loss: out.stats.loss, grad_norm: out.stats.grad_norm });
                if let Some(message) = out.diverged {
                    going = false;
                    self.flush(false);
                    post(SeriesEvent::Diverged { step: out.step, message });
                    return false;
                }
                true
            }
            Err(e) => {
                going = false;
                stop_with_error(e);
                false
            }
        });
        going
    }

    fn flush(&mut self, running: bool) {
        let step = self.lesson.step_count();
        let steps_per_sec = self.speed.update(now_ms(), step);
        let losses = std::mem::take(&mut self.pending);
        post(SeriesEvent::Progress { step, losses, steps_per_sec, running });
    }

    fn between_slices(&mut self) {
        if now_ms() - self.last_eval_ms >= EVAL_MIN_INTERVAL_MS.max(EVAL_COST_FACTOR * self.eval_cost_ms) {
            self.evaluate();
        }
    }

    fn settle(&mut self) {
        // The charts show the weights training stopped at (the last periodic evaluation may be
        // several hundred steps old).
        self.evaluate();
    }

    fn after_step(&mut self) {
        self.evaluate();
    }

    fn busy(&self) -> bool {
        self.eval.is_some()
    }

    fn work(&mut self, budget_ms: f64) {
        let Some((mut job, mut spent)) = self.eval.take() else { return };
        let t0 = now_ms();
        let outcome = loop {
            // A few windows at a time, so a slice ends close to its budget even for big models.
            match self.lesson.advance_evaluation(&mut job, 4) {
                Ok(None) if now_ms() - t0 < budget_ms => continue,
                other => break other,
            }
        };
        spent += now_ms() - t0;
        match outcome {
            Ok(None) => self.eval = Some((job, spent)),
            Ok(Some(e)) => {
                post(SeriesEvent::Evaluation(e));
                self.eval_cost_ms = spent;
                self.last_eval_ms = now_ms();
            }
            Err(e) => post(Event::Error { message: format!("Evaluation failed: {e}") }),
        }
    }

    fn settings(&self) -> &Settings {
        &self.lesson.settings
    }

    fn steps(&self) -> u64 {
        self.lesson.step_count()
    }

    fn resume_at(&mut self, step: u64) {
        self.lesson.resume_at(step);
        // The page shows the step the weights were trained to.
        self.flush(false);
    }

    fn chain(&mut self, source: &ChainSource) -> Result<Chain, LessonError> {
        match source {
            ChainSource::Window { start } => self.lesson.chain(*start),
            _ => Err(chain_error("the sine and typed lessons read windows of their series, not headlines".into())),
        }
    }

    fn backend(&mut self) -> &mut dyn crate::engine::backend::Backend {
        self.lesson.backend()
    }

    fn as_any_mut(&mut self) -> &mut dyn std::any::Any {
        self
    }
}

/// The helper worker's share, for a series lesson being built.
impl State {
    pub(super) fn workers(&self) -> Workers {
        self.helper.clone().map_or(Workers::Here, |h| Workers::Helper(h))
    }
}
