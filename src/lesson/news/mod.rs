//! News classification (the course's second lesson): AG News headlines (or the user's own labelled
//! texts) → text vectorizer → Embedding → recurrent layers → Dense(classes), trained with softmax
//! cross-entropy.
//!
//! The pipeline, as the notebook builds it:
//! - the training file is split, seeded, into training rows and `val-share` validation rows;
//! - a [`TextVectorizer`] (Keras `TextVectorization` defaults, `max_tokens = vocab`) is adapted on
//!   the training rows' texts (the title, or title + " " + description);
//! - each epoch the training rows are shuffled and, with `bucket`, bucketed by length, then padded
//!   per batch ([`crate::data::batches`]); with `mask`, the Embedding has `mask_zero` and the
//!   recurrent layers skip the padding, without it they read the padding as words;
//! - after each epoch the validation rows are evaluated; with `restore-best`, the weights of the
//!   epoch with the best validation accuracy are kept at the end (Keras `EarlyStopping(...,
//!   restore_best_weights=True)` with patience = epochs); with `average-last k`, the mean of the
//!   last k epochs' end weights instead (stochastic weight averaging, Izmailov et al. 2018).
//!
//! [`NewsLesson::train_batch`] runs one step, so the Web Worker can report progress between steps
//! and the command line can print it. On an engine that never waits (the WebGPU engine in the
//! browser) a step is submitted ([`NewsLesson::submit_batch`]) and its progress comes later
//! ([`NewsLesson::arrived_batches`]); an epoch's last batch is submitted alone at its end, and its
//! progress (with the validation and the epoch's bookkeeping) comes once the engine's weights are
//! back on the CPU, so every epoch ends exactly as on the CPU engine.

use std::collections::VecDeque;

use rand::seq::SliceRandom;
use serde::{Deserialize, Serialize};

use super::chain::{chain_error, chain_of, Chain, ChainSource};
use super::{check_fits, halvings, Estimate, LessonError};
use crate::data::ag_news::{self, BadRow};
use crate::data::batches::{make_batch, plan_epoch, Batch, BUCKET_BOUNDARIES};
use crate::data::labeled_csv::Labeled;
use crate::data::text::TextVectorizer;
use crate::engine::backend::{self, Backend, Setup, Workers};
use crate::engine::model::footprint::{self, Footprint, Work};
use crate::engine::model::{InputSpec, LossKind, Merge, ModelSpec, RecurrentSpec};
use crate::engine::ops::softmax_rows;
use crate::engine::train::init::{rng_from_seed, Rng8};
use crate::engine::train::{Direction, EarlyStopping, EarlyStoppingSpec, Schedule};
use crate::engine::{Input, InputData, Model, Targets};
use crate::i18n::{fill, t};
use crate::model_file::ModelFile;
use crate::settings::{SettingError, Settings, Task, TextFields};
use metrics::{count_correct, Tally};
use reader::read_with;

mod engine;
mod further;
mod metrics;
mod reader;
pub mod words;

pub use engine::EngineTrial;
pub use metrics::{Evaluation, Miss};
pub use reader::{Reading, TextClassifier};
pub use words::{WordMap, WordTable, WordsError};

/// AG News's class names, by class index 0..3.
pub const AG_NEWS_CLASSES: [&str; 4] = ["World", "Sports", "Business", "Sci/Tech"];

/// Rows per evaluation batch.
const EVAL_BATCH: usize = 256;

pub use crate::data::ag_news::Row as Item;

/// A data set: class names, training and test items.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct NewsData {
    pub classes: Vec<String>,
    pub train: Vec<Item>,
    pub test: Vec<Item>,
}

impl NewsData {
    /// AG News from its two CSV files; the malformed rows of each are returned with line numbers.
    pub fn ag_news(train_csv: &[u8], test_csv: &[u8]) -> (NewsData, Vec<BadRow>, Vec<BadRow>) {
        let items = |bytes: &[u8]| ag_news::read(bytes);
        let ((train, bad_train), (test, bad_test)) = (items(train_csv), items(test_csv));
        (NewsData { classes: AG_NEWS_CLASSES.iter().map(|c| c.to_string()).collect(), train, test }, bad_train, bad_test)
    }
}

