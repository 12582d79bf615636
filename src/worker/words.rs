//! The news lesson's word map in the worker: a model's embedding (the student's or the
//! pretrained one) as a table of words, laid out by PCA at once and by t-SNE a slice at a time
//! (beside training, never blocking a command for more than a slice), and words looked up with
//! their nearest neighbours.

use super::clock::now_ms;
use super::{news, post, State};
use crate::engine::analysis::{Tsne, TsneSettings};
use crate::i18n::t;
use crate::lesson::news::words::{WordMap, WordTable, DEFAULT_NEIGHBOURS};
use crate::protocol::{NewsEvent, Reader};

/// A slice of t-SNE iterations between two other slices of the worker's loop.
const TSNE_SLICE_MS: f64 = 15.0;
/// The page gets the moving layout this often.
const TSNE_POST_MS: f64 = 300.0;

/// The map on show and its t-SNE run, if one is under way.
pub struct Words {
    reader: Reader,
    table: WordTable,
    map: WordMap,
    tsne: Option<Tsne>,
    last_post_ms: f64,
}

fn refused(message: String) {
    post(NewsEvent::WordMapRefused { message });
}

/// Builds the map of `words` words of the chosen model.
pub fn map(st: &mut State, reader: Reader, words: usize) {
    let table = match reader {
        Reader::Trained => match news::lesson(st) {
            Some(lesson) => lesson.words(words),
            None => return refused(t().worker.words_building.into()),
        },
        Reader::Pretrained => match news::pretrained_words(st, words) {
            Some(t) => t,
            None => return refused(t().worker.pretrained_loading.into()),
        },
    };
    let table = match table {
        Ok(t) => t,
        Err(e) => return refused(e.to_string()),
    };
    match table.map() {
        Ok(map) => {
            post(NewsEvent::WordMap { reader, map: map.clone(), tsne: None });
            st.words = Some(Words { reader, table, map, tsne: None, last_post_ms: now_ms() });
        }
        Err(e) => refused(e.to_string()),
    }
}

/// Starts laying the map out with t-SNE (the worker's loop runs it).
pub fn start_tsne(st: &mut State, perplexity: f32) {
    let Some(w) = st.words.as_mut() else { return refused(t().worker.words_map_first.into()) };
    let perplexity = perplexity.min((w.table.len() as f32 - 1.0) / 3.0).max(2.0);
    match w.table.start_tsne(TsneSettings { perplexity, iterations: 1000, seed: 1 }) {
        Ok(t) => w.tsne = Some(t),
        Err(e) => refused(e.to_string()),
    }
}

/// Whether a t-SNE run is under way.
pub fn busy(st: &State) -> bool {
    st.words.as_ref().is_some_and(|w| w.tsne.is_some())
}

/// A slice of the t-SNE run; the layout goes to the page every [`TSNE_POST_MS`] and at the end.
pub fn work(st: &mut State) {
    let Some(w) = st.words.as_mut() else { return };
    let Some(tsne) = w.tsne.as_mut() else { return };
    let t0 = now_ms();
    let mut progress = tsne.progress();
    while !progress.finished() && now_ms() - t0 < TSNE_SLICE_MS {
        progress = tsne.step(1);
    }
    if progress.finished() || now_ms() - w.last_post_ms >= TSNE_POST_MS {
        let (positions, layout) = WordTable::tsne_layout(tsne);
        w.map.place(&positions, layout);
        post(NewsEvent::WordMap { reader: w.reader, map: w.map.clone(), tsne: Some(progress) });
        w.last_post_ms = now_ms();
    }
    if progress.finished() {
        w.tsne = None;
    }
}

/// A word of the map's model and its neighbours.
pub fn lookup(st: &mut State, word: String) {
    let Some(w) = st.words.as_ref() else { return refused(t().worker.words_map_first.into()) };
    match w.table.lookup(&word, DEFAULT_NEIGHBOURS) {
        Ok(info) => post(NewsEvent::WordLookup { word, info: Some(info), message: None }),
        Err(e) => post(NewsEvent::WordLookup { word, info: None, message: Some(e.to_string()) }),
    }
}
