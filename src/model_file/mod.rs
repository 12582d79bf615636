//! The model file: one JSON document holding a model's structure ([`ModelSpec`]), its weights with
//! Keras's names and layouts, the text vectorizer's vocabulary when there is one, a format version,
//! and optionally a check (inputs and the outputs the producer computed for them), and, in files
//! the page saves, the settings (a link's query) the model was trained with.
//!
//! ```json
//! { "format": "unroll-model", "version": 1,
//!   "model": { "input": {...}, "layers": [...], "return_sequences": false, "dense_units": 4, "loss": "..." },
//!   "weights": { "rnn0.kernel": { "shape": [64, 256], "values": [ ... row-major ... ] }, ... },
//!   "vectorizer": null,
//!   "check": { "inputs": [...], "shape": [2, 50], "outputs": [...] } }
//! ```
//! A weight holds either `values` (numbers, row-major) or `base64` (little-endian f32 bytes, for
//! large models). Names: `embedding.embeddings`, `rnn{k}.kernel` / `.recurrent_kernel` / `.bias`
//! (`rnn{k}.forward.*` and `rnn{k}.backward.*` inside Bidirectional; `rnn{k}.peephole_weights` for
//! peephole LSTMs), `dense.kernel`, `dense.bias`. Layouts are Keras's: `kernel [input, G*units]`,
//! `recurrent_kernel [units, G*units]`, LSTM gates `i f c o`, GRU gates `z r h`, reset-after GRU
//! bias `[2, 3*units]`. `tools/keras/unroll_keras.py` writes a Keras model into this format and
//! loads one of ours into Keras.
//!
//! Files may come from strangers: every size a file claims is held to a budget (`budget.rs`)
//! before anything is allocated, every length to its shape and every token id of the check
//! (`check.rs`) to the embedding table before anything is indexed; a refusal is a
//! [`ModelFileError`] naming the layer and the shapes, never a panic.

mod budget;
mod check;

pub use budget::{expected_weights, Expected, COPIES_PER_WEIGHT, MAX_PARAMS, MEMORY_BUDGET};

use std::collections::BTreeMap;
use std::fmt;

use base64::Engine as _;
use serde::{Deserialize, Serialize};

use crate::data::text::TextVectorizer;
use crate::engine::model::{InputSpec, ModelSpec};
use crate::engine::{EngineError, Model};
use crate::i18n::{fill, t};

pub const FORMAT: &str = "unroll-model";
pub const VERSION: u32 = 1;

/// Largest model file the page opens (bytes): `MAX_PARAMS` weights written as JSON numbers
/// (about 8 bytes each), with room. The page refuses a bigger file before reading it.
pub const MAX_FILE_BYTES: usize = 512 << 20;

/// One weight tensor.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct WeightData {
    pub shape: Vec<usize>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub values: Option<Vec<f32>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub base64: Option<String>,
}

/// Inputs and the outputs the file's producer computed for them (Keras, or us).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Check {
    /// `[batch, time]` token ids or `[batch, time, features]` values, flattened.
    pub inputs: Vec<f32>,
    pub shape: Vec<usize>,
    /// The model's outputs (logits for classification), flattened batch-major.
    pub outputs: Vec<f32>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ModelFile {
    pub format: String,
    pub version: u32,
    pub model: ModelSpec,
    pub weights: BTreeMap<String, WeightData>,
    /// The text vectorizer (vocabulary and options) the model was trained with, if any.
    #[serde(default)]
    pub vectorizer: Option<TextVectorizer>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub check: Option<Check>,
    /// Names of the output classes, by class id (classifiers; empty when unknown).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub classes: Vec<String>,
    /// Free text: how the model was trained and how well it did.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub about: Option<String>,
    /// The page's settings the model was trained with (a link's query), in files the page saves:
    /// opening such a file rebuilds the same experiment (data, window, what it predicts) around
    /// its weights. Files without it (the command line's, Keras exports) take the open lesson's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub settings: Option<String>,
}

