//! The unrolled chain: one input run through a lesson's model at its current weights, step by
//! step, with what the page needs to label it (each step's value or token, the layers, the
//! output). The lessons build it ([`crate::lesson::SeriesLesson::chain`],
//! [`crate::lesson::news::NewsLesson::chain`]); the page draws it (`app::chain`).

use serde::{Deserialize, Serialize};

use super::LessonError;
use crate::data::text::{TextVectorizer, OOV, PAD};
use crate::engine::backend::{StateGradients, Trace};
use crate::engine::cells::CellKind;
use crate::engine::model::ModelSpec;
use crate::engine::ops::softmax_rows;
use crate::engine::{EngineError, Input, InputData, Targets};
use crate::i18n::{fill, t};
use crate::settings::SettingError;

/// Longest input the chain is drawn for (the view stays readable with zoom and scroll up to here).
pub const MAX_CHAIN_STEPS: usize = 400;

/// What the unrolled view shows.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ChainSource {
    /// The model's window of the series starting at value `start` (sine and typed lessons).
    Window { start: usize },
    /// A headline the user typed, encoded as in training (news lesson).
    Headline { text: String },
    /// Row `index` of the test split (news lesson).
    TestExample { index: usize },
}

/// One recurrent layer, as the view labels it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ChainLayer {
    pub cell: CellKind,
    pub units: usize,
    /// 1, or 2 for a bidirectional layer (forward, then backward).
    pub directions: usize,
    /// Keras style: `LSTM(32)`, `Bidirectional(GRU(16))`.
    pub name: String,
}

/// One time step's input, as the view labels it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ChainStep {
    /// The value (`0.841`) or the token (`fox`; `[UNK]`'s word itself when out of vocabulary;
    /// empty for padding).
    pub label: String,
    /// An out-of-vocabulary token (read as `[UNK]`).
    pub oov: bool,
}

/// What the model answers for the input.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ChainOutput {
    /// Next-value prediction after each step, and the true next value where the series has one
    /// (both in the series' own units).
    Next { predicted: Vec<f32>, truth: Vec<Option<f32>> },
    /// Class probabilities after the last step, and the true class when known.
    Classes { names: Vec<String>, probs: Vec<f32>, truth: Option<usize> },
}

/// One input through the model, every state and gate of every step.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Chain {
    pub source: ChainSource,
    /// What the input is, in words ("the window of 30 values from x = 3.14").
    pub caption: String,
    pub layers: Vec<ChainLayer>,
    /// `[time]`
    pub steps: Vec<ChainStep>,
    pub trace: Trace,
    pub output: ChainOutput,
    /// ‖∂L/∂h_t‖ (and ‖∂L/∂C_t‖) for every step, for the loss of [`Chain::loss_of`] (`None`
    /// where there is nothing to compare with: the last window of a series has no next value).
    pub gradients: Option<StateGradients>,
    /// What that loss compares the output with, in words.
    pub loss_of: String,
    /// Training steps the weights had when traced (`None`: a model trained elsewhere, the
    /// pretrained one).
    pub trained_steps: Option<u64>,
}

impl ChainLayer {
    /// The layers of `spec`.
    pub fn of(spec: &ModelSpec) -> Vec<ChainLayer> {
        spec.layers
            .iter()
            .map(|l| {
                let inner = format!("{}({})", l.cell.keras_name(), l.units);
                ChainLayer {
                    cell: l.cell,
                    units: l.units,
                    directions: if l.bidirectional.is_some() { 2 } else { 1 },
                    name: if l.bidirectional.is_some() { format!("Bidirectional({inner})") } else { inner },
                }
            })
            .collect()
    }
}

/// A chain could not be made for this input (its message is for the user).
pub fn chain_error(message: String) -> LessonError {
    LessonError::Setting(SettingError::new("chain", message))
}

/// `text` encoded by `vectorizer` as in training (padded to its `output_sequence_length`) and
/// traced by `trace` through a classifier of `spec`: every token labelled, the class
/// probabilities after the last step, and the state gradients (by `gradients`) of the loss of
/// the true class `truth` when known, else of the model's own answer. The caller fills `source`
/// and `caption`.
pub fn chain_of(
    spec: &ModelSpec,
    trace: &mut dyn FnMut(&Input) -> Result<Trace, EngineError>,
    gradients: &mut dyn FnMut(&Input, &Targets) -> Result<StateGradients, EngineError>,
    vectorizer: &TextVectorizer,
    text: &str,
    classes: Vec<String>,
    truth: Option<usize>,
) -> Result<Chain, LessonError> {
    let ids = vectorizer.encode(text);
    if ids.iter().all(|&id| id == PAD) {
        return Err(chain_error(t().lessons.chain_no_words.into()));
    }
    if ids.len() > MAX_CHAIN_STEPS {
        return Err(chain_error(fill(t().lessons.chain_too_long, &[("max", &MAX_CHAIN_STEPS), ("n", &ids.len())])));
    }
    let tokens = vectorizer.encode_tokens(text);
    let steps = ids
        .iter()
        .enumerate()
        .map(|(k, &id)| match tokens.get(k) {
            Some((word, _)) if id != PAD => ChainStep { label: word.clone(), oov: id == OOV },
            _ => ChainStep { label: String::new(), oov: false },
        })
        .collect();
    let input = Input { batch: 1, time: ids.len(), data: InputData::Tokens(&ids), mask: None, feedback: None, loss_from: 0 };
    let trace = trace(&input)?;
    let mut probs = vec![0.0; trace.outputs.len()];
    softmax_rows(&trace.outputs, trace.outputs.len().max(1), &mut probs);
    // The loss of the true class when the caller knows it, else of the model's own answer.
    let answer = (0..probs.len()).max_by(|&a, &b| probs[a].total_cmp(&probs[b])).unwrap_or(0);
    let target = [truth.unwrap_or(answer) as u32];
    let gradients = gradients(&input, &Targets::Classes(&target)).ok();
    let name = |c: usize| classes.get(c).map_or(String::new(), |n| format!(" ({n})"));
    let loss_of = match truth {
        Some(c) => fill(t().lessons.loss_of_true_class, &[("name", &name(c))]),
        None => fill(t().lessons.loss_of_own_answer, &[("name", &name(answer))]),
    };
    Ok(Chain {
        source: ChainSource::Headline { text: text.to_string() },
        caption: String::new(),
        layers: ChainLayer::of(spec),
        steps,
        trace,
        output: ChainOutput::Classes { names: classes, probs, truth },
        gradients,
        loss_of,
        trained_steps: None,
    })
}

/// A value as a step's label: 3 significant digits, no trailing zeros.
pub fn value_label(v: f32) -> String {
    let s = if v.abs() >= 100.0 { format!("{v:.0}") } else { format!("{v:.3}") };
    let s = if s.contains('.') { s.trim_end_matches('0').trim_end_matches('.').to_string() } else { s };
    if s == "-0" {
        "0".into()
    } else {
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_are_short() {
        assert_eq!(value_label(0.84147), "0.841");
        assert_eq!(value_label(-0.0001), "0");
        assert_eq!(value_label(2.5), "2.5");
        assert_eq!(value_label(1234.6), "1235");
    }
}
