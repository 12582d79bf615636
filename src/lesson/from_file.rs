//! A model file's recurrent stack as the page's settings, and its weights in the model those
//! settings build: what both lessons do when they open a file. The news lesson trains an opened
//! headline model further (`news/further.rs`); the series lessons open a series model
//! ([`series_settings`], `SeriesLesson::from_file`).

use crate::engine::cells::CellKind;
use crate::engine::model::{InputSpec, LossKind, Merge, ModelSpec};
use crate::engine::Model;
use crate::i18n::{fill, t};
use crate::model_file::ModelFile;
use crate::settings::{ActivationChoice, Cell, Settings, Task};

/// `base` with the recurrent stack of `spec`: cell, activation, peepholes, units, layers and
/// whether they are bidirectional (the rest of `base` is kept); an error says what the page's
/// settings cannot describe.
pub fn with_stack(spec: &ModelSpec, base: &Settings) -> Result<Settings, String> {
    let text = &t().worker;
    let Some(first) = spec.layers.first() else {
        return Err(text.no_recurrent_layer.into());
    };
    if spec.layers.iter().any(|l| l.cell != first.cell || l.units != first.units || l.bidirectional != first.bidirectional) {
        return Err(text.layers_differ.into());
    }
    let bidirectional = match first.bidirectional {
        None => false,
        Some(Merge::Concat) => true,
        Some(other) => return Err(fill(text.merge_differs, &[("merge", &format!("{other:?}"))])),
    };
    let (cell, activation, peephole) = match first.cell {
        CellKind::SimpleRnn { activation } => (Cell::Rnn, ActivationChoice::of(activation), base.peephole),
        CellKind::Lstm { peephole } => (Cell::Lstm, base.activation, peephole),
        CellKind::Gru { reset_after: true } => (Cell::Gru, base.activation, base.peephole),
        CellKind::Gru { reset_after: false } => return Err(text.gru_reset_before.into()),
    };
    Ok(Settings { cell, activation, peephole, units: first.units, layers: spec.layers.len(), bidirectional, ..base.clone() })
}

/// The settings a series model file opens with: the ones it was saved with (a file the page
/// saved), else `base` (the open series lesson's), with the file's stack and dropout, on `base`'s
/// engine. An error says why the series lessons cannot open it.
pub fn series_settings(file: &ModelFile, base: &Settings) -> Result<Settings, String> {
    let text = &t().worker;
    let spec = &file.model;
    if file.vectorizer.is_some() || matches!(spec.input, InputSpec::Tokens { .. }) {
        return Err(text.series_reads_texts.into());
    }
    if spec.input != (InputSpec::Values { features: 1 }) || !spec.return_sequences || spec.dense_units != 1 || spec.loss != LossKind::Mse {
        return Err(text.series_not_series.into());
    }
    if spec.layers.iter().any(|l| l.bidirectional.is_some()) {
        return Err(text.series_bidirectional.into());
    }
    let saved = file.settings.as_deref().map(|q| Settings::from_query(q).0).filter(|s| s.task != Task::Agnews);
    let from = Settings { engine: base.engine, ..saved.unwrap_or_else(|| base.clone()) };
    let mut settings = with_stack(spec, &from)?;
    if let Some(first) = spec.layers.first() {
        settings.dropout = first.dropout;
        settings.recurrent_dropout = first.recurrent_dropout;
    }
    settings.validate().map_err(|e| fill(text.settings_cannot_hold, &[("error", &e)]))?;
    Ok(settings)
}

/// The weights of `from` (a file's model, as `ModelFile::to_model` built and checked it), checked
/// to fit `model` (the model its settings built) name by name and shape by shape.
pub fn weights_for(from: Model, model: &Model) -> Result<Vec<f32>, String> {
    let layout = |m: &Model| m.params.infos.iter().map(|i| (i.name.clone(), i.shape.clone())).collect::<Vec<_>>();
    if layout(model) != layout(&from) {
        return Err(t().worker.weights_laid_out.into());
    }
    Ok(from.params.values)
}