impl NewsData {
    /// The user's own data: a training file and, optionally, a test file read with its classes
    /// (`labeled_csv::parse(test, Some(&train.classes))`); without one, `test_share` of the
    /// training items (a seeded draw) is held out as the test set.
    pub fn from_labeled(train: Labeled, test: Option<Labeled>, test_share: f32, seed: u64) -> NewsData {
        match test {
            Some(t) => NewsData { classes: train.classes, train: train.items, test: t.items },
            None => {
                let mut order: Vec<usize> = (0..train.items.len()).collect();
                order.shuffle(&mut rng_from_seed(seed ^ 0x7E57));
                let n_test = ((train.items.len() as f32 * test_share).round() as usize).min(train.items.len().saturating_sub(1));
                let mut is_test = vec![false; train.items.len()];
                for &i in &order[..n_test] {
                    is_test[i] = true;
                }
                let (mut tr, mut te) = (Vec::new(), Vec::new());
                for (item, t) in train.items.into_iter().zip(is_test) {
                    if t {
                        te.push(item)
                    } else {
                        tr.push(item)
                    }
                }
                NewsData { classes: train.classes, train: tr, test: te }
            }
        }
    }
}

/// The text of an item the model reads.
pub fn text_of(item: &Item, fields: TextFields) -> String {
    match fields {
        TextFields::Title => item.title.clone(),
        TextFields::Both if item.description.is_empty() => item.title.clone(),
        TextFields::Both => format!("{} {}", item.title, item.description),
    }
}

/// Encoded items: token ids and labels.
#[derive(Clone, Debug, Default)]
struct Encoded {
    seqs: Vec<Vec<u32>>,
    labels: Vec<u32>,
    /// Index of each into the items it came from.
    source: Vec<usize>,
}

impl Encoded {
    fn lengths(&self) -> Vec<usize> {
        self.seqs.iter().map(Vec::len).collect()
    }

    /// Items `rows`, padded into one batch.
    fn batch(&self, rows: &[usize]) -> Batch {
        make_batch(&self.seqs, &self.labels, rows)
    }
}

/// Running totals of the current epoch.
#[derive(Clone, Debug, Default)]
struct EpochSums {
    /// Σ batch loss × batch size
    loss: f64,
    samples: usize,
    correct: usize,
    tokens: usize,
}

/// A batch submitted to an engine that gives its results later: what its progress needs.
#[derive(Clone, Debug)]
struct Submitted {
    labels: Vec<u32>,
    tokens: usize,
    /// 1-based, within the epoch's `batches`.
    batch: usize,
    batches: usize,
}

/// What does not change while the lesson trains.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct NewsInfo {
    /// Keras-style one-line model description.
    pub model: String,
    pub params: usize,
    pub classes: Vec<String>,
    pub vocabulary_size: usize,
    pub train_rows: usize,
    pub val_rows: usize,
    pub test_rows: usize,
    pub batches_per_epoch: usize,
    pub epochs: usize,
    /// Memory and time per step it is estimated to take on its engine.
    pub estimate: Estimate,
    /// The model's architecture (for its summary and Keras code).
    pub spec: ModelSpec,
    /// The model file whose weights training started from (`None`: fresh weights, seeded).
    #[serde(default)]
    pub started_from: Option<String>,
}

/// Where training stands after a step.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Progress {
    /// 1-based epoch and batch within it.
    pub epoch: usize,
    pub batch: usize,
    pub batches: usize,
    pub samples: usize,
    pub tokens: usize,
    /// Running means over this epoch so far (as Keras's progress bar shows them).
    pub loss: f32,
    pub accuracy: f32,
    /// This batch's own loss and accuracy (for curves drawn per batch).
    pub batch_loss: f32,
    pub batch_accuracy: f32,
    /// This batch's global gradient norm, before clipping.
    pub batch_grad_norm: f32,
    /// Set when this step ended an epoch.
    pub epoch_end: Option<EpochRecord>,
    /// Set when training is over (the last epoch ended).
    pub done: bool,
}

