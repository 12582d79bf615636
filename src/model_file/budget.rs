//! How big a model file may be, checked before anything is allocated: a file from a stranger can
//! claim any shape, and `Embedding(1000000, 1024)` or eight bidirectional LSTMs of 4,096 units
//! would otherwise make the reader allocate 4 to 68 GB and abort.
//!
//! The budget is the page's: its engine runs in a wasm32 Web Worker, whose memory cannot pass
//! 4 GiB and which browsers (phones above all) cap far lower; the CPU engine there plans for
//! 1 GiB in all ([`crate::engine::backend::BackendKind::memory_budget`]). Training a model holds
//! four float32 copies of every weight (the weights, their gradient and Adam's two moments, as
//! [`crate::engine::model::footprint`] counts them), so a model of more than a quarter of that
//! memory in weights could never train there, and could only be refused later, after its file
//! had been read. The CLI holds files to the same budget: a model file is meant for the page.

use crate::engine::cells::CellKind;
use crate::engine::model::footprint::{bytes_text, inference_bytes};
use crate::engine::model::{InputSpec, ModelSpec, RecurrentSpec};
use crate::i18n::{fill, t};

use super::ModelFileError;

/// Memory for everything a model from a file takes in the page: 1 GiB (the CPU engine's budget in
/// wasm32).
pub const MEMORY_BUDGET: u64 = 1 << 30;

/// Float32 copies of each weight that training keeps: weights, gradient, Adam's two moments.
pub const COPIES_PER_WEIGHT: u64 = 4;

/// Most weights a model file may describe: 64 Mi (67,108,864), 256 MiB of float32, so that
/// training the model (4 copies) fits [`MEMORY_BUDGET`].
pub const MAX_PARAMS: u64 = MEMORY_BUDGET / (4 * COPIES_PER_WEIGHT);

/// One weight the model needs: its name in the file and its shape (Keras's layout).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Expected {
    pub name: String,
    pub shape: Vec<usize>,
    /// Number of values: the product of `shape`.
    pub len: usize,
}

/// The layer a weight belongs to in messages: `` layer `rnn2` (Bidirectional LSTM) ``.
pub fn layer_label(spec: &ModelSpec, layer: &str) -> String {
    let kind = match layer {
        "embedding" => "Embedding".to_string(),
        "dense" => "Dense".to_string(),
        _ => match layer.strip_prefix("rnn").and_then(|k| k.parse::<usize>().ok()).and_then(|k| spec.layers.get(k)) {
            Some(RecurrentSpec { cell, bidirectional: Some(_), .. }) => format!("Bidirectional {}", cell.keras_name()),
            Some(RecurrentSpec { cell, .. }) => cell.keras_name().to_string(),
            None => return format!("layer `{layer}`"),
        },
    };
    format!("layer `{layer}` ({kind})")
}

/// The product of `shape`, in `u64` (a `usize` of wasm32 overflows at 4 Gi), checked.
fn product(shape: &[usize]) -> Option<u64> {
    shape.iter().try_fold(1u64, |n, &d| n.checked_mul(d as u64))
}

/// A weight's name and shape.
type Named = (String, Vec<usize>);

/// The weights one layer claims, before any is allocated, in the order the engine lays them out.
fn layer_weights(k: usize, l: &RecurrentSpec, input: usize) -> Option<Vec<Named>> {
    let gw = l.cell.gates().checked_mul(l.units)?;
    let dirs: &[&str] = if l.bidirectional.is_some() { &[".forward", ".backward"] } else { &[""] };
    let mut out = Vec::new();
    for d in dirs {
        out.push((format!("rnn{k}{d}.kernel"), vec![input, gw]));
        out.push((format!("rnn{k}{d}.recurrent_kernel"), vec![l.units, gw]));
        out.push((format!("rnn{k}{d}.bias"), l.cell.bias_shape(l.units)));
        if let CellKind::Lstm { peephole: true } = l.cell {
            out.push((format!("rnn{k}{d}.peephole_weights"), vec![3, l.units]));
        }
    }
    Some(out)
}

