//! The data behind a map of a news model's learned word embeddings (the course's Word2Vec-style
//! picture): each frequent word as a point, coloured by the class it leans to, placed by PCA at
//! once or by t-SNE a slice at a time, and the words nearest to one the user types.
//!
//! A [`WordTable`] is built in the worker from the model's `embedding.embeddings` weight
//! (`[vocab, dim]`, row `i` the vector of the vectorizer's word `i`), its vectorizer and the
//! training rows' token ids and labels; what goes to the page is plain serde data
//! ([`WordMap`], [`WordInfo`]).
//!
//! - Words: the `n` most frequent in the training rows (ties by vocabulary index), never the
//!   padding (index 0) or the out-of-vocabulary token (index 1). Without training rows (a
//!   pretrained model before its data is loaded, or data with other classes), the first `n` of the
//!   vocabulary, which the vectorizer ordered by frequency on its own training texts, without
//!   counts or classes.
//! - Lean: with `share(c|w)` the share of word `w`'s occurrences in rows of class `c`, and
//!   `share(c)` the share of class `c` among all tokens of the training rows (out-of-vocabulary
//!   ones included, padding not), the lift `share(c|w) / share(c)` says how much more often than
//!   chance `w` appears in class `c`; the word leans to the class of the largest lift. `lean` is
//!   that lift as a probability, `lift_c / Σ lift`: what `share(c|w)` would be if every class had
//!   as many tokens (1 / classes: no lean; 1: only ever seen in that class). Unsmoothed: the
//!   frequent words the map shows are seen often enough.
//! - Positions: PCA on the raw vectors (so the explained shares are the embedding's own); t-SNE
//!   on the vectors scaled to unit length, so that its neighbourhoods are the cosine
//!   neighbourhoods [`WordTable::nearest`] lists.
//! - Neighbours: by cosine similarity over the whole vocabulary (not only the mapped words), among
//!   the words seen at least [`NEIGHBOUR_MIN_COUNT`] times in the training rows when there are
//!   rows ([`WordTable::with_min_count`]): a word seen once or twice keeps nearly its random
//!   starting vector, and such vectors would only add noise to the list.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::{text_of, NewsData, TextClassifier};
use crate::data::text::{tokens, TextVectorizer, OOV, PAD};
use crate::engine::analysis::{self, pca2, AnalysisError, Tsne, TsneSettings};
use crate::engine::model::InputSpec;
use crate::engine::Model;
use crate::i18n::{fill, t};
use crate::settings::TextFields;

/// Words on a map unless asked otherwise.
pub const DEFAULT_WORDS: usize = 1_000;
/// Neighbours listed for a word unless asked otherwise.
pub const DEFAULT_NEIGHBOURS: usize = 10;
/// Words seen fewer times in the training rows are not offered as neighbours (when there are rows).
pub const NEIGHBOUR_MIN_COUNT: u64 = 5;
/// The name of the embedding weight in a model's parameters.
const EMBEDDING: &str = "embedding.embeddings";

/// Why a word table, map or look-up could not be made. Its text is in the page's language
/// (`Display`).
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum WordsError {
    NoEmbedding,
    Vocabulary { tokens: usize, rows: usize },
    Classes { names: usize, outputs: usize },
    NotFinite { word: String, value: f32 },
    Label { row: usize, label: u32, classes: usize },
    Token { row: usize, id: u32, size: usize },
    NoWord,
    SeveralWords { text: String, count: usize },
    NotInVocabulary { word: String, size: usize },
    TooManyForTsne { words: usize, max: usize },
    Analysis(#[from] AnalysisError),
}

impl fmt::Display for WordsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let text = &t().data;
        let message = match self {
            WordsError::NoEmbedding => text.words_no_embedding.to_string(),
            WordsError::Vocabulary { tokens, rows } => fill(text.words_vocabulary, &[("tokens", tokens), ("rows", rows)]),
            WordsError::Classes { names, outputs } => fill(text.words_classes, &[("names", names), ("outputs", outputs)]),
            WordsError::NotFinite { word, value } => fill(text.words_not_finite, &[("word", word), ("value", value)]),
            WordsError::Label { row, label, classes } => fill(text.words_label, &[("row", row), ("label", label), ("classes", classes)]),
            WordsError::Token { row, id, size } => fill(text.words_token, &[("row", row), ("id", id), ("size", size)]),
            WordsError::NoWord => text.words_no_word.to_string(),
            WordsError::SeveralWords { text: typed, count } => fill(text.words_several, &[("text", typed), ("count", count)]),
            WordsError::NotInVocabulary { word, size } => fill(text.words_not_in_vocabulary, &[("word", word), ("size", size)]),
            WordsError::TooManyForTsne { words, max } => fill(text.words_too_many_for_tsne, &[("words", words), ("max", max)]),
            WordsError::Analysis(e) => return write!(f, "{e}"),
        };
        f.write_str(&message)
    }
}

