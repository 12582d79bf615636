//! A lesson as the worker runs it: one interface, so Train, Pause, Step, Reset and the training
//! loop act on whichever lesson is active without knowing which. Long work (an evaluation) is
//! done a slice at a time between yields, so the worker answers within a slice or two.
//!
//! How to add a lesson: a module beside `series.rs` and `news.rs` with a type implementing
//! [`Running`] and a `configure` that builds it from the settings (and installs it with
//! `super::activate`), and its line in `handle`'s `Command::Configure` match over the tasks.

use std::any::Any;

use crate::engine::backend::Backend;
use crate::lesson::chain::{Chain, ChainSource};
use crate::lesson::LessonError;
use crate::settings::Settings;

pub trait Running: Any {
    /// Whether Train may start now (a finished news run cannot go on).
    fn can_train(&self) -> bool;
    /// Continuous training starts now (its speed is measured from here).
    fn start(&mut self);
    /// Trains up to `max_steps` steps or `budget_ms` milliseconds (at least one step).
    /// `false` when training stopped by itself (finished, diverged, failed): the lesson has
    /// already told the page why.
    fn train(&mut self, max_steps: usize, budget_ms: f64) -> bool;
    /// Sends what was trained since the last message; `running` says whether training goes on.
    fn flush(&mut self, running: bool);
    /// Between two slices of continuous training (the series lessons evaluate now and then).
    fn between_slices(&mut self);
    /// Training stopped (paused, finished, diverged): show where the model stands.
    fn settle(&mut self);
    /// One Step was taken: show where the model stands.
    fn after_step(&mut self);
    /// Work is under way that the weights must wait for (an evaluation done a slice at a time).
    fn busy(&self) -> bool {
        false
    }
    /// Does about `budget_ms` of that work; posts its result when it is complete.
    fn work(&mut self, _budget_ms: f64) {}
    /// The settings it was built from (Reset builds it again from them).
    fn settings(&self) -> &Settings;
    /// Training steps (batches) taken so far.
    fn steps(&self) -> u64;
    /// Weights trained `step` steps were loaded: the count goes on from there where the lesson
    /// can (a news run's epochs start again).
    fn resume_at(&mut self, _step: u64) {}
    /// `source` traced through the model at the current weights (the unrolled view).
    fn chain(&mut self, source: &ChainSource) -> Result<Chain, LessonError>;
    /// The engine it trains on (weights in and out).
    fn backend(&mut self) -> &mut dyn Backend;
    /// For the one question only a given lesson answers (the news lesson's trained reader).
    fn as_any_mut(&mut self) -> &mut dyn Any;
}