impl Progress {
    /// Epochs trained after this step, fractional (1.5 = half-way through the second epoch).
    pub fn epochs_done(&self) -> f32 {
        epochs_done(self.epoch, self.batch, self.batches)
    }
}

/// Epochs done after `batch` of the `batches` of (1-based) `epoch`: the x of every news curve.
fn epochs_done(epoch: usize, batch: usize, batches: usize) -> f32 {
    (epoch - 1) as f32 + batch as f32 / batches as f32
}

/// One epoch's figures.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct EpochRecord {
    pub epoch: usize,
    pub train_loss: f32,
    pub train_accuracy: f32,
    /// `None` without validation rows.
    pub val_loss: Option<f32>,
    pub val_accuracy: Option<f32>,
}

/// A running news-classification lesson.
#[derive(Debug)]
pub struct NewsLesson {
    settings: Settings,
    info: NewsInfo,
    vectorizer: TextVectorizer,
    train: Encoded,
    val: Encoded,
    test: Encoded,
    /// The test items' texts (for the misclassified list).
    test_texts: Vec<String>,
    backend: Box<dyn Backend>,
    shuffle: Rng8,
    epoch: usize,
    plan: Vec<Vec<usize>>,
    next: usize,
    sums: EpochSums,
    /// The best validation epoch and its weights (Keras `EarlyStopping` on validation accuracy
    /// with `restore_best_weights`; its patience is the whole run, so it never stops one early).
    best: EarlyStopping,
    /// Running sum of the epoch-end weights of the last `average-last` epochs, and how many.
    average: Option<(Vec<f64>, usize)>,
    history: Vec<EpochRecord>,
    /// Batches submitted whose results have not come (oldest first).
    in_flight: VecDeque<Submitted>,
    /// The epoch's last batch was submitted; its end (validation, best weights) is still to come.
    closing: bool,
    /// The progress of an epoch's last batch, waiting for the engine's weights to end the epoch.
    held: Option<Progress>,
}

fn classes_error(message: String) -> LessonError {
    LessonError::Setting(SettingError::new("data", message))
}

impl NewsLesson {
    /// Builds vectorizer, encoded data and model from `settings` and `data`. Nothing is kept on
    /// error.
    pub fn new(settings: &Settings, data: &NewsData) -> Result<Self, LessonError> {
        Self::build(settings, data, None)
    }

    /// Trains `file`'s model further on `data`: its architecture becomes the settings (the rest
    /// of them from `base`), its weights the starting point, its vocabulary the way texts are
    /// read. An error names what the page cannot train (a series model, a mixed stack...).
    /// `name` is the file's, shown with the lesson (`NewsInfo::started_from`).
    pub fn further(base: &Settings, data: &NewsData, file: &ModelFile, name: &str) -> Result<Self, LessonError> {
        let settings = further::settings_for(file, base).map_err(|m| SettingError::new("model", m))?;
        let mut lesson = Self::build(&settings, data, Some(file))?;
        lesson.info.started_from = Some(name.to_string());
        Ok(lesson)
    }

