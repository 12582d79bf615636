//! "Why does it drift?": the experiment's twin, trained with the course's recipe (teacher
//! forcing, every step of a window scored, plain Adam) if the experiment is not, else with the
//! page's (a warm-up of [`Settings::default`]'s steps left out of the loss, AMSGrad), on the same data, from the same
//! initial weights, with the same batches, for as many steps; its generation beside the
//! experiment's shows what the recipe changes.
//!
//! Generating, the model reads its own predictions, each a little off. With every step scored,
//! the first steps of a window, which predict from one or two values, make errors that can never
//! vanish and outweigh the rest of the loss, so the rule the later steps use (the one generation
//! runs on) stays inexact and the small errors grow; the held-out one-step predictions stay
//! excellent. Leaving those steps out of the loss (the warm-up) makes that rule exact enough to
//! hold, and Adam's AMSGrad variant keeps the relu SimpleRNN from the loss spikes plain Adam
//! takes once its gradients have become tiny; training free-running (`engine/model/feedback.rs`)
//! shows the model its own errors.

use serde::{Deserialize, Serialize};

use super::series::{EvalJob, Evaluation, SeriesLesson};
use super::LessonError;
use crate::i18n::{fill, t};
use crate::settings::{OptimizerChoice, Settings, Training};

/// How a series model is trained, as far as generation is concerned.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Recipe {
    pub training: Training,
    /// Steps of each window left out of the loss (`warmup`).
    pub warmup: usize,
    /// Adam's AMSGrad variant (`amsgrad`; only with Adam).
    pub amsgrad: bool,
}

impl Recipe {
    /// The course's: teacher forcing, every step scored, plain Adam.
    pub const COURSE: Recipe = Recipe { training: Training::Teacher, warmup: 0, amsgrad: false };

    pub fn of(s: &Settings) -> Recipe {
        Recipe { training: s.training, warmup: s.warmup, amsgrad: s.amsgrad && s.optimizer == OptimizerChoice::Adam }
    }

    /// `s` trained with this recipe.
    pub fn apply(self, s: &Settings) -> Settings {
        Settings { training: self.training, warmup: self.warmup, amsgrad: self.amsgrad, ..s.clone() }
    }

    /// The twin's recipe: the course's, or the page's default if the experiment uses the course's.
    pub fn other(self) -> Recipe {
        if self == Recipe::COURSE {
            Recipe::of(&Settings::default())
        } else {
            Recipe::COURSE
        }
    }

    /// As the page names it.
    pub fn name(self) -> String {
        let l = t().lessons;
        let how = match self.training {
            Training::Teacher => l.recipe_teacher,
            Training::Free => l.recipe_free,
        };
        let ams = if self.amsgrad { l.recipe_amsgrad } else { "" };
        let named = |template: &str| fill(template, &[("how", &how), ("ams", &ams), ("w", &self.warmup)]);
        match (self, self.warmup) {
            (Recipe::COURSE, _) => l.recipe_course.into(),
            (_, 0) => named(l.recipe_every_step),
            (_, 1) => named(l.recipe_first_step),
            (_, _) => named(l.recipe_first_steps),
        }
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
        let mut s = Recipe::of(settings).other().apply(settings);
        // Trained a slice at a time beside the experiment, waiting for each step: on the CPU
        // engine (free-running, one of the two recipes, is a CPU matter so far).
        s.engine = crate::settings::EngineChoice::Cpu;
        Ok(Twin { lesson: SeriesLesson::new(&s)?, target: steps, eval: None, stopped: None })
    }

    pub fn recipe(&self) -> Recipe {
        Recipe::of(&self.lesson.settings)
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
