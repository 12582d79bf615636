//! The course's lessons: data + model + training loop + evaluation. Shared by the `unroll`
//! command line and the Web Worker, so both train exactly the same way. `three_neurons` and
//! `input_format` are small pieces of the course the page computes itself (no training, no worker).

pub mod chain;
pub mod from_file;
pub mod input_format;
pub mod keras_code;
pub mod news;
pub mod news_source;
pub mod pacing;
pub mod series;
pub mod three_neurons;
pub mod twin;
pub mod vanishing;

pub use series::{EvalJob, Evaluation, SeriesInfo, SeriesLesson, StepOutcome};

use serde::{Deserialize, Serialize};

use crate::data::series::SeriesError;
use crate::engine::backend::{BackendKind, MAX_STEP_SECONDS};
use crate::engine::model::footprint::{bytes_text, seconds_text, Footprint};
use crate::engine::EngineError;
use crate::settings::SettingError;

/// Why a lesson could not start.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum LessonError {
    #[error("{0}")]
    Setting(#[from] SettingError),
    #[error("{0}")]
    Series(#[from] SeriesError),
    #[error("{0}")]
    Engine(#[from] EngineError),
    /// The model would not fit the engine: the message gives the estimate, the limit, and what
    /// would fit.
    #[error("{0}")]
    TooBig(String),
    /// Training was asked to go on after its last epoch.
    #[error("training is over: all {0} epochs are done (Reset starts again)")]
    Finished(usize),
}

/// What a run is estimated to take on its engine, shown beside the model before it trains.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Estimate {
    pub footprint: Footprint,
    pub seconds_per_step: f64,
}

impl Estimate {
    pub fn of(kind: BackendKind, footprint: Footprint) -> Estimate {
        Estimate { footprint, seconds_per_step: footprint.flops / kind.flops_per_second() }
    }

    /// Whether it fits `kind` here: memory and the length of a step.
    pub fn fits(&self, kind: BackendKind) -> bool {
        self.footprint.bytes() <= kind.memory_budget() && self.seconds_per_step <= MAX_STEP_SECONDS
    }

    /// "about 12.5 MB, 1.2 ms per step"
    pub fn text(&self) -> String {
        format!("about {}, {} per step", bytes_text(self.footprint.bytes()), seconds_text(self.seconds_per_step))
    }
}

/// `from / 2`, `from / 4`, … down to 1: the smaller sizes a refused run is offered.
pub fn halvings(from: usize) -> impl Iterator<Item = usize> {
    std::iter::successors(Some(from / 2), |&n| (n > 1).then_some(n / 2)).filter(|&n| n >= 1)
}

/// `Ok(estimate)` when the run fits its engine; otherwise the refusal, with both figures, the
/// limits, and what would fit (`instead`, asked only then) when there is something.
pub fn check_fits(kind: BackendKind, estimate: Estimate, instead: impl FnOnce() -> Option<String>) -> Result<Estimate, LessonError> {
    if estimate.fits(kind) {
        return Ok(estimate);
    }
    let instead = instead();
    let f = &estimate.footprint;
    let data = if f.data > 0 { format!(", data {}", bytes_text(f.data)) } else { String::new() };
    let mut message = format!(
        "this model would need {} of memory (weights {}, gradients {}, optimiser {}, the states kept for backpropagation \
         through time {}, workspace {}{data}) and {} per training step; this engine holds at most {} and must answer within {}",
        bytes_text(f.bytes()),
        bytes_text(f.weights),
        bytes_text(f.gradients),
        bytes_text(f.optimizer),
        bytes_text(f.activations),
        bytes_text(f.workspace),
        seconds_text(estimate.seconds_per_step),
        bytes_text(kind.memory_budget()),
        seconds_text(MAX_STEP_SECONDS),
    );
    match instead {
        Some(s) => message += &format!(". {s} would fit"),
        None => message += ". Use fewer units, layers or a smaller batch",
    }
    Err(LessonError::TooBig(message))
}