    fn build(settings: &Settings, data: &NewsData, start: Option<&ModelFile>) -> Result<Self, LessonError> {
        settings.validate()?;
        if settings.task != Task::Agnews {
            return Err(SettingError::new("task", fill(t().data.news_task, &[("task", &settings.task)])).into());
        }
        let classes = data.classes.len();
        if classes < 2 {
            return Err(classes_error(fill(t().data.news_few_classes, &[("n", &classes)])));
        }
        if let Some(bad) = data.train.iter().chain(&data.test).find(|i| i.label as usize >= classes) {
            return Err(classes_error(fill(t().data.news_label_range, &[("label", &bad.label), ("classes", &classes)])));
        }
        // Training / validation split, seeded.
        let mut order: Vec<usize> = (0..data.train.len()).collect();
        order.shuffle(&mut rng_from_seed(settings.seed ^ 0x5_1173));
        let n_val = (data.train.len() as f32 * settings.val_share).round() as usize;
        let (val_rows, train_rows) = order.split_at(n_val);
        let mut train_rows = train_rows.to_vec();
        train_rows.sort_unstable();
        let mut val_rows = val_rows.to_vec();
        val_rows.sort_unstable();
        if train_rows.is_empty() {
            return Err(classes_error(t().data.news_no_training_rows.into()));
        }
        let fields = settings.text;
        let texts: Vec<String> = train_rows.iter().map(|&i| text_of(&data.train[i], fields)).collect();
        let length = (settings.max_len > 0).then_some(settings.max_len);
        let vectorizer = match start.and_then(|f| f.vectorizer.clone()) {
            Some(v) => v,
            None => TextVectorizer::adapt(texts.iter().map(String::as_str), Some(settings.vocab), length)
                .map_err(|e| LessonError::Setting(SettingError::new("vocab", e.to_string())))?,
        };
        let encode = |items: &[Item], rows: &[usize]| Encoded {
            seqs: rows.iter().map(|&i| vectorizer.encode(&text_of(&items[i], fields))).collect(),
            labels: rows.iter().map(|&i| items[i].label).collect(),
            source: rows.to_vec(),
        };
        let train = encode(&data.train, &train_rows);
        let val = encode(&data.train, &val_rows);
        let test = encode(&data.test, &(0..data.test.len()).collect::<Vec<_>>());

        let merge = settings.bidirectional.then_some(Merge::Concat);
        let layer = RecurrentSpec {
            dropout: settings.dropout,
            recurrent_dropout: settings.recurrent_dropout,
            ..RecurrentSpec::new(settings.cell_kind(), settings.units, merge)
        };
        let spec = ModelSpec {
            // The Embedding has `vocab` rows (Keras: input_dim = max_tokens), even when the
            // training texts have fewer distinct tokens.
            input: InputSpec::Tokens { vocab: settings.vocab, dim: settings.embed_dim, mask_zero: settings.mask },
            layers: vec![layer; settings.layers],
            return_sequences: false,
            dense_units: classes,
            loss: LossKind::SparseCategoricalCrossentropy,
        };
        // Before the model is allocated: does it fit the engine? A batch is as long as its
        // longest text (every text, without bucketing; cut at max-len when set).
        let kind = settings.engine.kind();
        let optimizer = settings.optimizer_spec();
        let longest = |e: &Encoded| e.seqs.iter().map(Vec::len).max().unwrap_or(1).max(1);
        let (time, eval_time) = (longest(&train), longest(&val).max(longest(&test)));
        // The data the lesson holds: the texts (and a String's header each), their token ids,
        // the vocabulary (a word and its map entry).
        let text_bytes: usize = data.train.iter().chain(&data.test).map(|i| i.title.len() + i.description.len() + 48).sum();
        let ids: usize = [&train, &val, &test].iter().map(|e| e.seqs.iter().map(|s| 4 * s.len() + 24).sum::<usize>()).sum();
        let data_bytes = (text_bytes + ids + 64 * vectorizer.vocabulary_size()) as u64;
        let estimate_for = |batch: usize, time: usize, eval_time: usize| {
            let work = Work { batch, time, parts: 1, eval_batch: EVAL_BATCH, eval_time };
            Estimate::of(kind, Footprint { data: data_bytes, ..footprint::estimate(&spec, &optimizer, work) })
        };
        let estimate = check_fits(kind, estimate_for(settings.batch, time, eval_time), || {
            halvings(settings.batch)
                .find(|&b| estimate_for(b, time, eval_time).fits(kind))
                .map(|b| fill(t().data.instead_batch, &[("b", &b)]))
                .or_else(|| {
                    halvings(time)
                        .find(|&cut| estimate_for(settings.batch, cut, cut).fits(kind))
                        .map(|cut| fill(t().data.instead_texts_cut, &[("t", &cut)]))
                })
        })?;
        let model = match start {
            None => Model::new(spec, settings.seed)?,
            Some(file) => further::weights_from(file, spec)?,
        };
        let batches_per_epoch = plan_epoch(&train.lengths(), settings.batch, bucket(settings), None).len();
        let mut backend = backend::create(
            kind,
            Setup { model, optimizer, clipping: settings.clip(), schedule: schedule(settings, batches_per_epoch), seed: settings.seed },
        )?;
        // The longest batch's buffers (the WebGPU adapter's limits are checked here).
        backend.reserve(settings.batch, time, None)?;
        let info = NewsInfo {
            model: backend.spec().one_line(),
            params: backend.param_count(),
            classes: data.classes.clone(),
            vocabulary_size: vectorizer.vocabulary_size(),
            train_rows: train.seqs.len(),
            val_rows: val.seqs.len(),
            test_rows: test.seqs.len(),
            batches_per_epoch,
            epochs: settings.epochs,
            estimate,
            spec: backend.spec().clone(),
            started_from: None,
        };
        Ok(NewsLesson {
            settings: settings.clone(),
            info,
            vectorizer,
            train,
            val,
            test,
            test_texts: data.test.iter().map(|i| text_of(i, fields)).collect(),
            backend,
            shuffle: rng_from_seed(settings.seed ^ 0xBA7C4),
            epoch: 0,
            plan: Vec::new(),
            next: 0,
            sums: EpochSums::default(),
            best: EarlyStopping::new(EarlyStoppingSpec {
                direction: Direction::Max,
                patience: settings.epochs,
                min_delta: 0.0,
                restore_best_weights: true,
            }),
            average: None,
            history: Vec::new(),
            in_flight: VecDeque::new(),
            closing: false,
            held: None,
        })
    }

    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    /// The learning-rate schedule over the whole run (every epoch's batches).
    pub fn schedule(&self) -> Schedule {
        schedule(&self.settings, self.info.batches_per_epoch)
    }

