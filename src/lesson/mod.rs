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

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::data::series::SeriesError;
use crate::engine::backend::{BackendKind, MAX_STEP_SECONDS};
use crate::engine::model::footprint::{bytes_text, seconds_text, Footprint};
use crate::engine::EngineError;
use crate::i18n::{fill, t};
use crate::settings::SettingError;

/// Why a lesson could not start. Its text is in the page's language (`Display`).
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum LessonError {
    Setting(#[from] SettingError),
    Series(#[from] SeriesError),
    Engine(#[from] EngineError),
    /// The model would not fit the engine: the message gives the estimate, the limit, and what
    /// would fit.
    TooBig(String),
    /// Training was asked to go on after its last epoch.
    Finished(usize),
}

impl fmt::Display for LessonError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LessonError::Setting(e) => write!(f, "{e}"),
            LessonError::Series(e) => write!(f, "{e}"),
            LessonError::Engine(e) => write!(f, "{e}"),
            LessonError::TooBig(message) => f.write_str(message),
            LessonError::Finished(epochs) => f.write_str(&fill(t().data.finished, &[("epochs", epochs)])),
        }
    }
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
    let text = &t().data;
    let data = if f.data > 0 { fill(text.too_big_data, &[("bytes", &bytes_text(f.data))]) } else { String::new() };
    let refusal = fill(
        text.too_big,
        &[
            ("total", &bytes_text(f.bytes())),
            ("weights", &bytes_text(f.weights)),
            ("gradients", &bytes_text(f.gradients)),
            ("optimizer", &bytes_text(f.optimizer)),
            ("states", &bytes_text(f.activations)),
            ("workspace", &bytes_text(f.workspace)),
            ("data", &data),
            ("time", &seconds_text(estimate.seconds_per_step)),
            ("budget", &bytes_text(kind.memory_budget())),
            ("limit", &seconds_text(MAX_STEP_SECONDS)),
        ],
    );
    let message = match instead {
        Some(s) => fill(text.too_big_instead, &[("refusal", &refusal), ("instead", &s)]),
        None => fill(text.too_big_fewer, &[("refusal", &refusal)]),
    };
    Err(LessonError::TooBig(message))
}
