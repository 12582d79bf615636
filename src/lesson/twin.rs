//! "Why does it drift?": the experiment's twin, trained the other way (teacher forcing if the
//! experiment trains free-running, and the reverse) on the same data, from the same initial
//! weights, with the same batches, for as many steps; its generation beside the experiment's shows
//! what training on the model's own predictions changes.
//!
//! Teacher forcing shows the model only true values, so every step of a generation, which reads
//! the model's own slightly wrong predictions, is a situation it never trained on, and the errors
//! add up (exposure bias); the held-out one-step predictions, which read true values, stay
//! excellent. Free-running training shows it its own predictions (`engine/model/feedback.rs`).

use super::series::{EvalJob, Evaluation, SeriesLesson};
use super::LessonError;
use crate::settings::{Settings, Training};

/// The other way of training.
pub fn other(t: Training) -> Training {
    match t {
        Training::Teacher => Training::Free,
        Training::Free => Training::Teacher,
    }
}

/// A twin being trained, then evaluated, a little at a time.
#[derive(Debug)]
pub struct Twin {
    lesson: SeriesLesson,
    target: u64,
    eval: Option<EvalJob>,
    /// Why training stopped before `target` (divergence), if it did.
    stopped: Option<String>,
}

impl Twin {
    /// The twin of the experiment `settings` describe, to be trained `steps` steps.
    pub fn new(settings: &Settings, steps: u64) -> Result<Twin, LessonError> {
        let s = Settings { training: other(settings.training), ..settings.clone() };
        Ok(Twin { lesson: SeriesLesson::new(&s)?, target: steps, eval: None, stopped: None })
    }

    pub fn training(&self) -> Training {
        self.lesson.settings.training
    }

    /// Steps trained, and to train.
    pub fn progress(&self) -> (u64, u64) {
        (self.lesson.step_count(), self.target)
    }

    /// Why the twin's training stopped early (it diverged), if it did.
    pub fn stopped(&self) -> Option<&str> {
        self.stopped.as_deref()
    }

    /// Trains up to `units` steps or evaluates about `units` windows: the evaluation once the
    /// twin is trained and evaluated.
    pub fn advance(&mut self, units: usize) -> Result<Option<Evaluation>, LessonError> {
        let mut done = 0;
        while done < units && self.stopped.is_none() && self.lesson.step_count() < self.target {
            let out = self.lesson.train_step()?;
            self.stopped = out.diverged;
            done += 1;
        }
        if done == units {
            return Ok(None);
        }
        let mut job = self.eval.take().unwrap_or_else(|| self.lesson.begin_evaluation());
        match self.lesson.advance_evaluation(&mut job, units - done)? {
            Some(e) => Ok(Some(e)),
            None => {
                self.eval = Some(job);
                Ok(None)
            }
        }
    }
}

/// Each generated value's distance from the true continuation (where it is known): the drift.
pub fn drift(e: &Evaluation) -> Vec<f32> {
    e.gen_pred.iter().zip(&e.gen_truth).map(|(g, t)| (g - t).abs()).collect()
}
