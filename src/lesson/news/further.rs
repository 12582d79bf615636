//! Training a model file's model further (one opened in the page, a Keras export included): the
//! news lesson's settings that describe its architecture, or why the page cannot train it.
//! The lesson then starts from the file's weights and reads texts with its vocabulary
//! ([`super::NewsLesson::further`]).

use crate::engine::model::{InputSpec, LossKind, ModelSpec};
use crate::engine::Model;
use crate::i18n::{fill, t};
use crate::lesson::from_file::{weights_for, with_stack};
use crate::lesson::LessonError;
use crate::model_file::ModelFile;
use crate::settings::{SettingError, Settings, Task};

/// `base` (the news lesson's current settings: data, text fields, optimizer, epochs...) with the
/// architecture of `file`'s model; an error says what the page's settings cannot describe.
pub fn settings_for(file: &ModelFile, base: &Settings) -> Result<Settings, String> {
    let spec = &file.model;
    let InputSpec::Tokens { vocab, dim, mask_zero } = spec.input else {
        return Err(t().data.further_numbers.into());
    };
    let Some(vectorizer) = file.vectorizer.as_ref() else {
        return Err(t().data.further_no_vectorizer.into());
    };
    if spec.return_sequences || spec.loss != LossKind::SparseCategoricalCrossentropy {
        return Err(t().data.further_not_classifier.into());
    }
    let stack = with_stack(spec, base)?;
    let settings = Settings {
        task: Task::Agnews,
        vocab,
        embed_dim: dim,
        mask: mask_zero,
        max_len: vectorizer.output_sequence_length().unwrap_or(0),
        ..stack
    };
    settings.validate().map_err(|e| fill(t().worker.settings_cannot_hold, &[("error", &e)]))?;
    Ok(settings)
}

/// The model `spec` (what the settings build, dropout included) holding `file`'s weights.
pub fn weights_from(file: &ModelFile, spec: ModelSpec) -> Result<Model, LessonError> {
    let refuse = |m: String| LessonError::Setting(SettingError::new("model", m));
    if file.model.dense_units != spec.dense_units {
        return Err(refuse(fill(t().data.further_classes, &[("file", &file.model.dense_units), ("data", &spec.dense_units)])));
    }
    // Zeroed, not initialised: every weight is the file's.
    let mut model = Model::zeroed(spec)?;
    let from = file.to_model().map_err(|e| refuse(e.to_string()))?;
    model.params.values = weights_for(from, &model).map_err(refuse)?;
    Ok(model)
}