    /// Epochs trained so far, fractional (1.5 = half-way through the second epoch).
    pub fn epochs_done(&self) -> f32 {
        if self.plan.is_empty() {
            return 0.0;
        }
        epochs_done(self.epoch, self.next, self.plan.len())
    }

    pub fn info(&self) -> &NewsInfo {
        &self.info
    }

    pub fn vectorizer(&self) -> &TextVectorizer {
        &self.vectorizer
    }

    pub fn history(&self) -> &[EpochRecord] {
        &self.history
    }

    /// Every epoch trained and ended.
    pub fn done(&self) -> bool {
        self.epoch >= self.settings.epochs && self.next >= self.plan.len() && !self.closing
    }

    /// Whether a batch can be submitted now: not when training is over, nor while an epoch's end
    /// waits for the engine's results.
    pub fn can_submit(&self) -> bool {
        !self.done() && !self.closing
    }

    /// Splits each batch into `threads` parts on as many threads (native builds; results depend
    /// on the count, reproducibly).
    pub fn set_threads(&mut self, threads: usize) {
        self.backend.set_parts(threads.max(1));
        self.backend.set_workers(Workers::threads(threads));
    }

    /// The engine the lesson trains on.
    pub fn backend(&mut self) -> &mut dyn Backend {
        self.backend.as_mut()
    }

    /// One training step on the next batch (starting the next epoch when one ends), on an engine
    /// that gives its results at once (the CPU engine; the WebGPU engine natively).
    pub fn train_batch(&mut self) -> Result<Progress, LessonError> {
        let later = || {
            LessonError::Engine(crate::engine::EngineError::Gpu(
                "this engine gives its results later: use submit_batch and arrived_batches".into(),
            ))
        };
        // Refused before a step is taken: nothing changes.
        if self.backend.defers() && !self.done() {
            return Err(later());
        }
        self.submit_batch()?.ok_or_else(later)
    }

