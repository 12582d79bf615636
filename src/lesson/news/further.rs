//! Training a model file's model further (one opened in the page, a Keras export included): the
//! news lesson's settings that describe its architecture, or why the page cannot train it.
//! The lesson then starts from the file's weights and reads texts with its vocabulary
//! ([`super::NewsLesson::further`]).

use crate::engine::cells::{Activation, CellKind};
use crate::engine::model::{InputSpec, LossKind, Merge, ModelSpec};
use crate::engine::Model;
use crate::i18n::{fill, t};
use crate::lesson::LessonError;
use crate::model_file::ModelFile;
use crate::settings::{ActivationChoice, Cell, SettingError, Settings, Task};

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
    let Some(first) = spec.layers.first() else {
        return Err(t().data.further_no_recurrent.into());
    };
    if spec.layers.iter().any(|l| l.cell != first.cell || l.units != first.units || l.bidirectional != first.bidirectional) {
        return Err(t().data.further_mixed.into());
    }
    let bidirectional = match first.bidirectional {
        None => false,
        Some(Merge::Concat) => true,
        Some(other) => return Err(fill(t().data.further_merge, &[("merge", &format!("{other:?}"))])),
    };
    let (cell, activation, peephole) = match first.cell {
        CellKind::SimpleRnn { activation } => (Cell::Rnn, choice(activation), base.peephole),
        CellKind::Lstm { peephole } => (Cell::Lstm, base.activation, peephole),
        CellKind::Gru { reset_after: true } => (Cell::Gru, base.activation, base.peephole),
        CellKind::Gru { reset_after: false } => return Err(t().data.further_gru_reset.into()),
    };
    let settings = Settings {
        task: Task::Agnews,
        cell,
        activation,
        peephole,
        units: first.units,
        layers: spec.layers.len(),
        bidirectional,
        vocab,
        embed_dim: dim,
        mask: mask_zero,
        max_len: vectorizer.output_sequence_length().unwrap_or(0),
        ..base.clone()
    };
    settings.validate().map_err(|e| fill(t().data.further_settings, &[("error", &e)]))?;
    Ok(settings)
}

fn choice(a: Activation) -> ActivationChoice {
    match a {
        Activation::Tanh => ActivationChoice::Tanh,
        Activation::Relu => ActivationChoice::Relu,
        Activation::LeakyRelu => ActivationChoice::LeakyRelu,
        Activation::Elu => ActivationChoice::Elu,
        Activation::Linear => ActivationChoice::Linear,
    }
}

/// The model `spec` (what the settings build, dropout included) holding `file`'s weights.
pub fn weights_from(file: &ModelFile, spec: ModelSpec) -> Result<Model, LessonError> {
    let refuse = |m: String| LessonError::Setting(SettingError::new("model", m));
    let from = file.to_model().map_err(|e| refuse(e.to_string()))?;
    if from.spec.dense_units != spec.dense_units {
        return Err(refuse(fill(t().data.further_classes, &[("file", &from.spec.dense_units), ("data", &spec.dense_units)])));
    }
    // Zeroed, not initialised: every weight is the file's.
    let mut model = Model::zeroed(spec)?;
    let layout = |m: &Model| m.params.infos.iter().map(|i| (i.name.clone(), i.shape.clone())).collect::<Vec<_>>();
    if layout(&model) != layout(&from) {
        return Err(refuse(t().data.further_layout.into()));
    }
    model.params.values = from.params.values;
    Ok(model)
}
