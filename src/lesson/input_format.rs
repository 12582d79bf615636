//! The course's point about the input of a recurrent layer: sentences become a `[batch, time]`
//! tensor of token ids, one row per sentence and one column per time step, padded with 0 to the
//! longest sentence, with a mask saying which steps are real.
//!
//! The tokens and the vocabulary come from the project's Keras `TextVectorization`
//! ([`crate::data::text`]), the one the news lesson uses: lower-cased, ASCII punctuation removed,
//! split on whitespace; index 0 is padding, 1 the out-of-vocabulary token `[UNK]`, then the words
//! by count (ties by the word's bytes, descending, as Keras orders them). With the course's two
//! sentences, "the" and "fox" (twice each) get 2 and 3.

use std::fmt;

use crate::data::text::{tokens, TextVectorizer, OOV, OOV_TOKEN, PAD};
use crate::i18n::{fill, t};

/// The course's two sentences, one per line.
pub const DEFAULT_SENTENCES: &str = "The brown fox is quick\nThe red fox jumped high";
/// At most this many sentences (rows) are shown; later lines are left out, with a note.
pub const MAX_SENTENCES: usize = 12;
/// At most this many words (time steps) of a sentence; the rest is cut, with a note.
pub const MAX_WORDS: usize = 20;
/// Text beyond this many characters is not read (a pasted book stays a page).
pub const MAX_CHARS: usize = 4000;

/// Why there is nothing to show. The message is in the page's language.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum InputFormatError {
    /// No sentence typed.
    Empty,
    /// No line has a word once punctuation is removed.
    NoWords,
    /// A vocabulary limit below 2 (padding and `[UNK]`).
    MaxTokens(usize),
}

impl fmt::Display for InputFormatError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let text = &t().exercises;
        match self {
            InputFormatError::Empty => f.write_str(text.if_empty),
            InputFormatError::NoWords => f.write_str(text.if_no_words),
            InputFormatError::MaxTokens(n) => f.write_str(&fill(text.if_max_tokens, &[("n", n)])),
        }
    }
}

impl std::error::Error for InputFormatError {}

/// One vocabulary entry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VocabEntry {
    pub id: u32,
    /// `""` for padding (id 0), `[UNK]` for out of vocabulary (id 1).
    pub token: String,
    /// How often the word occurs in the sentences shown; for `[UNK]`, how many words are outside
    /// the vocabulary; 0 for padding.
    pub count: usize,
}

/// One time step of one sentence.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cell {
    /// The token id (0 for padding, 1 for a word outside the vocabulary).
    pub id: u32,
    /// The word after standardisation; `None` for padding.
    pub word: Option<String>,
}

impl Cell {
    /// A real step (the mask is 1), not padding.
    pub fn is_real(&self) -> bool {
        self.word.is_some()
    }
}

/// One sentence: a row of the tensor.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Row {
    /// The line as typed (trimmed).
    pub text: String,
    /// `[time]`: the sentence's words, then padding.
    pub cells: Vec<Cell>,
    /// Number of real steps (words kept).
    pub len: usize,
}

/// Sentences as a `[batch, time]` tensor.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InputFormat {
    /// By id: `vocabulary[i].id == i`.
    pub vocabulary: Vec<VocabEntry>,
    /// `[batch]`, each with `time` cells.
    pub rows: Vec<Row>,
    /// Steps of the longest sentence (the tensor's second dimension).
    pub time: usize,
    /// What was left out or cut, in words ("Line 3 has no words: skipped.").
    pub notes: Vec<String>,
}

impl InputFormat {
    pub fn batch(&self) -> usize {
        self.rows.len()
    }

    /// The token ids, `[batch, time]` row-major.
    pub fn ids(&self) -> Vec<u32> {
        self.rows.iter().flat_map(|r| r.cells.iter().map(|c| c.id)).collect()
    }

    /// The mask, `[batch, time]` row-major: 1.0 for a real step, 0.0 for padding (the engine's
    /// `Input::mask`).
    pub fn mask(&self) -> Vec<f32> {
        self.rows.iter().flat_map(|r| r.cells.iter().map(|c| if c.is_real() { 1.0 } else { 0.0 })).collect()
    }

    /// `[2, 5]`
    pub fn shape_text(&self) -> String {
        format!("[{}, {}]", self.batch(), self.time)
    }
}

/// The sentences of `text` (one per line) as a `[batch, time]` tensor of token ids.
///
/// `max_tokens` limits the vocabulary as Keras's `max_tokens` does (padding and `[UNK]`
/// included), so rarer words become `[UNK]` (1); `None` keeps every word.
pub fn input_format(text: &str, max_tokens: Option<usize>) -> Result<InputFormat, InputFormatError> {
    if let Some(m) = max_tokens.filter(|&m| m < 2) {
        return Err(InputFormatError::MaxTokens(m));
    }
    let mut notes = Vec::new();
    let strings = &t().exercises;
    let text = match text.char_indices().nth(MAX_CHARS) {
        Some((at, _)) => {
            notes.push(fill(strings.if_note_chars, &[("max", &MAX_CHARS)]));
            &text[..at]
        }
        None => text,
    };
    let mut kept: Vec<(String, Vec<String>)> = Vec::new();
    let mut typed = 0;
    for (n, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        typed += 1;
        let mut words = tokens(line);
        if words.is_empty() {
            notes.push(fill(strings.if_note_no_words, &[("n", &(n + 1))]));
            continue;
        }
        if kept.len() == MAX_SENTENCES {
            notes.push(fill(strings.if_note_sentences, &[("max", &MAX_SENTENCES)]));
            break;
        }
        if words.len() > MAX_WORDS {
            notes.push(fill(strings.if_note_cut, &[("n", &(n + 1)), ("max", &MAX_WORDS)]));
            words.truncate(MAX_WORDS);
        }
        kept.push((line.to_string(), words));
    }
    if kept.is_empty() {
        return Err(if typed == 0 { InputFormatError::Empty } else { InputFormatError::NoWords });
    }
    // The words are standardized already and hold no whitespace: joined by spaces, the vectorizer
    // reads back exactly these tokens.
    let joined: Vec<String> = kept.iter().map(|(_, w)| w.join(" ")).collect();
    let vectorizer = TextVectorizer::adapt(joined.iter().map(String::as_str), max_tokens, None)
        .map_err(|_| InputFormatError::MaxTokens(max_tokens.unwrap_or(0)))?;
    let time = kept.iter().map(|(_, w)| w.len()).max().unwrap_or(0);
    let mut counts = vec![0usize; vectorizer.vocabulary_size()];
    let rows = kept
        .into_iter()
        .map(|(text, words)| {
            let len = words.len();
            let mut cells: Vec<Cell> = words
                .into_iter()
                .map(|w| {
                    let id = vectorizer.index_of(&w);
                    counts[id as usize] += 1;
                    Cell { id, word: Some(w) }
                })
                .collect();
            cells.resize(time, Cell { id: PAD, word: None });
            Row { text, cells, len }
        })
        .collect();
    let vocabulary =
        vectorizer.vocabulary().iter().enumerate().map(|(i, t)| VocabEntry { id: i as u32, token: t.clone(), count: counts[i] }).collect();
    Ok(InputFormat { vocabulary, rows, time, notes })
}

/// How a vocabulary entry reads in a table: `(padding)`, `[UNK]`, or the word.
pub fn token_label(e: &VocabEntry) -> String {
    match e.id {
        PAD => t().exercises.if_padding_token.into(),
        OOV => OOV_TOKEN.into(),
        _ => e.token.clone(),
    }
}