    /// One training step on the next batch (starting the next epoch when one ends): its progress
    /// now, or `None` when the engine gives it later ([`NewsLesson::arrived_batches`]).
    pub fn submit_batch(&mut self) -> Result<Option<Progress>, LessonError> {
        if self.done() {
            return Err(LessonError::Finished(self.settings.epochs));
        }
        if self.closing {
            return Err(LessonError::Engine(crate::engine::EngineError::Gpu(
                "the epoch's end waits for the engine's results: take them with arrived_batches first".into(),
            )));
        }
        if self.next >= self.plan.len() {
            self.epoch += 1;
            self.plan = plan_epoch(&self.train.lengths(), self.settings.batch, bucket(&self.settings), Some(&mut self.shuffle));
            self.next = 0;
            self.sums = EpochSums::default();
        }
        let b = self.train.batch(&self.plan[self.next]);
        let input = Input { batch: b.batch(), time: b.time, data: InputData::Tokens(&b.ids), mask: None, feedback: None, loss_from: 0 };
        let stats = self.backend.submit_batch(&input, &Targets::Classes(&b.labels))?;
        self.next += 1;
        self.closing = self.next == self.plan.len();
        let submitted = Submitted { tokens: b.tokens(), batch: self.next, batches: self.plan.len(), labels: b.labels };
        match stats {
            Some(stats) => {
                let correct = count_correct(self.backend.train_outputs(), self.info.classes.len(), &submitted.labels);
                let progress = self.progress(&submitted, stats, correct);
                if submitted.batch == submitted.batches {
                    return self.end_epoch(progress).map(Some);
                }
                Ok(Some(progress))
            }
            None => {
                self.in_flight.push_back(submitted);
                Ok(None)
            }
        }
    }

    /// The progress of the batches submitted earlier whose results came since, oldest first; an
    /// epoch's last batch comes with the epoch's end, once the engine's weights are back.
    pub fn arrived_batches(&mut self) -> Result<Vec<Progress>, LessonError> {
        let classes = self.info.classes.len();
        let mut out = Vec::new();
        for arrived in self.backend.arrived()? {
            let Some(submitted) = self.in_flight.pop_front() else {
                return Err(LessonError::Engine(crate::engine::EngineError::Gpu("a result came for a batch never submitted".into())));
            };
            let correct = count_correct(&arrived.outputs, classes, &submitted.labels);
            let progress = self.progress(&submitted, arrived.stats, correct);
            if submitted.batch == submitted.batches {
                self.held = Some(progress);
            } else {
                out.push(progress);
            }
        }
        if self.held.is_some() && self.in_flight.is_empty() && self.backend.settled()? {
            let progress = self.held.take().expect("held progress");
            out.push(self.end_epoch(progress)?);
        }
        Ok(out)
    }

    /// Batches submitted whose progress has not come yet.
    pub fn in_flight(&self) -> usize {
        self.in_flight.len() + usize::from(self.held.is_some())
    }

    /// Whether evaluations, views and the weights see every batch submitted (when not, the engine
    /// is fetching its weights: ask again after a yield).
    pub fn settled(&mut self) -> Result<bool, LessonError> {
        Ok(self.backend.settled()?)
    }

    /// The epoch's running figures with one more batch.
    fn progress(&mut self, b: &Submitted, stats: crate::engine::train::StepStats, correct: usize) -> Progress {
        let rows = b.labels.len();
        let sums = &mut self.sums;
        sums.loss += stats.loss as f64 * rows as f64;
        sums.samples += rows;
        sums.correct += correct;
        sums.tokens += b.tokens;
        Progress {
            epoch: self.epoch,
            batch: b.batch,
            batches: b.batches,
            samples: sums.samples,
            tokens: sums.tokens,
            loss: (sums.loss / sums.samples as f64) as f32,
            accuracy: sums.correct as f32 / sums.samples as f32,
            batch_loss: stats.loss,
            batch_accuracy: correct as f32 / rows as f32,
            batch_grad_norm: stats.grad_norm,
            epoch_end: None,
            done: false,
        }
    }

