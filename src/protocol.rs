//! The contract between the page and the worker: typed commands in, typed events out (serde).
//! Nothing else crosses the boundary. In the browser they travel through `postMessage` as
//! structured-clone values made by `serde-wasm-bindgen` ([`to_js`] / [`from_js`]).

use serde::{Deserialize, Serialize};

use crate::bench::{BenchConfig, BenchRow};
use crate::engine::analysis::Progress as TsneProgress;
use crate::engine::backend::BackendLabel;
use crate::lesson::chain::{Chain, ChainSource};
use crate::lesson::news::words::{WordInfo, WordMap};
use crate::lesson::news::{self, EpochRecord, NewsInfo, Reading};
pub use crate::lesson::news_source::DataSummary;
use crate::lesson::twin::Recipe;
use crate::lesson::vanishing::{VanishingPicture, VanishingSettings};
use crate::lesson::{Evaluation, SeriesInfo};
use crate::settings::Settings;

/// Where the news lesson's data comes from.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum DataSource {
    /// AG News as bundled with the site (`public/data/ag_news/`), kept in the browser's cache.
    Bundled,
    /// A CSV file (optionally gzip-compressed) at a URL; the server must allow cross-origin reads.
    Url { url: String },
    /// A CSV file the user chose or dropped on the page (its bytes travel as a `Uint8Array`).
    Upload {
        name: String,
        #[serde(with = "serde_bytes")]
        bytes: Vec<u8>,
    },
}

/// Which model reads a typed headline.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Reader {
    /// The model shipped with the site (`public/models/`).
    Pretrained,
    /// The model being trained on the page.
    Trained,
}

/// Page → worker.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Command {
    /// Start a new experiment (fresh data and model), paused at step 0. If the settings are
    /// refused, the current experiment is kept and [`Event::Rejected`] says why.
    Configure {
        settings: Settings,
    },
    /// Train continuously until [`Command::Pause`] or divergence.
    Train,
    Pause,
    /// Train on one batch, then evaluate.
    Step,
    /// Same settings, fresh weights (the same seed gives the same run again).
    Reset,
    /// Run one speed benchmark (`unroll::bench`) and report it (used by `cargo xtask bench browser`).
    Bench {
        config: BenchConfig,
    },
    /// Load the news lesson's data; on success the news experiment is rebuilt on it with the
    /// current settings, on failure [`NewsEvent::DataRejected`] says why and nothing changes.
    LoadNews {
        source: DataSource,
    },
    /// Stop the download under way (answered by [`NewsEvent::DataRejected`] saying so).
    CancelLoad,
    /// Fetch the pretrained headline model (answered by [`NewsEvent::PretrainedReady`]).
    LoadPretrained,
    /// The lesson's model as a model file: the news lesson's with its vectorizer and class names
    /// (answered by [`NewsEvent::ModelSaved`]), a series lesson's with its settings (answered by
    /// [`SeriesEvent::ModelSaved`]).
    SaveModel,
    /// A model file the student opened: checked (`model_file`), it takes the pretrained model's
    /// place (reading headlines, the views); answered by [`NewsEvent::PretrainedReady`] with its
    /// name, or [`NewsEvent::ModelRefused`], which changes nothing.
    OpenModel {
        name: String,
        #[serde(with = "serde_bytes")]
        bytes: Vec<u8>,
    },
    /// A series model file the student opened in the sine or typed lesson: checked like
    /// [`Command::OpenModel`]'s, it becomes the experiment (its settings, else these with its
    /// stack, around its weights); answered by [`SeriesEvent::Configured`] and
    /// [`SeriesEvent::ModelOpened`], or [`SeriesEvent::ModelRefused`], which changes nothing.
    OpenSeriesModel {
        name: String,
        #[serde(with = "serde_bytes")]
        bytes: Vec<u8>,
        settings: Settings,
    },
    /// The page's language (`en`, `de`): what the worker says from now on is in it.
    Language {
        lang: String,
    },
    /// Train the model file opened last further, on the news data: its architecture takes the
    /// place of these settings' (the rest are kept), its weights are the starting point.
    /// Answered by [`NewsEvent::Configured`] (its `info.started_from` names the file), or
    /// [`NewsEvent::ModelRefused`] saying why, which changes nothing.
    TrainOpened {
        settings: Settings,
    },
    /// Put these weights into the experiment just configured (a restarted worker takes up the
    /// weights the page kept from the one that died, after `step` steps, where a series lesson's
    /// count goes on). Weights of another size are ignored.
    Restore {
        weights: Weights,
        step: u64,
    },
    /// Classify `text` word by word with the chosen model (answered by [`NewsEvent::Reading`]).
    Read {
        text: String,
        reader: Reader,
    },
    /// Trace an input through the model step by step (answered by [`Event::Chain`] or
    /// [`Event::ChainUnavailable`]); with `follow`, again at a steady rate while training runs
    /// and whenever the weights change. `None` stops following.
    Chain {
        request: Option<ChainRequest>,
    },
    /// The vanishing/exploding-gradient picture: SimpleRNN, LSTM and GRU side by side (answered by
    /// [`Event::Vanishing`] or [`Event::VanishingRefused`]).
    Vanishing {
        settings: VanishingSettings,
    },
    /// A news model's word embeddings on a map (PCA at once; answered by [`NewsEvent::WordMap`]).
    WordMap {
        reader: Reader,
        words: usize,
    },
    /// Lay the map out with t-SNE, in slices (progress by [`NewsEvent::WordMap`] with a t-SNE
    /// layout, every few hundred milliseconds).
    WordMapTsne {
        perplexity: f32,
    },
    /// A word of the map's model and its nearest neighbours (answered by [`NewsEvent::WordLookup`]).
    WordLookup {
        word: String,
    },
    /// "Why does it drift?": train the series experiment's twin the other way (teacher forcing or
    /// free-running) for as many steps as the experiment has trained, a slice at a time beside
    /// everything else (answered by [`SeriesEvent::Twin`] as it goes); `start: false` stops it.
    Twin {
        start: bool,
    },
}