/// What is wrong with a model file, naming the layer and the shapes (in the page's language;
/// layer and weight names, shapes and JSON paths are written as they are).
#[derive(Debug, Clone, PartialEq)]
pub enum ModelFileError {
    Json(String),
    Format(String),
    Version(u32),
    Model(EngineError),
    /// `layer` names the layer and its kind: `` layer `rnn1` (GRU) ``.
    Shape {
        layer: String,
        name: String,
        got: Vec<usize>,
        expected: Vec<usize>,
    },
    Missing {
        layer: String,
        name: String,
        expected: Vec<usize>,
    },
    /// A layer whose weights pass [`MAX_PARAMS`] (`count`: its own, `total`: with the layers
    /// before it; `None` where the count overflows).
    TooLarge {
        layer: String,
        claimed: String,
        count: Option<u64>,
        total: Option<u64>,
    },
    /// A forward pass (the file's check, or reading one text) whose buffers would not fit
    /// [`MEMORY_BUDGET`].
    PassTooLarge {
        what: String,
        batch: usize,
        time: usize,
        needs: String,
    },
    /// The file's check data does not suit the model.
    Check(String),
    /// A token id in the check data that the embedding table has no row for.
    Token {
        index: usize,
        value: f32,
        vocab: usize,
        dim: usize,
    },
    Unexpected(String),
    /// `layer` as in [`ModelFileError::Shape`]; `problem` is one of the `data_*` texts.
    Data {
        layer: String,
        name: String,
        problem: String,
    },
    Vocabulary {
        tokens: usize,
        rows: usize,
        dim: usize,
    },
    VectorizerWithoutTokens,
    Classes {
        names: usize,
        units: usize,
    },
}

impl From<EngineError> for ModelFileError {
    fn from(e: EngineError) -> Self {
        ModelFileError::Model(e)
    }
}

impl fmt::Display for ModelFileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let text = &t().models;
        let shape = |s: &Vec<usize>| format!("{s:?}");
        let message = match self {
            ModelFileError::Json(why) => fill(text.not_model_file, &[("why", why)]),
            ModelFileError::Format(format) => fill(text.not_unroll_file, &[("expected", &FORMAT), ("format", format)]),
            ModelFileError::Version(version) => fill(text.newer_version, &[("version", version), ("ours", &VERSION)]),
            ModelFileError::Model(e) => e.to_string(),
            ModelFileError::Shape { layer, name, got, expected } => {
                fill(text.weight_shape, &[("got", &shape(got)), ("expected", &shape(expected)), ("layer", layer), ("name", name)])
            }
            ModelFileError::Missing { layer, name, expected } => {
                fill(text.weight_missing, &[("expected", &shape(expected)), ("layer", layer), ("name", name)])
            }
            ModelFileError::TooLarge { layer, claimed, count, total } => too_large_text(layer, claimed, *count, *total),
            ModelFileError::PassTooLarge { what, batch, time, needs } => {
                fill(text.pass_too_large, &[("batch", batch), ("time", time), ("budget", &budget_text()), ("what", what), ("needs", needs)])
            }
            ModelFileError::Check(problem) => fill(text.check_data, &[("problem", problem)]),
            ModelFileError::Token { index, value, vocab, dim } => {
                fill(text.check_token, &[("index", index), ("value", value), ("vocab", vocab), ("dim", dim)])
            }
            ModelFileError::Unexpected(name) => fill(text.weight_unexpected, &[("name", name)]),
            ModelFileError::Data { layer, name, problem } => {
                fill(text.weight_data, &[("layer", layer), ("name", name), ("problem", problem)])
            }
            ModelFileError::Vocabulary { tokens, rows, dim } => fill(text.vocabulary, &[("tokens", tokens), ("rows", rows), ("dim", dim)]),
            ModelFileError::VectorizerWithoutTokens => text.vectorizer_without_tokens.to_string(),
            ModelFileError::Classes { names, units } => fill(text.classes, &[("names", names), ("units", units)]),
        };
        f.write_str(&message)
    }
}

impl std::error::Error for ModelFileError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            ModelFileError::Model(e) => Some(e),
            _ => None,
        }
    }
}