/// Every weight `spec` needs (names and shapes as `Model::zeroed` lays them out), each layer's
/// count checked against [`MAX_PARAMS`] with the layers before it; `spec` must be validated.
/// Nothing of the model's size is allocated: only this list.
pub fn expected_weights(spec: &ModelSpec) -> Result<Vec<Expected>, ModelFileError> {
    let mut groups: Vec<(String, Vec<Named>)> = Vec::new();
    if let InputSpec::Tokens { vocab, dim, .. } = spec.input {
        groups.push(("embedding".into(), vec![("embedding.embeddings".into(), vec![vocab, dim])]));
    }
    for (k, l) in spec.layers.iter().enumerate() {
        let weights = layer_weights(k, l, spec.layer_input_dim(k)).ok_or_else(|| ModelFileError::TooLarge {
            layer: layer_label(spec, &format!("rnn{k}")),
            claimed: fill(t().models.claimed_units, &[("units", &l.units)]),
            count: None,
            total: None,
        })?;
        groups.push((format!("rnn{k}"), weights));
    }
    let top = spec.layers.last().map_or(0, RecurrentSpec::output_dim);
    groups
        .push(("dense".into(), vec![("dense.kernel".into(), vec![top, spec.dense_units]), ("dense.bias".into(), vec![spec.dense_units])]));

    let mut total: u64 = 0;
    let mut out = Vec::new();
    for (layer, weights) in groups {
        let claimed = weights.iter().map(|(name, shape)| format!("{name} {shape:?}")).collect::<Vec<_>>().join(", ");
        let too_large = |count: Option<u64>, total: Option<u64>| ModelFileError::TooLarge {
            layer: layer_label(spec, &layer),
            claimed: claimed.clone(),
            count,
            total,
        };
        let mut count: u64 = 0;
        for (_, shape) in &weights {
            let len = product(shape).ok_or_else(|| too_large(None, None))?;
            count = count.checked_add(len).ok_or_else(|| too_large(None, None))?;
        }
        total = total.checked_add(count).ok_or_else(|| too_large(Some(count), None))?;
        if total > MAX_PARAMS {
            return Err(too_large(Some(count), Some(total)));
        }
        // Within MAX_PARAMS, so every length fits a `usize`, even on wasm32.
        for (name, shape) in weights {
            let len = shape.iter().product();
            out.push(Expected { name, shape, len });
        }
    }
    Ok(out)
}

/// Refuses a forward pass over `batch` sequences of `time` steps whose buffers, beside the
/// model's `params` weights, would not fit [`MEMORY_BUDGET`] (estimated as
/// [`crate::engine::model::footprint`] does); `what` says whose pass it is.
pub fn check_pass(spec: &ModelSpec, params: usize, batch: usize, time: usize, what: &str) -> Result<(), ModelFileError> {
    let weights = params as u64 * 4;
    let bytes = inference_bytes(spec, batch, time).and_then(|b| b.checked_add(weights));
    match bytes {
        Some(b) if b <= MEMORY_BUDGET => Ok(()),
        _ => Err(ModelFileError::PassTooLarge {
            what: what.to_string(),
            batch,
            time,
            needs: bytes.map_or_else(
                || t().models.pass_needs_uncounted.to_string(),
                |b| fill(t().models.pass_needs_about, &[("bytes", &bytes_text(b))]),
            ),
        }),
    }
}

/// `MAX_PARAMS` in words, for messages.
pub fn max_params_text() -> String {
    fill(t().models.max_params, &[("count", &count_text(MAX_PARAMS)), ("mib", &((MAX_PARAMS * 4) >> 20))])
}

/// `1024000000` → `1,024,000,000`.
pub fn count_text(n: u64) -> String {
    crate::engine::model::summary::thousands_u64(n)
}
