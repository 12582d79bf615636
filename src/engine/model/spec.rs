//! What a model is, as plain serde data: the page, the URL, the CLI and model files all build
//! one of these and hand it to [`super::Model::new`].

use serde::{Deserialize, Serialize};

use crate::engine::cells::CellKind;
use crate::engine::EngineError;
use crate::i18n::{fill, t};

/// The model's input.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum InputSpec {
    /// Real values `[batch, time, features]` (a time series).
    Values { features: usize },
    /// Token ids `[batch, time]` through an `Embedding(vocab, dim)`; with `mask_zero`, id 0 is padding.
    Tokens { vocab: usize, dim: usize, mask_zero: bool },
}

/// How a `Bidirectional` wrapper combines its two directions (Keras `merge_mode`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Merge {
    Concat,
    Sum,
    Ave,
    Mul,
}

/// One recurrent layer (possibly bidirectional).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RecurrentSpec {
    pub cell: CellKind,
    pub units: usize,
    /// `Some(merge)` wraps the layer in `Bidirectional(merge_mode=merge)`.
    #[serde(default)]
    pub bidirectional: Option<Merge>,
    /// Keras `dropout`: fraction of the inputs dropped (training only).
    #[serde(default)]
    pub dropout: f32,
    /// Keras `recurrent_dropout`: fraction of the recurrent state dropped (training only).
    #[serde(default)]
    pub recurrent_dropout: f32,
}

impl RecurrentSpec {
    /// A layer without dropout.
    pub fn new(cell: CellKind, units: usize, bidirectional: Option<Merge>) -> Self {
        RecurrentSpec { cell, units, bidirectional, dropout: 0.0, recurrent_dropout: 0.0 }
    }

    /// Width of this layer's output (per time step).
    pub fn output_dim(&self) -> usize {
        match self.bidirectional {
            Some(Merge::Concat) => 2 * self.units,
            _ => self.units,
        }
    }
}

/// The training loss.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LossKind {
    /// Mean over every output element of `(ŷ - y)²`.
    Mse,
    /// Mean over the batch of `-log softmax(logits)[label]`; the Dense head outputs logits.
    SparseCategoricalCrossentropy,
}

/// A whole model: input → recurrent stack → Dense head → loss.
///
/// Every recurrent layer but the last returns sequences (Keras `return_sequences=True`); the last
/// one does when `return_sequences` is set, and the Dense head is then applied at every time step.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ModelSpec {
    pub input: InputSpec,
    pub layers: Vec<RecurrentSpec>,
    pub return_sequences: bool,
    pub dense_units: usize,
    pub loss: LossKind,
}

/// Largest sizes the engine accepts (far beyond what a browser can train, small enough that a
/// typo cannot ask for terabytes).
pub const MAX_UNITS: usize = 4096;
pub const MAX_LAYERS: usize = 8;
pub const MAX_VOCAB: usize = 1 << 22;

impl InputSpec {
    /// Whether token id 0 is padding, masked (`Embedding(mask_zero=True)`).
    pub fn mask_zero(&self) -> bool {
        matches!(self, InputSpec::Tokens { mask_zero: true, .. })
    }
}

impl ModelSpec {
    /// Checks sizes and combinations, with a message that names the offending part.
    pub fn validate(&self) -> Result<(), EngineError> {
        let bad = |m: String| Err(EngineError::InvalidModel(m));
        let text = &t().models;
        match self.input {
            InputSpec::Values { features } if features == 0 || features > MAX_UNITS => {
                return bad(fill(text.spec_features, &[("max", &MAX_UNITS), ("features", &features)]))
            }
            InputSpec::Tokens { vocab, dim, .. } if !(2..=MAX_VOCAB).contains(&vocab) || !(1..=MAX_UNITS).contains(&dim) => {
                return bad(fill(text.spec_embedding, &[("max_vocab", &MAX_VOCAB), ("max", &MAX_UNITS), ("vocab", &vocab), ("dim", &dim)]))
            }
            _ => {}
        }
        if self.layers.is_empty() || self.layers.len() > MAX_LAYERS {
            return bad(fill(text.spec_layers, &[("max", &MAX_LAYERS), ("n", &self.layers.len())]));
        }
        for (k, l) in self.layers.iter().enumerate() {
            if l.units == 0 || l.units > MAX_UNITS {
                return bad(fill(text.spec_units, &[("k", &k), ("max", &MAX_UNITS), ("units", &l.units)]));
            }
            for (what, rate) in [("dropout", l.dropout), ("recurrent_dropout", l.recurrent_dropout)] {
                if !(0.0..1.0).contains(&rate) {
                    return bad(fill(text.spec_rate, &[("k", &k), ("what", &what), ("rate", &rate)]));
                }
            }
        }
        if self.dense_units == 0 || self.dense_units > MAX_UNITS {
            return bad(fill(text.spec_dense, &[("max", &MAX_UNITS), ("units", &self.dense_units)]));
        }
        if self.loss == LossKind::SparseCategoricalCrossentropy && self.return_sequences {
            return bad(text.spec_per_step.into());
        }
        if self.loss == LossKind::SparseCategoricalCrossentropy && self.dense_units < 2 {
            return bad(text.spec_classes.into());
        }
        Ok(())
    }

    /// Width of the input of layer `k`.
    pub fn layer_input_dim(&self, k: usize) -> usize {
        if k == 0 {
            match self.input {
                InputSpec::Values { features } => features,
                InputSpec::Tokens { dim, .. } => dim,
            }
        } else {
            self.layers[k - 1].output_dim()
        }
    }
}