/// One word on the map.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct WordPoint {
    pub word: String,
    /// Occurrences in the training rows (0 without rows).
    pub count: u64,
    /// The class it leans to (index into [`WordMap::classes`]); `None` without occurrences.
    pub class: Option<usize>,
    /// That lean as a class-balanced probability, `1/classes` (none) to 1 (only that class).
    pub lean: f32,
    /// `share(class|word) / share(class)`: how many times more often than chance.
    pub lift: f32,
    pub x: f32,
    pub y: f32,
}

/// How a map's points were placed.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "method", rename_all = "snake_case")]
pub enum Layout {
    Pca,
    /// t-SNE after `done` of `total` iterations.
    Tsne {
        done: usize,
        total: usize,
    },
}

/// The words of a map, most frequent first, and how they were placed.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct WordMap {
    pub words: Vec<WordPoint>,
    /// Share of the embedding's variance along PCA's two axes (also on a t-SNE map).
    pub explained: [f32; 2],
    pub layout: Layout,
    pub classes: Vec<String>,
    /// Training rows the counts and leans come from (0: none; the words are then the first of the
    /// vocabulary, with no counts or classes).
    pub rows: usize,
    /// Words in the vocabulary (padding and out-of-vocabulary included), and the embedding's width.
    pub vocabulary: usize,
    pub dim: usize,
}

impl WordMap {
    /// Moves the points to `positions` (`[words, 2]`, a t-SNE layout of the same words).
    pub fn place(&mut self, positions: &[f32], layout: Layout) {
        for (w, xy) in self.words.iter_mut().zip(positions.chunks_exact(2)) {
            (w.x, w.y) = (xy[0], xy[1]);
        }
        self.layout = layout;
    }
}

/// A word near another.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Neighbour {
    pub word: String,
    /// Cosine similarity of the two embedding vectors, −1 to 1.
    pub similarity: f32,
    /// Its index in the map's words, when it is on the map.
    pub point: Option<usize>,
}

/// One word looked up.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct WordInfo {
    /// As the vectorizer standardizes it (lower case, no punctuation).
    pub word: String,
    /// Its index in the vocabulary (its embedding row).
    pub id: u32,
    pub count: u64,
    pub class: Option<usize>,
    pub lean: f32,
    pub lift: f32,
    /// Its index in the map's words, when it is on the map.
    pub point: Option<usize>,
    /// The nearest words by cosine similarity, most similar first.
    pub neighbours: Vec<Neighbour>,
}

/// What the worker keeps to answer the map and look-ups: the model's whole embedding, the
/// vocabulary, the counts per word and class, and the mapped words.
#[derive(Clone, Debug)]
pub struct WordTable {
    vectorizer: TextVectorizer,
    classes: Vec<String>,
    dim: usize,
    /// `[vocabulary, dim]` (rows the vectorizer does not use are left out).
    embedding: Vec<f32>,
    /// Per word, and per word and class (`[vocabulary, classes]`).
    counts: Vec<u64>,
    by_class: Vec<u64>,
    /// Tokens of each class in the training rows (out-of-vocabulary included).
    class_tokens: Vec<u64>,
    rows: usize,
    /// The mapped words' ids, most frequent first; and each id's place among them.
    ids: Vec<u32>,
    point_of: Vec<Option<usize>>,
    /// Fewest occurrences of a neighbour (with rows).
    min_count: u64,
}

