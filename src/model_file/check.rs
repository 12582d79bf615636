//! The file's check: inputs, their shape and the outputs its producer computed, run through the
//! model. Every part is checked against the model and the budget before anything is allocated
//! or indexed: the shape's product against the inputs (overflow-checked), each token id against
//! the embedding table, the outputs against what the model gives, the pass's memory.

use crate::engine::model::InputSpec;
use crate::engine::{Input, InputData, Model, Workspace};
use crate::i18n::{fill, t};

use super::{budget, ModelFile, ModelFileError};

/// `[batch, time]` (tokens) or `[batch, time, features]` (values) from the check's shape, with
/// the product checked against the number of inputs.
fn dims(shape: &[usize], input: &InputSpec, inputs: usize) -> Result<(usize, usize), ModelFileError> {
    let bad = |m: String| Err(ModelFileError::Check(m));
    let text = &t().models;
    let shown = format!("{shape:?}");
    let (batch, time) = match (shape, input) {
        (&[b, t], InputSpec::Tokens { .. }) => (b, t),
        (&[b, t, f], InputSpec::Values { features }) if f == *features => (b, t),
        (_, InputSpec::Tokens { .. }) => return bad(fill(text.check_token_shape, &[("shape", &shown)])),
        (_, InputSpec::Values { features }) => return bad(fill(text.check_values_shape, &[("shape", &shown), ("features", features)])),
    };
    if batch == 0 || time == 0 {
        return bad(fill(text.check_no_steps, &[("shape", &shown)]));
    }
    match shape.iter().try_fold(1usize, |n, &d| n.checked_mul(d)) {
        Some(n) if n == inputs => Ok((batch, time)),
        Some(n) => bad(fill(text.check_inputs_count, &[("shape", &shown), ("n", &n), ("inputs", &inputs)])),
        None => bad(fill(text.check_inputs_uncounted, &[("shape", &shown), ("inputs", &inputs)])),
    }
}

/// The check's values as token ids, each a whole number within the embedding table.
fn token_ids(inputs: &[f32], vocab: usize, dim: usize) -> Result<Vec<u32>, ModelFileError> {
    inputs
        .iter()
        .enumerate()
        .map(|(index, &value)| {
            if value >= 0.0 && value.fract() == 0.0 && (value as f64) < vocab as f64 {
                Ok(value as u32)
            } else {
                Err(ModelFileError::Token { index, value, vocab, dim })
            }
        })
        .collect()
}

impl ModelFile {
    /// Runs the file's check, if it has one: the largest absolute difference between our outputs
    /// and the recorded ones, and how many values were compared.
    pub fn verify(&self, model: &Model) -> Result<Option<(f32, usize)>, ModelFileError> {
        let Some(c) = &self.check else { return Ok(None) };
        let spec = &model.spec;
        let (batch, time) = dims(&c.shape, &spec.input, c.inputs.len())?;
        let rows = if spec.return_sequences { batch.checked_mul(time) } else { Some(batch) };
        let outputs = rows.and_then(|r| r.checked_mul(spec.dense_units));
        if outputs != Some(c.outputs.len()) {
            let shape = if spec.return_sequences {
                format!("[{batch}, {time}, {}]", spec.dense_units)
            } else {
                format!("[{batch}, {}]", spec.dense_units)
            };
            return Err(ModelFileError::Check(fill(t().models.check_outputs_count, &[("count", &c.outputs.len()), ("shape", &shape)])));
        }
        if let Some(i) = c.inputs.iter().chain(&c.outputs).position(|v| !v.is_finite()) {
            let (what, i) = if i < c.inputs.len() { ("inputs", i) } else { ("outputs", i - c.inputs.len()) };
            return Err(ModelFileError::Check(fill(t().models.check_not_finite, &[("what", &what), ("index", &i)])));
        }
        budget::check_pass(spec, model.param_count(), batch, time, t().models.pass_check)?;
        let ids: Vec<u32>;
        let data = match spec.input {
            InputSpec::Tokens { vocab, dim, .. } => {
                ids = token_ids(&c.inputs, vocab, dim)?;
                InputData::Tokens(&ids)
            }
            InputSpec::Values { .. } => InputData::Values(&c.inputs),
        };
        let mut ws = Workspace::default();
        model.forward(&Input { batch, time, data, mask: None, feedback: None, loss_from: 0 }, &mut ws)?;
        let max = ws.outputs.iter().zip(&c.outputs).map(|(a, b)| (a - b).abs()).fold(0.0f32, f32::max);
        Ok(Some((max, c.outputs.len())))
    }
}