/// Which input the unrolled view shows, through which model.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ChainRequest {
    pub source: ChainSource,
    /// For headlines: the model being trained, or the pretrained one.
    pub reader: Reader,
    /// Trace again while training runs (a few times a second) and after every change of weights.
    pub follow: bool,
}

/// One training loss.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct LossPoint {
    pub step: u64,
    pub loss: f32,
    /// The step's global gradient norm, before clipping.
    pub grad_norm: f32,
}

/// Worker → page: what concerns the worker itself, then each lesson's own events, nested, so
/// the page matches every case of the lesson it runs.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Event {
    /// The worker has started and accepts commands.
    Ready {
        backend: BackendLabel,
        /// The WebGPU adapter the worker found (in words), or why there is none.
        webgpu: Result<String, String>,
    },
    /// The engine the experiment just configured trains on, and why (`data-testid="backend"`).
    Engine { backend: BackendLabel, reason: String },
    /// The engine failed for good (a lost WebGPU device) and the experiment moved to another:
    /// training paused; the message says what was kept.
    EngineLost { message: String },
    /// How many workers compute each series training step: 2 once the helper worker is there
    /// (cross-origin isolated pages on machines with two cores or more), 1 if it stops answering.
    Workers { count: usize },
    /// Settings refused; the previous experiment is untouched.
    Rejected { message: String },
    /// Something failed inside the worker; the message is for the user.
    Error { message: String },
    /// A benchmark's result.
    Bench { row: BenchRow },
    /// The active experiment's current weights (sent when training stops, and every few seconds
    /// while it runs), which the page keeps to restore if the worker dies.
    Snapshot { step: u64, weights: Weights },
    /// An input traced through the model (for [`Command::Chain`]), and the worker's milliseconds
    /// to trace it and build this message.
    Chain { chain: Box<Chain>, cost_ms: f32 },
    /// The requested chain cannot be drawn now; the message says why.
    ChainUnavailable { message: String },
    /// The vanishing/exploding-gradient picture for these settings, and the worker's milliseconds.
    Vanishing { settings: VanishingSettings, picture: Box<VanishingPicture>, cost_ms: f32 },
    /// Those settings cannot be pictured; the message says why.
    VanishingRefused { message: String },
    /// The sine and typed-sequence lessons.
    Series { event: SeriesEvent },
    /// The news lesson.
    News { event: NewsEvent },
}

/// What the sine and typed-sequence lessons report.
// Messages are built, serialised and dropped at once: boxing the large variants would save nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum SeriesEvent {
    /// A new experiment is ready (step 0).
    Configured {
        info: SeriesInfo,
        settings: Settings,
    },
    /// The experiment generates anew as `settings` say (only `gen-from`, `gen-start` or
    /// `gen-steps` changed): same weights, same run; an evaluation follows.
    Regenerated {
        info: SeriesInfo,
        settings: Settings,
    },
    /// Training progress: the losses since the previous `Progress`, and the speed.
    Progress {
        step: u64,
        losses: Vec<LossPoint>,
        steps_per_sec: f32,
        running: bool,
        /// Steps submitted to the WebGPU engine whose results are not back yet (always 0 on the
        /// CPU engine): after Pause the count still moves until this is 0.
        in_flight: u32,
    },
    Evaluation(Evaluation),
    /// Training stopped because the loss stopped being finite or exploded.
    Diverged {
        step: u64,
        message: String,
    },
    /// The twin (for [`Command::Twin`]): how it trains, its steps so far and to go, and, once
    /// it is done, its evaluation; `message` says why it stopped early or could not start.
    Twin {
        recipe: Recipe,
        step: u64,
        target: u64,
        evaluation: Option<Evaluation>,
        message: Option<String>,
    },
    /// A model file opened (after its [`SeriesEvent::Configured`]): what it is, for the page.
    ModelOpened {
        message: String,
    },
    /// The series model as a file, for the page to download ([`Command::SaveModel`]).
    ModelSaved {
        name: String,
        json: String,
    },
    /// A model file not saved or not opened, and why (nothing changed).
    ModelRefused {
        message: String,
    },
}