impl WordTable {
    /// The table of `words` words of `model` (a text classifier), whose inputs `vectorizer` makes
    /// and whose outputs are `classes`, counted over the training `rows` (token ids and label).
    pub fn new<S: AsRef<[u32]>>(
        model: &Model,
        vectorizer: &TextVectorizer,
        classes: &[String],
        rows: impl IntoIterator<Item = (S, u32)>,
        words: usize,
    ) -> Result<WordTable, WordsError> {
        let InputSpec::Tokens { vocab, dim, .. } = model.spec.input else {
            return Err(WordsError::NoEmbedding);
        };
        let table = model.params.get(EMBEDDING).ok_or(WordsError::NoEmbedding)?;
        let size = vectorizer.vocabulary_size();
        if size > vocab {
            return Err(WordsError::Vocabulary { tokens: size, rows: vocab });
        }
        if classes.len() != model.spec.dense_units {
            return Err(WordsError::Classes { names: classes.len(), outputs: model.spec.dense_units });
        }
        let embedding = table[..size * dim].to_vec();
        if let Some(at) = embedding.iter().position(|v| !v.is_finite()) {
            return Err(WordsError::NotFinite { word: vectorizer.vocabulary()[at / dim].clone(), value: embedding[at] });
        }
        let c = classes.len();
        let (mut counts, mut by_class, mut class_tokens) = (vec![0u64; size], vec![0u64; size * c], vec![0u64; c]);
        let mut n_rows = 0;
        for (row, (ids, label)) in rows.into_iter().enumerate() {
            if label as usize >= c {
                return Err(WordsError::Label { row, label, classes: c });
            }
            for &id in ids.as_ref() {
                if id as usize >= size {
                    return Err(WordsError::Token { row, id, size });
                }
                if id == PAD {
                    continue;
                }
                class_tokens[label as usize] += 1;
                counts[id as usize] += 1;
                by_class[id as usize * c + label as usize] += 1;
            }
            n_rows += 1;
        }
        let first = OOV as usize + 1;
        let ids: Vec<u32> = if counts[first..].iter().any(|&k| k > 0) {
            let mut seen: Vec<u32> = (first..size).filter(|&i| counts[i] > 0).map(|i| i as u32).collect();
            seen.sort_by(|&a, &b| counts[b as usize].cmp(&counts[a as usize]).then(a.cmp(&b)));
            seen.truncate(words);
            seen
        } else {
            (first..size).take(words).map(|i| i as u32).collect()
        };
        let mut point_of = vec![None; size];
        for (k, &id) in ids.iter().enumerate() {
            point_of[id as usize] = Some(k);
        }
        let rows = if class_tokens.iter().sum::<u64>() > 0 { n_rows } else { 0 };
        Ok(WordTable {
            vectorizer: vectorizer.clone(),
            classes: classes.to_vec(),
            dim,
            embedding,
            counts,
            by_class,
            class_tokens,
            rows,
            ids,
            point_of,
            min_count: NEIGHBOUR_MIN_COUNT,
        })
    }

    /// Offers as neighbours only words seen at least `min_count` times in the training rows
    /// (default [`NEIGHBOUR_MIN_COUNT`]; no effect without rows).
    pub fn with_min_count(self, min_count: u64) -> Self {
        WordTable { min_count, ..self }
    }

