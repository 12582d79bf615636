//! Keras `TextVectorization` with its default `standardize` and `split`, as Keras 3 on TensorFlow
//! runs them (checked against vocabularies and encodings made by Keras itself:
//! `tools/keras/make_vectorizer_fixture.py`, `tests/core/text.rs`):
//!
//! 1. standardize `"lower_and_strip_punctuation"`: `tf.strings.lower` (ASCII letters only: `É`
//!    stays `É`), then delete every ASCII punctuation mark
//!    (`[!"#$%&()\*\+,-\./:;<=>?@\[\\\]^_`{|}~\']`, all 32 of them);
//! 2. split `"whitespace"`: `tf.strings.split`, on runs of ASCII whitespace (space, `\t \n \v \f \r`;
//!    not U+00A0 and the other Unicode spaces), dropping empty tokens;
//! 3. `adapt`: count the tokens, order them by count, descending, ties by the token's bytes,
//!    *descending* (Keras sorts with `np.lexsort((tokens, counts))[::-1]`), keep `max_tokens - 2`;
//!    index 0 is the padding token `""`, 1 the out-of-vocabulary token `[UNK]`;
//! 4. encode: each token's index, 1 when it is not in the vocabulary; with
//!    `output_sequence_length`, cut or padded with 0 at the end to that length.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

/// Index of the padding token.
pub const PAD: u32 = 0;
/// Index of the out-of-vocabulary token.
pub const OOV: u32 = 1;
/// Keras's out-of-vocabulary token (index 1 of every vocabulary).
pub const OOV_TOKEN: &str = "[UNK]";

/// Why a vectorizer could not be made.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum VectorizerError {
    #[error("max_tokens must be at least 2 (the padding and out-of-vocabulary tokens), not {0}")]
    MaxTokens(usize),
    #[error("output_sequence_length must be at least 1")]
    SequenceLength,
    #[error("the vocabulary must start with \"\" (padding) and \"[UNK]\" (out of vocabulary); it starts with {0:?}")]
    Specials(Vec<String>),
    #[error("{option} = {value:?} is not supported (only Keras's defaults: standardize = \"lower_and_strip_punctuation\", split = \"whitespace\")")]
    Unsupported { option: &'static str, value: String },
    #[error("the vocabulary has {token:?} twice (indices {first} and {second})")]
    Duplicate { token: String, first: usize, second: usize },
}

/// The options and vocabulary of a text vectorizer, as the model file stores them.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct VectorizerFile {
    /// `vocabulary[i]` is the token of index `i`; `[0]` is `""`, `[1]` is `"[UNK]"` (Keras's
    /// `get_vocabulary()`).
    pub vocabulary: Vec<String>,
    /// The `max_tokens` it was adapted with (`None`: no limit).
    #[serde(default)]
    pub max_tokens: Option<usize>,
    /// Fixed output length, or `None` for each text's own length.
    #[serde(default)]
    pub output_sequence_length: Option<usize>,
    /// Keras's `standardize` option; only its default is supported.
    #[serde(default = "default_standardize")]
    pub standardize: String,
    /// Keras's `split` option; only its default is supported.
    #[serde(default = "default_split")]
    pub split: String,
}

fn default_standardize() -> String {
    "lower_and_strip_punctuation".into()
}

fn default_split() -> String {
    "whitespace".into()
}

/// A text vectorizer: text in, token indices out.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "VectorizerFile", into = "VectorizerFile")]
pub struct TextVectorizer {
    file: VectorizerFile,
    index: HashMap<String, u32>,
}

impl TryFrom<VectorizerFile> for TextVectorizer {
    type Error = VectorizerError;

    fn try_from(file: VectorizerFile) -> Result<Self, VectorizerError> {
        if file.vocabulary.len() < 2 || !file.vocabulary[0].is_empty() || file.vocabulary[1] != OOV_TOKEN {
            return Err(VectorizerError::Specials(file.vocabulary.iter().take(2).cloned().collect()));
        }
        if let Some(m) = file.max_tokens.filter(|&m| m < 2) {
            return Err(VectorizerError::MaxTokens(m));
        }
        if file.standardize != default_standardize() {
            return Err(VectorizerError::Unsupported { option: "standardize", value: file.standardize });
        }
        if file.split != default_split() {
            return Err(VectorizerError::Unsupported { option: "split", value: file.split });
        }
        if file.output_sequence_length == Some(0) {
            return Err(VectorizerError::SequenceLength);
        }
        let mut index = HashMap::with_capacity(file.vocabulary.len());
        for (i, token) in file.vocabulary.iter().enumerate().skip(2) {
            if let Some(first) = index.insert(token.clone(), i as u32) {
                return Err(VectorizerError::Duplicate { token: token.clone(), first: first as usize, second: i });
            }
        }
        Ok(TextVectorizer { file, index })
    }
}