fn budget_text() -> String {
    fill(t().models.budget, &[("gib", &(MEMORY_BUDGET >> 30))])
}

fn too_large_text(layer: &str, claimed: &str, count: Option<u64>, total: Option<u64>) -> String {
    let text = &t().models;
    let thousands = budget::count_text;
    let max = budget::max_params_text();
    let why = fill(text.too_large_why, &[("budget", &budget_text())]);
    let named = |template: &str, count: &dyn fmt::Display, total: &dyn fmt::Display| {
        fill(template, &[("count", count), ("total", total), ("max", &max), ("why", &why), ("layer", &layer), ("claimed", &claimed)])
    };
    match (count, total) {
        (Some(c), Some(t)) if c == t => named(text.too_large_alone, &thousands(c), &""),
        (Some(c), Some(t)) => named(text.too_large_with_before, &thousands(c), &thousands(t)),
        (Some(c), None) => named(text.too_large_total_uncounted, &thousands(c), &""),
        _ => named(text.too_large_uncounted, &"", &""),
    }
}

/// The layer a weight belongs to, for messages: `rnn0.backward.kernel` → `` layer `rnn0` (Bidirectional LSTM) ``.
fn layer_of(spec: &ModelSpec, name: &str) -> String {
    budget::layer_label(spec, name.split('.').next().unwrap_or(name))
}

impl WeightData {
    /// How many float32 values the file holds for this weight, judged without decoding them
    /// (standard base64: 4 characters per 3 bytes, `=` padding at the end), and where.
    fn stored_values(&self) -> Option<(usize, &'static str)> {
        match (&self.values, &self.base64) {
            (Some(v), None) => Some((v.len(), t().models.place_values)),
            (None, Some(b)) => {
                let padding = b.bytes().rev().take(2).filter(|&c| c == b'=').count();
                Some(((b.len() / 4 * 3).saturating_sub(padding) / 4, t().models.place_base64))
            }
            _ => None,
        }
    }

    /// The values, once `self.shape` is known to be `n` values (an [`Expected`] weight's);
    /// `layer` names its layer in messages.
    fn decode(&self, layer: &str, name: &str, n: usize) -> Result<Vec<f32>, ModelFileError> {
        let text = &t().models;
        let bad = |problem: String| ModelFileError::Data { layer: layer.to_string(), name: name.to_string(), problem };
        let v = match (&self.values, &self.base64) {
            (Some(v), None) => v.clone(),
            (None, Some(b)) => {
                let bytes = base64::engine::general_purpose::STANDARD
                    .decode(b)
                    .map_err(|e| bad(fill(text.data_base64_invalid, &[("error", &e)])))?;
                if bytes.len() % 4 != 0 {
                    return Err(bad(fill(text.data_base64_bytes, &[("bytes", &bytes.len())])));
                }
                bytes.chunks_exact(4).map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]])).collect()
            }
            (Some(_), Some(_)) => return Err(bad(text.data_both.into())),
            (None, None) => return Err(bad(text.data_neither.into())),
        };
        if v.len() != n {
            return Err(bad(fill(text.data_length, &[("shape", &format!("{:?}", self.shape)), ("n", &n), ("got", &v.len())])));
        }
        if let Some(i) = v.iter().position(|x| !x.is_finite()) {
            return Err(bad(fill(text.data_not_finite, &[("index", &i)])));
        }
        Ok(v)
    }
}

impl ModelFile {
    /// The file for `model`; `binary` stores weights as base64 (about a third of the size).
    pub fn from_model(model: &Model, binary: bool) -> ModelFile {
        let weights = model
            .params
            .infos
            .iter()
            .map(|p| {
                let v = p.at.of(&model.params.values);
                let data = if binary {
                    let bytes: Vec<u8> = v.iter().flat_map(|x| x.to_le_bytes()).collect();
                    WeightData {
                        shape: p.shape.clone(),
                        values: None,
                        base64: Some(base64::engine::general_purpose::STANDARD.encode(bytes)),
                    }
                } else {
                    WeightData { shape: p.shape.clone(), values: Some(v.to_vec()), base64: None }
                };
                (p.name.clone(), data)
            })
            .collect();
        ModelFile {
            format: FORMAT.into(),
            version: VERSION,
            model: model.spec.clone(),
            weights,
            vectorizer: None,
            check: None,
            classes: Vec::new(),
            about: None,
            settings: None,
        }
    }

