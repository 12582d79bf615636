//! The model file: one JSON document holding a model's structure ([`ModelSpec`]), its weights with
//! Keras's names and layouts, the text vectorizer's vocabulary when there is one, a format version,
//! and optionally a check (inputs and the outputs the producer computed for them).
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

use std::collections::BTreeMap;

use base64::Engine as _;
use serde::{Deserialize, Serialize};

use crate::data::text::TextVectorizer;
use crate::engine::model::{InputSpec, ModelSpec};
use crate::engine::{EngineError, Input, InputData, Model, Workspace};

pub const FORMAT: &str = "unroll-model";
pub const VERSION: u32 = 1;

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
}

/// What is wrong with a model file, naming the layer and the shapes.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ModelFileError {
    #[error("not a model file: {0}")]
    Json(String),
    #[error("not an Unroll model file (format is `{0}`, expected `{FORMAT}`)")]
    Format(String),
    #[error("model file version {0} is newer than this Unroll understands (version {VERSION}); update Unroll")]
    Version(u32),
    #[error("{0}")]
    Model(#[from] EngineError),
    #[error("layer `{layer}`: weight `{name}` has shape {got:?} in the file, but the model needs {expected:?}")]
    Shape { layer: String, name: String, got: Vec<usize>, expected: Vec<usize> },
    #[error("layer `{layer}`: weight `{name}` is missing from the file (expected shape {expected:?})")]
    Missing { layer: String, name: String, expected: Vec<usize> },
    #[error("weight `{0}` is in the file but not in the model")]
    Unexpected(String),
    #[error("weight `{name}`: {problem}")]
    Data { name: String, problem: String },
    #[error("layer `embedding`: the vectorizer has {tokens} tokens but the embedding only {rows} rows (shape [{rows}, {dim}])")]
    Vocabulary { tokens: usize, rows: usize, dim: usize },
    #[error("the file has a text vectorizer, but the model's input is not tokens")]
    VectorizerWithoutTokens,
    #[error("layer `dense`: the file names {names} classes but the model has {units} outputs")]
    Classes { names: usize, units: usize },
}

/// The layer a weight belongs to, for messages: `rnn0.backward.kernel` → `rnn0`.
fn layer_of(name: &str) -> String {
    name.split('.').next().unwrap_or(name).to_string()
}

impl WeightData {
    fn decode(&self, name: &str) -> Result<Vec<f32>, ModelFileError> {
        let bad = |problem: String| ModelFileError::Data { name: name.to_string(), problem };
        let n: usize = self.shape.iter().product();
        let v = match (&self.values, &self.base64) {
            (Some(v), None) => v.clone(),
            (None, Some(b)) => {
                let bytes = base64::engine::general_purpose::STANDARD.decode(b).map_err(|e| bad(format!("invalid base64: {e}")))?;
                if bytes.len() % 4 != 0 {
                    return Err(bad(format!("{} bytes of base64 data is not a whole number of float32 values", bytes.len())));
                }
                bytes.chunks_exact(4).map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]])).collect()
            }
            (Some(_), Some(_)) => return Err(bad("has both `values` and `base64`; keep one".into())),
            (None, None) => return Err(bad("has neither `values` nor `base64`".into())),
        };
        if v.len() != n {
            return Err(bad(format!("shape {:?} needs {n} values, the file has {}", self.shape, v.len())));
        }
        if let Some(i) = v.iter().position(|x| !x.is_finite()) {
            return Err(bad(format!("value {i} is not a finite number")));
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
            other => return Err(ModelFileError::Format(other.unwrap_or("missing").to_string())),
        }
        match h.version {
            Some(VERSION) => {}
            Some(v) if v > VERSION => return Err(ModelFileError::Version(v)),
            other => return Err(ModelFileError::Json(format!("unsupported version {other:?}"))),
        }
        serde_json::from_str(json).map_err(|e| ModelFileError::Json(e.to_string()))
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string(self).expect("model files serialise")
    }

    /// Builds the model, checking every weight's name and shape.
    pub fn to_model(&self) -> Result<Model, ModelFileError> {
        let mut model = Model::zeroed(self.model.clone())?;
        if !self.classes.is_empty() && self.classes.len() != self.model.dense_units {
            return Err(ModelFileError::Classes { names: self.classes.len(), units: self.model.dense_units });
        }
        match (&self.vectorizer, &self.model.input) {
            (None, _) => {}
            (Some(v), InputSpec::Tokens { vocab, dim, .. }) if v.vocabulary_size() > *vocab => {
                return Err(ModelFileError::Vocabulary { tokens: v.vocabulary_size(), rows: *vocab, dim: *dim });
            }
            (Some(_), InputSpec::Tokens { .. }) => {}
            (Some(_), _) => return Err(ModelFileError::VectorizerWithoutTokens),
        }
        if let Some(name) = self.weights.keys().find(|n| model.params.info(n).is_none()) {
            return Err(ModelFileError::Unexpected(name.clone()));
        }
        for info in model.params.infos.clone() {
            let w = self.weights.get(&info.name).ok_or_else(|| ModelFileError::Missing {
                layer: layer_of(&info.name),
                name: info.name.clone(),
                expected: info.shape.clone(),
            })?;
            if w.shape != info.shape {
                return Err(ModelFileError::Shape {
                    layer: layer_of(&info.name),
                    name: info.name.clone(),
                    got: w.shape.clone(),
                    expected: info.shape,
                });
            }
            let v = w.decode(&info.name)?;
            model.params.set(&info.name, &info.shape, &v)?;
        }
        Ok(model)
    }

    /// Runs the file's check, if it has one: the largest absolute difference between our outputs
    /// and the recorded ones, and how many values were compared.
    pub fn verify(&self, model: &Model) -> Result<Option<(f32, usize)>, ModelFileError> {
        let Some(c) = &self.check else { return Ok(None) };
        let (batch, time) = match c.shape[..] {
            [b, t, ..] => (b, t),
            _ => return Err(ModelFileError::Json("check.shape must be [batch, time, ...]".into())),
        };
        let ids: Vec<u32>;
        let data = match self.model.input {
            InputSpec::Tokens { .. } => {
                ids = c.inputs.iter().map(|&v| v as u32).collect();
                InputData::Tokens(&ids)
            }
            InputSpec::Values { .. } => InputData::Values(&c.inputs),
        };
        let mut ws = Workspace::default();
        model.forward(&Input { batch, time, data, mask: None, feedback: None, loss_from: 0 }, &mut ws)?;
        if ws.outputs.len() != c.outputs.len() {
            return Err(ModelFileError::Json(format!(
                "check.outputs has {} values, the model gives {}",
                c.outputs.len(),
                ws.outputs.len()
            )));
        }
        let max = ws.outputs.iter().zip(&c.outputs).map(|(a, b)| (a - b).abs()).fold(0.0f32, f32::max);
        Ok(Some((max, c.outputs.len())))
    }
}