    /// The end of an epoch (its last batch's `progress` given): validation, the best epoch's
    /// weights, the weights averaged; after the last epoch, the weights kept.
    fn end_epoch(&mut self, mut progress: Progress) -> Result<Progress, LessonError> {
        self.closing = false;
        let val = (!self.val.seqs.is_empty()).then(|| self.evaluate_encoded(Which::Val, 0));
        let record = EpochRecord {
            epoch: self.epoch,
            train_loss: progress.loss,
            train_accuracy: progress.accuracy,
            val_loss: val.as_ref().map(|v| v.loss),
            val_accuracy: val.as_ref().map(|v| v.accuracy),
        };
        if let Some(acc) = record.val_accuracy {
            self.best.on_epoch_end(self.epoch, acc, &self.backend.weights());
        }
        self.history.push(record.clone());
        progress.epoch_end = Some(record);
        let k = self.settings.average_last;
        if k > 1 && self.epoch + k > self.settings.epochs {
            let w = self.backend.weights();
            let (sum, n) = self.average.get_or_insert_with(|| (vec![0.0; w.len()], 0));
            sum.iter_mut().zip(&w).for_each(|(s, &v)| *s += v as f64);
            *n += 1;
        }
        if self.epoch >= self.settings.epochs {
            progress.done = true;
            if let Some((sum, n)) = &self.average {
                let mean: Vec<f32> = sum.iter().map(|&s| (s / *n as f64) as f32).collect();
                self.backend.load_weights(&mean)?;
            } else if self.settings.restore_best {
                let mut w = self.backend.weights();
                if self.best.on_train_end(&mut w) {
                    self.backend.load_weights(&w)?;
                }
            }
        }
        Ok(progress)
    }

    /// The epoch whose weights the model holds after training (with `restore-best`), 1-based.
    pub fn best_epoch(&self) -> Option<usize> {
        self.best.best().map(|_| self.best.best_epoch)
    }

    /// Loss, accuracy, confusion matrix, per-class precision and recall on the test items, and the
    /// first `max_misses` misclassified ones.
    pub fn evaluate_test(&mut self, max_misses: usize) -> Evaluation {
        self.evaluate_encoded(Which::Test, max_misses)
    }

    /// A test-set evaluation of the current weights, to be done a batch at a time
    /// ([`NewsLesson::advance_test`]); the weights must not change until it is complete.
    pub fn begin_test(&self, max_misses: usize) -> TestJob {
        self.begin(Which::Test, max_misses)
    }

    /// Evaluates up to `batches` more batches of `job`: the evaluation once it is complete (the
    /// same as [`NewsLesson::evaluate_test`], however it is sliced).
    pub fn advance_test(&mut self, job: &mut TestJob, batches: usize) -> Option<Evaluation> {
        self.advance(job, batches)
    }

    fn evaluate_encoded(&mut self, which: Which, max_misses: usize) -> Evaluation {
        let mut job = self.begin(which, max_misses);
        loop {
            if let Some(e) = self.advance(&mut job, usize::MAX) {
                return e;
            }
        }
    }

    fn begin(&self, which: Which, max_misses: usize) -> TestJob {
        let set = match which {
            Which::Val => &self.val,
            Which::Test => &self.test,
        };
        // Batched in file order, by the training batching rule (bucketing changes the padding,
        // which an unmasked model reads).
        let plan = plan_epoch(&set.lengths(), EVAL_BATCH, bucket(&self.settings), None);
        TestJob { which, plan, next: 0, tally: Some(Tally::new(self.info.classes.len())), max_misses }
    }

    fn advance(&mut self, job: &mut TestJob, batches: usize) -> Option<Evaluation> {
        let set = match job.which {
            Which::Val => &self.val,
            Which::Test => &self.test,
        };
        let classes = self.info.classes.len();
        let tally = job.tally.as_mut()?;
        let mut probs = Vec::new();
        for rows in job.plan.iter().skip(job.next).take(batches) {
            let batch = set.batch(rows);
            let input = Input {
                batch: batch.batch(),
                time: batch.time,
                data: InputData::Tokens(&batch.ids),
                mask: None,
                feedback: None,
                loss_from: 0,
            };
            let logits = self.backend.predict(&input).expect("a batch built for this model");
            probs.resize(logits.len(), 0.0);
            softmax_rows(logits, classes, &mut probs);
            for (k, &r) in rows.iter().enumerate() {
                tally.add(&probs[k * classes..(k + 1) * classes], set.labels[r], set.source[r]);
            }
            job.next += 1;
        }
        if job.next < job.plan.len() {
            return None;
        }
        let texts: &[String] = match job.which {
            Which::Test => &self.test_texts,
            Which::Val => &[],
        };
        job.tally.take().map(|t| t.finish(job.max_misses, texts))
    }