/// What the news lesson reports.
// Messages are built, serialised and dropped at once: boxing the large variants would save nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum NewsEvent {
    /// Data is being downloaded or read: `loaded` of `total` bytes (`total` unknown for some servers).
    DataLoading { what: String, loaded: u64, total: Option<u64> },
    /// New data is in place (the news experiment is rebuilt on it next).
    DataLoaded { summary: DataSummary },
    /// The data could not be used; the current data and experiment are untouched.
    DataRejected { message: String },
    /// The link's experiment trained on a file its author uploaded (`name`), which a link cannot
    /// carry: the data at hand is used until the student uploads it.
    UploadWanted { name: String },
    /// A news experiment is ready (epoch 0).
    Configured { info: NewsInfo, settings: Settings },
    /// Where training stands, each batch's loss and accuracy since the previous message (x =
    /// epochs done, fractional), epochs that ended, speed and time left.
    Progress {
        progress: Option<news::Progress>,
        points: Vec<BatchPoint>,
        epoch_ends: Vec<EpochRecord>,
        samples_per_sec: f32,
        seconds_left: Option<f32>,
        running: bool,
        /// Batches submitted to the WebGPU engine whose results are not back yet.
        in_flight: u32,
    },
    /// Training stopped because the loss stopped being finite.
    Diverged { message: String },
    /// The model on the test set.
    Tested {
        evaluation: news::Evaluation,
        /// Epochs trained when it was evaluated (fractional), and the epoch whose weights were kept.
        at_epoch: f32,
        kept_epoch: Option<usize>,
    },
    /// The pretrained headline model is loaded.
    PretrainedReady {
        model: String,
        about: Option<String>,
        classes: Vec<String>,
        /// The file it was opened from (`None`: the model shipped with the page).
        #[serde(default)]
        file: Option<String>,
    },
    /// The trained model as a model file (JSON), named for the experiment.
    ModelSaved { name: String, json: String },
    /// A model file that cannot be saved or opened, and why (nothing changed).
    ModelRefused { message: String },
    /// A headline read word by word.
    Reading { text: String, reader: Reader, classes: Vec<String>, reading: Reading },
    /// A word map (or a further step of its t-SNE layout), and the t-SNE run's progress.
    WordMap { reader: Reader, map: WordMap, tsne: Option<TsneProgress> },
    /// The map cannot be made; the message says why.
    WordMapRefused { message: String },
    /// A word looked up: what it is on the map and its neighbours, or why not.
    WordLookup { word: String, info: Option<WordInfo>, message: Option<String> },
}

impl From<SeriesEvent> for Event {
    fn from(event: SeriesEvent) -> Self {
        Event::Series { event }
    }
}

impl From<NewsEvent> for Event {
    fn from(event: NewsEvent) -> Self {
        Event::News { event }
    }
}

/// A model's weights `[P]` as little-endian `f32` bytes: one `Uint8Array` across the worker
/// boundary (a `Vec<f32>` would become a JavaScript array of a million numbers).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Weights(#[serde(with = "serde_bytes")] pub Vec<u8>);

impl Weights {
    pub fn from_f32(values: &[f32]) -> Weights {
        Weights(values.iter().flat_map(|v| v.to_le_bytes()).collect())
    }

    pub fn to_f32(&self) -> Vec<f32> {
        self.0.chunks_exact(4).map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]])).collect()
    }

    /// How many weights.
    pub fn len(&self) -> usize {
        self.0.len() / 4
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// One training batch of the news lesson, for the curves.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct BatchPoint {
    /// Epochs done, fractional (1.5 = half-way through the second epoch).
    pub x: f32,
    pub loss: f32,
    pub accuracy: f32,
    /// The batch's global gradient norm, before clipping.
    pub grad_norm: f32,
}

#[cfg(target_arch = "wasm32")]
mod js {
    use serde::{de::DeserializeOwned, Serialize};
    use wasm_bindgen::JsValue;

    /// Serialises a message for `postMessage` (u64 as BigInt, so seeds survive intact).
    pub fn to_js<T: Serialize>(value: &T) -> Result<JsValue, String> {
        let ser = serde_wasm_bindgen::Serializer::new().serialize_large_number_types_as_bigints(true).serialize_maps_as_objects(true);
        value.serialize(&ser).map_err(|e| e.to_string())
    }

    /// Reads a message received from `postMessage`.
    pub fn from_js<T: DeserializeOwned>(value: JsValue) -> Result<T, String> {
        serde_wasm_bindgen::from_value(value).map_err(|e| e.to_string())
    }
}

#[cfg(target_arch = "wasm32")]
pub use js::{from_js, to_js};