    /// Number of words on the map.
    pub fn len(&self) -> usize {
        self.ids.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    /// The mapped words' vocabulary indices, most frequent first.
    pub fn ids(&self) -> &[u32] {
        &self.ids
    }

    /// The embedding vector of word `id` (`[dim]`).
    pub fn vector(&self, id: u32) -> &[f32] {
        &self.embedding[id as usize * self.dim..(id as usize + 1) * self.dim]
    }

    /// `[words, dim]` the mapped words' vectors, in map order.
    pub fn vectors(&self) -> Vec<f32> {
        self.ids.iter().flat_map(|&id| self.vector(id).iter().copied()).collect()
    }

    /// Class it leans to, lean and lift of word `id`.
    fn lean(&self, id: u32) -> (Option<usize>, f32, f32) {
        let c = self.classes.len();
        let n = self.counts[id as usize];
        let total: u64 = self.class_tokens.iter().sum();
        if n == 0 || total == 0 {
            return (None, 0.0, 0.0);
        }
        let lifts: Vec<Option<f64>> = (0..c)
            .map(|k| {
                let prior = self.class_tokens[k] as f64 / total as f64;
                (prior > 0.0).then(|| self.by_class[id as usize * c + k] as f64 / n as f64 / prior)
            })
            .collect();
        let sum: f64 = lifts.iter().flatten().sum();
        let best = (0..c).filter(|&k| lifts[k].is_some()).fold(None, |best: Option<usize>, k| match best {
            Some(b) if lifts[b] >= lifts[k] => Some(b),
            _ => Some(k),
        });
        match best {
            Some(k) => {
                let lift = lifts[k].unwrap_or(0.0);
                (Some(k), (lift / sum) as f32, lift as f32)
            }
            None => (None, 0.0, 0.0),
        }
    }

    fn point(&self, k: usize, x: f32, y: f32) -> WordPoint {
        let id = self.ids[k];
        let (class, lean, lift) = self.lean(id);
        WordPoint { word: self.vectorizer.vocabulary()[id as usize].clone(), count: self.counts[id as usize], class, lean, lift, x, y }
    }

    /// The map with its points placed by PCA (at once: tens of milliseconds).
    pub fn map(&self) -> Result<WordMap, WordsError> {
        let (positions, explained) = if self.ids.is_empty() {
            (Vec::new(), [0.0; 2])
        } else {
            let pca = pca2(&self.vectors(), self.dim)?;
            (pca.positions, pca.explained)
        };
        let words = (0..self.ids.len()).map(|k| self.point(k, positions[2 * k], positions[2 * k + 1])).collect();
        Ok(WordMap {
            words,
            explained,
            layout: Layout::Pca,
            classes: self.classes.clone(),
            rows: self.rows,
            vocabulary: self.vectorizer.vocabulary_size(),
            dim: self.dim,
        })
    }

    /// A t-SNE run on the mapped words' vectors scaled to unit length (cosine geometry), to be
    /// advanced with [`Tsne::step`] and shown with [`WordTable::tsne_layout`] / [`WordMap::place`].
    pub fn start_tsne(&self, settings: TsneSettings) -> Result<Tsne, WordsError> {
        if self.ids.len() > analysis::tsne::MAX_POINTS {
            return Err(WordsError::TooManyForTsne { words: self.ids.len(), max: analysis::tsne::MAX_POINTS });
        }
        let mut rows = self.vectors();
        for row in rows.chunks_exact_mut(self.dim) {
            let norm = row.iter().map(|&v| v as f64 * v as f64).sum::<f64>().sqrt();
            if norm > 0.0 {
                row.iter_mut().for_each(|v| *v = (*v as f64 / norm) as f32);
            }
        }
        Ok(Tsne::new(&rows, self.dim, settings)?)
    }

    /// The positions of `tsne` (`[words, 2]`, started by [`WordTable::start_tsne`]) and how far it
    /// is, for [`WordMap::place`].
    pub fn tsne_layout(tsne: &Tsne) -> (Vec<f32>, Layout) {
        let p = tsne.progress();
        (tsne.positions().to_vec(), Layout::Tsne { done: p.done, total: p.total })
    }

    /// The id of the one word in `text`, standardized as the vectorizer does.
    fn id_of(&self, text: &str) -> Result<(String, u32), WordsError> {
        let mut words = tokens(text);
        match words.len() {
            0 => Err(WordsError::NoWord),
            1 => {
                let word = words.remove(0);
                match self.vectorizer.index_of(&word) {
                    OOV => Err(WordsError::NotInVocabulary { word, size: self.vectorizer.vocabulary_size() }),
                    id => Ok((word, id)),
                }
            }
            count => Err(WordsError::SeveralWords { text: text.trim().to_string(), count }),
        }
    }

    /// The `k` words nearest to the word `text` by cosine similarity (see the module's notes).
    pub fn nearest(&self, text: &str, k: usize) -> Result<Vec<Neighbour>, WordsError> {
        let (_, id) = self.id_of(text)?;
        self.neighbours(id, k)
    }

    fn neighbours(&self, id: u32, k: usize) -> Result<Vec<Neighbour>, WordsError> {
        let counted = self.rows > 0;
        let skip = |i: usize| i <= OOV as usize || (counted && self.counts[i] < self.min_count);
        let found = analysis::nearest(&self.embedding, self.dim, id as usize, k, skip)?;
        Ok(found
            .into_iter()
            .map(|(i, similarity)| Neighbour { word: self.vectorizer.vocabulary()[i].clone(), similarity, point: self.point_of[i] })
            .collect())
    }

    /// The word `text` (one word; lower-cased and stripped of punctuation as the model reads it):
    /// its count, lean, place on the map and `k` nearest words.
    pub fn lookup(&self, text: &str, k: usize) -> Result<WordInfo, WordsError> {
        let (word, id) = self.id_of(text)?;
        let (class, lean, lift) = self.lean(id);
        Ok(WordInfo {
            word,
            id,
            count: self.counts[id as usize],
            class,
            lean,
            lift,
            point: self.point_of[id as usize],
            neighbours: self.neighbours(id, k)?,
        })
    }
}

impl TextClassifier {
    /// The word table of this classifier (the page's pretrained model), counted over `data`'s
    /// training items read as `fields` (the pretrained model read title and description:
    /// [`TextFields::Both`]); without data, or with data of other class names, the table has no
    /// counts (see the module's notes).
    pub fn words(&self, data: Option<&NewsData>, fields: TextFields, words: usize) -> Result<WordTable, WordsError> {
        let data = data.filter(|d| d.classes == self.classes);
        let rows = data.into_iter().flat_map(|d| &d.train).map(|item| (self.vectorizer.encode(&text_of(item, fields)), item.label));
        WordTable::new(&self.model, &self.vectorizer, &self.classes, rows, words)
    }
}
