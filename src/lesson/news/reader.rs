//! A classifier reading one text word by word: its tokens and the class probabilities after each;
//! and a trained classifier on its own (the page's pretrained model).

use serde::{Deserialize, Serialize};

use crate::data::batches::make_batch;
use crate::data::text::TextVectorizer;
use crate::engine::ops::softmax_rows;
use crate::engine::{EngineError, Input, InputData, Model, Targets, Workspace};
use crate::i18n::t;
use crate::lesson::chain::{chain_of, Chain};
use crate::lesson::LessonError;
use crate::model_file::{ModelFile, ModelFileError};

/// The model reading one text: its tokens, and the class probabilities after each.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Reading {
    /// Each token as standardized, and whether it is out of the vocabulary.
    pub tokens: Vec<(String, bool)>,
    /// `probs_after[k]` the probabilities having read tokens `0..=k`.
    pub probs_after: Vec<Vec<f32>>,
    /// The model's answer for the whole text, encoded as in training and testing (equal to the
    /// last of `probs_after`, except with a fixed `max-len` and no mask).
    pub probs: Vec<f32>,
}

/// A trained text classifier on its own (the page's pretrained model, or one loaded from a file).
#[derive(Clone, Debug)]
pub struct TextClassifier {
    pub model: Model,
    pub vectorizer: TextVectorizer,
    pub classes: Vec<String>,
    /// How it was trained (the file's `about`).
    pub about: Option<String>,
    ws: Workspace,
}

impl TextClassifier {
    /// From a model file that has a vectorizer (class names default to `0`, `1`, ...).
    pub fn from_file(file: &ModelFile) -> Result<Self, ModelFileError> {
        let model = file.to_model()?;
        let vectorizer = file.vectorizer.clone().ok_or_else(|| ModelFileError::Json(t().data.reader_no_vectorizer.into()))?;
        let classes =
            if file.classes.is_empty() { (0..model.spec.dense_units).map(|i| i.to_string()).collect() } else { file.classes.clone() };
        Ok(TextClassifier { model, vectorizer, classes, about: file.about.clone(), ws: Workspace::default() })
    }

    /// The model reading `text`: its tokens and the probabilities after each.
    pub fn read(&mut self, text: &str) -> Reading {
        let (classes, masked) = (self.model.spec.dense_units, self.model.spec.input.mask_zero());
        let (model, ws) = (&self.model, &mut self.ws);
        read_with(classes, masked, &mut |input| model.forward(input, ws).map(|()| ws.outputs.clone()), &self.vectorizer, text)
    }

    /// `text` run through the model step by step: every state and gate, and the gradients of the
    /// loss of class `truth` (else of its own answer) (see [`Chain`]).
    pub fn chain(&mut self, text: &str, truth: Option<usize>) -> Result<Chain, LessonError> {
        let (model, ws) = (&self.model, std::cell::RefCell::new(&mut self.ws));
        let mut trace = |input: &Input| {
            let ws = &mut **ws.borrow_mut();
            model.forward(input, ws)?;
            Ok(model.trace_row(ws, 0))
        };
        let mut grads = |input: &Input, targets: &Targets| model.state_gradients(input, targets, 0, &mut ws.borrow_mut());
        let chain = chain_of(&model.spec, &mut trace, &mut grads, &self.vectorizer, text, self.classes.clone(), truth)?;
        Ok(Chain { caption: t().data.chain_caption_typed.into(), ..chain })
    }

    /// Class probabilities for each text, encoded as in training (one batch per call).
    pub fn classify(&mut self, texts: &[&str]) -> Vec<Vec<f32>> {
        let seqs: Vec<Vec<u32>> = texts.iter().map(|t| self.vectorizer.encode(t)).collect();
        let labels = vec![0; seqs.len()];
        let rows: Vec<usize> = (0..seqs.len()).collect();
        let b = make_batch(&seqs, &labels, &rows);
        let (model, ws) = (&self.model, &mut self.ws);
        let p = predict(&mut |input| model.forward(input, ws).map(|()| ws.outputs.clone()), self.classes.len(), &b.ids, b.batch(), b.time);
        p.chunks(self.classes.len()).map(<[f32]>::to_vec).collect()
    }
}

/// A classifier's forward pass at inference: logits `[batch, classes]` for a batch of token ids.
pub(super) type Forward<'a> = dyn FnMut(&Input) -> Result<Vec<f32>, EngineError> + 'a;

/// Tokens of `text` and the probabilities after each (a text of no token reads as one padding
/// step), the model run by `forward`.
pub(super) fn read_with(classes: usize, masked: bool, forward: &mut Forward, vectorizer: &TextVectorizer, text: &str) -> Reading {
    let pairs = vectorizer.encode_tokens(text);
    let ids: Vec<u32> = pairs.iter().map(|(_, id)| *id).collect();
    let tokens = pairs.into_iter().map(|(t, id)| (t, id == crate::data::text::OOV)).collect();
    let mut probs_after = Vec::with_capacity(ids.len());
    if masked && !ids.is_empty() {
        // Every prefix at once: row k holds tokens 0..=k, then padding (masked).
        let n = ids.len();
        let mut batch = vec![0u32; n * n];
        for k in 0..n {
            batch[k * n..k * n + k + 1].copy_from_slice(&ids[..=k]);
        }
        let p = predict(forward, classes, &batch, n, n);
        probs_after.extend(p.chunks(classes).map(<[f32]>::to_vec));
    } else {
        // Without a mask, padding would be read as words: each prefix on its own.
        for k in 0..ids.len() {
            probs_after.push(predict(forward, classes, &ids[..=k], 1, k + 1));
        }
    }
    let full = vectorizer.encode(text);
    let probs = if full.is_empty() { predict(forward, classes, &[0], 1, 1) } else { predict(forward, classes, &full, 1, full.len()) };
    Reading { tokens, probs_after, probs }
}

/// Softmax outputs `[batch, classes]` for token ids `[batch, time]`.
fn predict(forward: &mut Forward, classes: usize, ids: &[u32], batch: usize, time: usize) -> Vec<f32> {
    let input = Input { batch, time, data: InputData::Tokens(ids), mask: None, feedback: None, loss_from: 0 };
    let logits = forward(&input).expect("a batch built for this model");
    let mut probs = vec![0.0; logits.len()];
    softmax_rows(&logits, classes, &mut probs);
    probs
}