    pub fn parse(json: &str) -> Result<ModelFile, ModelFileError> {
        // Read the header first, so that a newer version gets the right message.
        #[derive(Deserialize)]
        struct Header {
            format: Option<String>,
            version: Option<u32>,
        }
        let h: Header = serde_json::from_str(json).map_err(|e| ModelFileError::Json(e.to_string()))?;
        match h.format.as_deref() {
            Some(FORMAT) => {}
            other => return Err(ModelFileError::Format(other.unwrap_or(t().models.format_missing).to_string())),
        }
        match h.version {
            Some(VERSION) => {}
            Some(v) if v > VERSION => return Err(ModelFileError::Version(v)),
            other => return Err(ModelFileError::Json(fill(t().models.unsupported_version, &[("version", &format!("{other:?}"))]))),
        }
        serde_json::from_str(json).map_err(|e| ModelFileError::Json(e.to_string()))
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string(self).expect("model files serialise")
    }

    /// Builds the model, checking every weight's name and shape. Every size the file claims is
    /// checked against the budget (`budget.rs`) and every weight's length against its shape before
    /// the model is allocated.
    pub fn to_model(&self) -> Result<Model, ModelFileError> {
        let spec = &self.model;
        spec.validate()?;
        let expected = expected_weights(spec)?;
        if !self.classes.is_empty() && self.classes.len() != spec.dense_units {
            return Err(ModelFileError::Classes { names: self.classes.len(), units: spec.dense_units });
        }
        match (&self.vectorizer, &spec.input) {
            (None, _) => {}
            (Some(v), InputSpec::Tokens { vocab, dim, .. }) if v.vocabulary_size() > *vocab => {
                return Err(ModelFileError::Vocabulary { tokens: v.vocabulary_size(), rows: *vocab, dim: *dim });
            }
            (Some(v), InputSpec::Tokens { .. }) => {
                if let Some(n) = v.output_sequence_length() {
                    let params = expected.iter().map(|e| e.len).sum();
                    budget::check_pass(spec, params, 1, n, &fill(t().models.pass_vectorizer, &[("n", &n)]))?;
                }
            }
            (Some(_), _) => return Err(ModelFileError::VectorizerWithoutTokens),
        }
        if let Some(name) = self.weights.keys().find(|n| !expected.iter().any(|e| &e.name == *n)) {
            return Err(ModelFileError::Unexpected(name.clone()));
        }
        for e in &expected {
            let w = self.weights.get(&e.name).ok_or_else(|| ModelFileError::Missing {
                layer: layer_of(spec, &e.name),
                name: e.name.clone(),
                expected: e.shape.clone(),
            })?;
            if w.shape != e.shape {
                return Err(ModelFileError::Shape {
                    layer: layer_of(spec, &e.name),
                    name: e.name.clone(),
                    got: w.shape.clone(),
                    expected: e.shape.clone(),
                });
            }
            if let Some((stored, place)) = w.stored_values().filter(|&(s, _)| s != e.len) {
                return Err(ModelFileError::Data {
                    layer: layer_of(spec, &e.name),
                    name: e.name.clone(),
                    problem: fill(
                        t().models.data_stored,
                        &[("shape", &format!("{:?}", e.shape)), ("n", &e.len), ("stored", &stored), ("place", &place)],
                    ),
                });
            }
        }
        // Within the budget, and the file holds every value it claims: now allocate.
        let mut model = Model::zeroed(spec.clone())?;
        for e in &expected {
            let v = self.weights[&e.name].decode(&layer_of(spec, &e.name), &e.name, e.len)?;
            model.params.set(&e.name, &e.shape, &v)?;
        }
        Ok(model)
    }
}