    /// The model reading `text`: its tokens and the probabilities after each.
    pub fn read(&mut self, text: &str) -> Reading {
        let (classes, masked) = (self.backend.spec().dense_units, self.backend.spec().input.mask_zero());
        let backend = &mut self.backend;
        read_with(classes, masked, &mut |input| backend.predict(input).map(<[f32]>::to_vec), &self.vectorizer, text)
    }

    /// The text `source` names, its true class when known, and a caption.
    pub fn chain_input(&self, source: &ChainSource) -> Result<(String, Option<usize>, String), LessonError> {
        match source {
            ChainSource::Headline { text } => Ok((text.clone(), None, t().data.chain_caption_typed.to_string())),
            ChainSource::TestExample { index } => {
                let i = *index;
                let Some(text) = self.test_texts.get(i) else {
                    return Err(chain_error(fill(t().data.chain_no_test_example, &[("n", &self.test_texts.len()), ("i", &(i + 1))])));
                };
                let label = self.test.labels[i] as usize;
                let caption = fill(
                    t().data.chain_caption_test,
                    &[("i", &(i + 1)), ("n", &self.test_texts.len()), ("class", &self.info.classes[label])],
                );
                Ok((text.clone(), Some(label), caption))
            }
            ChainSource::Window { .. } => Err(chain_error(t().data.chain_not_window.into())),
        }
    }

    /// A headline (typed, or a test example) run through the model step by step at the current
    /// weights, encoded as in training (padded to `max-len` when it is set): every state and gate.
    pub fn chain(&mut self, source: &ChainSource) -> Result<Chain, LessonError> {
        let (text, truth, caption) = self.chain_input(source)?;
        let classes = self.info.classes.clone();
        let spec = self.backend.spec().clone();
        let backend = std::cell::RefCell::new(&mut self.backend);
        let mut trace = |input: &Input| backend.borrow_mut().trace(input, 0);
        let mut grads = |input: &Input, targets: &Targets| backend.borrow_mut().state_gradients(input, targets, 0);
        let built = chain_of(&spec, &mut trace, &mut grads, &self.vectorizer, &text, classes, truth)?;
        Ok(Chain { source: source.clone(), caption, ..built })
    }

    /// The word table of the model as it stands (its embedding), counted over the training rows:
    /// the `words` most frequent words, for the embedding map ([`words`]).
    pub fn words(&self, words: usize) -> Result<WordTable, WordsError> {
        let rows = self.train.seqs.iter().zip(self.train.labels.iter().copied());
        WordTable::new(&self.backend.model(), &self.vectorizer, &self.info.classes, rows, words)
    }

    /// The trained model as a file: weights, vectorizer, class names.
    pub fn to_file(&self) -> ModelFile {
        let mut file = ModelFile::from_model(&self.backend.model(), true);
        file.vectorizer = Some(self.vectorizer.clone());
        file.classes = self.info.classes.clone();
        file
    }
}

/// An evaluation under way (see [`NewsLesson::begin_test`]).
#[derive(Debug)]
pub struct TestJob {
    which: Which,
    plan: Vec<Vec<usize>>,
    next: usize,
    tally: Option<Tally>,
    max_misses: usize,
}

#[derive(Clone, Copy, Debug)]
enum Which {
    Val,
    Test,
}

/// The run's learning-rate schedule: `settings.lr-schedule` over every epoch's batches.
fn schedule(s: &Settings, batches_per_epoch: usize) -> Schedule {
    s.schedule((batches_per_epoch * s.epochs) as u64)
}

fn bucket(s: &Settings) -> Option<&'static [usize]> {
    (s.bucket && s.max_len == 0).then_some(BUCKET_BOUNDARIES)
}