impl From<TextVectorizer> for VectorizerFile {
    fn from(v: TextVectorizer) -> Self {
        v.file
    }
}

/// ASCII whitespace as TensorFlow splits on it (Rust's `is_ascii_whitespace` lacks `\v`).
fn is_split_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r')
}

/// Step 1: ASCII lower-case, ASCII punctuation removed.
pub fn standardize(text: &str) -> String {
    text.chars().filter(|c| !c.is_ascii_punctuation()).map(|c| c.to_ascii_lowercase()).collect()
}

/// Step 2: the tokens of a standardized text.
pub fn split(text: &str) -> impl Iterator<Item = &str> {
    // Splitting on ASCII bytes never cuts a UTF-8 sequence (its bytes are all >= 0x80).
    text.split(|c: char| c.is_ascii() && is_split_space(c as u8)).filter(|t| !t.is_empty())
}

/// Steps 1 and 2.
pub fn tokens(text: &str) -> Vec<String> {
    split(&standardize(text)).map(str::to_string).collect()
}

impl TextVectorizer {
    /// Step 3: learns the vocabulary of `texts` (Keras `adapt`).
    pub fn adapt<'a>(
        texts: impl IntoIterator<Item = &'a str>,
        max_tokens: Option<usize>,
        output_sequence_length: Option<usize>,
    ) -> Result<Self, VectorizerError> {
        if let Some(m) = max_tokens.filter(|&m| m < 2) {
            return Err(VectorizerError::MaxTokens(m));
        }
        let mut counts: HashMap<String, u64> = HashMap::new();
        for text in texts {
            for token in split(&standardize(text)) {
                match counts.get_mut(token) {
                    Some(n) => *n += 1,
                    None => {
                        counts.insert(token.to_string(), 1);
                    }
                }
            }
        }
        // The special tokens are never learned (standardize removes the brackets of "[UNK]").
        counts.remove(OOV_TOKEN);
        let mut learned: Vec<(String, u64)> = counts.into_iter().collect();
        learned.sort_unstable_by(|(ta, ca), (tb, cb)| cb.cmp(ca).then_with(|| tb.as_bytes().cmp(ta.as_bytes())));
        if let Some(m) = max_tokens {
            learned.truncate(m - 2);
        }
        let vocabulary = ["".to_string(), OOV_TOKEN.to_string()].into_iter().chain(learned.into_iter().map(|(t, _)| t)).collect();
        TextVectorizer::try_from(VectorizerFile {
            vocabulary,
            max_tokens,
            output_sequence_length,
            standardize: default_standardize(),
            split: default_split(),
        })
    }

    /// Every token, by index (Keras `get_vocabulary()`).
    pub fn vocabulary(&self) -> &[String] {
        &self.file.vocabulary
    }

    /// Number of indices, padding and out-of-vocabulary included (the Embedding's `input_dim`).
    pub fn vocabulary_size(&self) -> usize {
        self.file.vocabulary.len()
    }

    pub fn max_tokens(&self) -> Option<usize> {
        self.file.max_tokens
    }

    pub fn output_sequence_length(&self) -> Option<usize> {
        self.file.output_sequence_length
    }

    /// The index of one (standardized) token.
    pub fn index_of(&self, token: &str) -> u32 {
        self.index.get(token).copied().unwrap_or(OOV)
    }

    /// Step 4: the indices of `text`.
    pub fn encode(&self, text: &str) -> Vec<u32> {
        let standardized = standardize(text);
        let mut ids: Vec<u32> = split(&standardized).map(|t| self.index_of(t)).collect();
        if let Some(n) = self.file.output_sequence_length {
            ids.resize(n, PAD);
        }
        ids
    }

    /// The tokens of `text` with their indices, all of them whatever `output_sequence_length` (for
    /// showing which words the model knows).
    pub fn encode_tokens(&self, text: &str) -> Vec<(String, u32)> {
        tokens(text)
            .into_iter()
            .map(|t| {
                let id = self.index_of(&t);
                (t, id)
            })
            .collect()
    }
}
