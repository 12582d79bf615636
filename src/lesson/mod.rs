//! The course's lessons: data + model + training loop + evaluation. Shared by the `unroll`
//! command line and the Web Worker, so both train exactly the same way.

pub mod news;
pub mod news_source;
pub mod series;

pub use series::{Evaluation, SeriesInfo, SeriesLesson, StepOutcome};

use crate::data::series::SeriesError;
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
    /// Training was asked to go on after its last epoch.
    #[error("training is over: all {0} epochs are done (Reset starts again)")]
    Finished(usize),
}
