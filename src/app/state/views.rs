//! Which view of the lesson is on show (training, the unrolled chain, the model, ...), and the
//! unrolled chain the worker traces for it: asked for while its view is open, followed while
//! training runs, dropped when the view closes (the worker then stops tracing).

use std::sync::Arc;

use leptos::prelude::*;

use super::Store;
use crate::engine::analysis::Progress as TsneProgress;
use crate::lesson::chain::{Chain, ChainSource};
use crate::lesson::news::words::{WordInfo, WordMap};
use crate::lesson::vanishing::{VanishingPicture, VanishingSettings};
use crate::protocol::{ChainRequest, Command, Reader};
use crate::settings::Task;

/// The views of a lesson, as tabs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum View {
    Training,
    Chain,
    /// Gradients through time: this model's, and the SimpleRNN/LSTM/GRU comparison.
    Gradients,
    /// The news model's word embeddings on a map.
    Embeddings,
    Model,
    /// The course's small things: the hand-computed 3-neuron network, the input format.
    Basics,
}

impl View {
    /// The views `task` has, in tab order.
    pub fn of(task: Task) -> &'static [View] {
        match task {
            Task::Agnews => &[View::Training, View::Chain, View::Gradients, View::Embeddings, View::Model, View::Basics],
            _ => &[View::Training, View::Chain, View::Gradients, View::Model, View::Basics],
        }
    }

    /// The view's name on its tab.
    pub fn title(self) -> &'static str {
        let s = crate::i18n::t().settings;
        match self {
            View::Training => s.view_training,
            View::Chain => s.view_chain,
            View::Gradients => s.view_gradients,
            View::Embeddings => s.view_embeddings,
            View::Model => s.view_model,
            View::Basics => s.view_basics,
        }
    }

    /// For ids and test ids.
    pub fn key(self) -> &'static str {
        match self {
            View::Training => "training",
            View::Chain => "chain",
            View::Gradients => "gradients",
            View::Embeddings => "embeddings",
            View::Model => "model",
            View::Basics => "basics",
        }
    }
}

/// The unrolled chain on show and what was asked for.
#[derive(Clone, Copy)]
pub struct ChainState {
    pub view: RwSignal<View>,
    pub chain: RwSignal<Option<Arc<Chain>>>,
    /// The worker's milliseconds for the last trace (trace + message).
    pub cost_ms: RwSignal<f32>,
    /// Why the chain asked for cannot be drawn.
    pub message: RwSignal<Option<String>>,
    /// `None`: the lesson's default input.
    pub source: RwSignal<Option<ChainSource>>,
    pub reader: RwSignal<Reader>,
    pub follow: RwSignal<bool>,
    /// The vanishing/exploding comparison: its settings, the last picture and its cost, or why not.
    pub vanishing_settings: RwSignal<VanishingSettings>,
    pub vanishing: RwSignal<Option<Arc<(VanishingSettings, VanishingPicture, f32)>>>,
    pub vanishing_message: RwSignal<Option<String>>,
    /// The word map: the model it shows, the map, the t-SNE run's progress, why not, a word looked up.
    pub map_reader: RwSignal<Reader>,
    pub word_map: RwSignal<Option<Arc<WordMap>>>,
    pub tsne: RwSignal<Option<TsneProgress>>,
    pub map_message: RwSignal<Option<String>>,
    pub lookup: RwSignal<Option<WordLookup>>,
}

/// A word looked up on the map.
#[derive(Clone, Debug, PartialEq)]
pub struct WordLookup {
    pub word: String,
    pub info: Option<WordInfo>,
    pub message: Option<String>,
}

impl ChainState {
    pub fn new() -> ChainState {
        ChainState {
            view: RwSignal::new(View::Training),
            chain: RwSignal::new(None),
            cost_ms: RwSignal::new(0.0),
            message: RwSignal::new(None),
            source: RwSignal::new(None),
            reader: RwSignal::new(Reader::Trained),
            follow: RwSignal::new(true),
            vanishing_settings: RwSignal::new(VanishingSettings::default()),
            vanishing: RwSignal::new(None),
            vanishing_message: RwSignal::new(None),
            map_reader: RwSignal::new(Reader::Pretrained),
            word_map: RwSignal::new(None),
            tsne: RwSignal::new(None),
            map_message: RwSignal::new(None),
            lookup: RwSignal::new(None),
        }
    }
}

impl Store {
    /// Shows `view` (asking the worker for the chain when it is the unrolled view, and telling it
    /// to stop tracing when that view closes).
    pub fn show_view(&self, view: View) {
        let before = self.views.view.get_untracked();
        self.views.view.set(view);
        let traced = |v: View| matches!(v, View::Chain | View::Gradients);
        if traced(view) {
            self.request_chain();
        } else if traced(before) {
            self.send(Command::Chain { request: None });
        }
        if view == View::Embeddings && self.views.word_map.with_untracked(Option::is_none) {
            self.request_word_map(self.views.map_reader.get_untracked());
        }
        if view == View::Gradients && self.views.vanishing.with_untracked(Option::is_none) {
            self.compare_gradients(self.views.vanishing_settings.get_untracked());
        }
    }

    /// The input the unrolled view shows by default: the generation's seed window for a series,
    /// the first test example for the news.
    pub fn default_chain_source(&self) -> ChainSource {
        match self.settings.with_untracked(|s| s.task) {
            Task::Agnews => ChainSource::TestExample { index: 0 },
            _ => {
                let start = self.info.with_untracked(|i| i.as_ref().map_or(0, |i| i.gen_at.saturating_sub(i.window)));
                ChainSource::Window { start }
            }
        }
    }

    /// Asks the worker for the chain the view's controls describe (when the view is open).
    pub fn request_chain(&self) {
        let v = self.views;
        if !matches!(v.view.get_untracked(), View::Chain | View::Gradients) {
            return;
        }
        let source = v.source.get_untracked().unwrap_or_else(|| self.default_chain_source());
        let reader = if self.settings.with_untracked(|s| s.task) == Task::Agnews { v.reader.get_untracked() } else { Reader::Trained };
        self.send(Command::Chain { request: Some(ChainRequest { source, reader, follow: v.follow.get_untracked() }) });
    }

    /// Sets the view's input and asks for it.
    pub fn choose_chain_source(&self, source: ChainSource) {
        self.views.source.set(Some(source));
        self.request_chain();
    }

    pub(super) fn on_chain(&self, chain: Chain, cost_ms: f32) {
        self.views.message.set(None);
        self.views.cost_ms.set(cost_ms);
        self.views.chain.set(Some(Arc::new(chain)));
    }

    /// Asks for the vanishing/exploding picture with `settings` (checked here first).
    pub fn compare_gradients(&self, settings: VanishingSettings) {
        self.views.vanishing_settings.set(settings.clone());
        match settings.validate() {
            Ok(()) => {
                self.views.vanishing_message.set(None);
                self.send(Command::Vanishing { settings });
            }
            Err(e) => self.views.vanishing_message.set(Some(e.to_string())),
        }
    }

    pub(super) fn on_vanishing(&self, settings: VanishingSettings, picture: VanishingPicture, cost_ms: f32) {
        self.views.vanishing_message.set(None);
        self.views.vanishing.set(Some(Arc::new((settings, picture, cost_ms))));
    }

    pub(super) fn on_vanishing_refused(&self, message: String) {
        self.views.vanishing_message.set(Some(message));
    }

    /// Asks for the word map of `reader`'s model (PCA at once).
    pub fn request_word_map(&self, reader: Reader) {
        self.views.map_reader.set(reader);
        self.views.map_message.set(None);
        self.views.tsne.set(None);
        self.views.lookup.set(None);
        self.send(Command::WordMap { reader, words: crate::lesson::news::words::DEFAULT_WORDS });
    }

    pub(super) fn on_word_map(&self, reader: Reader, map: WordMap, tsne: Option<TsneProgress>) {
        if reader != self.views.map_reader.get_untracked() {
            return;
        }
        self.views.map_message.set(None);
        self.views.tsne.set(tsne);
        self.views.word_map.set(Some(Arc::new(map)));
    }

    pub(super) fn on_chain_unavailable(&self, message: String) {
        self.views.chain.set(None);
        self.views.message.set(Some(message));
    }

    /// A new experiment is in place: the view's input goes back to the lesson's default when it
    /// does not fit the lesson (a headline for the sine), and the chain is asked for again.
    pub(super) fn chain_after_configure(&self) {
        let news = self.settings.with_untracked(|s| s.task) == Task::Agnews;
        let fits = self.views.source.with_untracked(|s| match s {
            Some(ChainSource::Window { .. }) => !news,
            Some(_) => news,
            None => true,
        });
        if !fits {
            self.views.source.set(None);
            self.views.chain.set(None);
        }
        self.request_chain();
    }
}
