//! The news lesson in the worker: its data (bundled, from a URL or uploaded), the experiment,
//! training in time slices with progress, the test evaluation, and the headline reader (the
//! pretrained model or the one being trained).

use std::cell::RefCell;
use std::rc::Rc;

use super::clock::{now_ms, SpeedMeter};
use super::fetch::{fetch_bytes, BUNDLE_CACHE};
use super::lesson::Running;
use super::{activate, post, stop_with_error, time_slice, State};
use crate::data::labeled_csv::MAX_BYTES;
use crate::lesson::chain::{chain_error, Chain, ChainSource};
use crate::lesson::news::{NewsData, NewsLesson, Progress, TestJob, TextClassifier, WordTable, WordsError};
use crate::lesson::news_source::{self, DataSummary, BUNDLE_TEST, BUNDLE_TRAIN, PRETRAINED_MODEL};
use crate::lesson::LessonError;
use crate::model_file::ModelFile;
use crate::protocol::{BatchPoint, DataSource, Event, NewsEvent, Reader};
use crate::settings::{Settings, UPLOAD_PREFIX};

/// Misclassified test items sent to the page.
const MISSES_SHOWN: usize = 60;

/// What the news lesson keeps whichever lesson is active: its data, the data being loaded, and the
/// pretrained headline model.
#[derive(Default)]
pub struct News {
    data: Option<NewsData>,
    /// The `data-url` the loaded data answers to ("" for the bundle).
    source: Option<String>,
    /// Settings waiting for data (the news lesson was chosen before the bundle arrived, or a link
    /// named other data).
    pending: Option<Settings>,
    /// The `data-url` being loaded; a load that finishes after another one started is dropped.
    loading: Option<String>,
    pretrained: Option<TextClassifier>,
    pretrained_loading: bool,
}

impl News {
    /// Another lesson was chosen: settings waiting for data are dropped.
    pub fn forget_pending(&mut self) {
        self.pending = None;
    }
}

/// A news experiment being trained.
pub struct NewsRun {
    lesson: NewsLesson,
    points: Vec<BatchPoint>,
    epoch_ends: Vec<crate::lesson::news::EpochRecord>,
    last: Option<Progress>,
    samples_done: u64,
    speed: SpeedMeter,
    /// Epochs done at the last test evaluation (none yet: `None`).
    tested_at: Option<f32>,
    /// Batches trained so far.
    steps: u64,
    /// A test evaluation under way (done a slice at a time), and the epochs trained when it began.
    testing: Option<(TestJob, f32)>,
}

/// The news run, when it is the active lesson.
fn active(active: &mut Option<Box<dyn Running>>) -> Option<&mut NewsRun> {
    active.as_mut().and_then(|a| a.as_any_mut().downcast_mut::<NewsRun>())
}

/// Builds the news experiment for `settings` on the loaded data, or loads the data its
/// `data-url` names first (the bundle for an empty one).
pub fn configure(state: &Rc<RefCell<State>>, st: &mut State, settings: Settings) {
    let wanted = settings.data_url.clone();
    if let (Some(data), Some(source)) = (st.news.data.as_ref(), st.news.source.as_ref()) {
        if *source == wanted {
            match NewsLesson::new(&settings, data) {
                Ok(lesson) => install(st, lesson),
                Err(e) => post(Event::Rejected { message: e.to_string() }),
            }
            return;
        }
    }
    if let Some(name) = wanted.strip_prefix(UPLOAD_PREFIX) {
        // A link to an experiment on a file its author uploaded: the file is not in the link.
        post(NewsEvent::UploadWanted { name: name.to_string() });
        let at_hand = st.news.source.clone().unwrap_or_default();
        return configure(state, st, Settings { data_url: at_hand, ..settings });
    }
    st.news.pending = Some(settings);
    // The news lesson is the one on show now: a series lesson still active must not take Train
    // while the data is on its way (nor after it was refused). A news run stays until its new
    // data has arrived.
    if active(&mut st.active).is_none() {
        st.running = false;
        st.active = None;
    }
    if st.news.loading.as_deref() != Some(wanted.as_str()) {
        let source = if wanted.is_empty() { DataSource::Bundled } else { DataSource::Url { url: wanted } };
        start_loading(state, st, source);
    }
}

fn install(st: &mut State, lesson: NewsLesson) {
    post(NewsEvent::Configured { info: lesson.info().clone(), settings: lesson.settings().clone() });
    let mut run = NewsRun {
        lesson,
        points: Vec::new(),
        epoch_ends: Vec::new(),
        last: None,
        samples_done: 0,
        speed: SpeedMeter::default(),
        tested_at: None,
        steps: 0,
        testing: None,
    };
    run.flush(false);
    activate(st, Box::new(run));
}

/// The `data-url` that reproduces `source`.
fn data_url(source: &DataSource) -> String {
    match source {
        DataSource::Bundled => String::new(),
        DataSource::Url { url } => url.trim().to_string(),
        DataSource::Upload { name, .. } => format!("{UPLOAD_PREFIX}{name}"),
    }
}

/// Starts loading `source` in the background.
pub fn start_loading(state: &Rc<RefCell<State>>, st: &mut State, source: DataSource) {
    let key = data_url(&source);
    st.news.loading = Some(key.clone());
    wasm_bindgen_futures::spawn_local(load(state.clone(), source, key));
}

fn loading(what: &str) -> impl Fn(u64, Option<u64>) + '_ {
    move |loaded, total| post(NewsEvent::DataLoading { what: what.to_string(), loaded, total })
}

async fn load(state: Rc<RefCell<State>>, source: DataSource, key: String) {
    let result = read_source(source).await;
    let mut st = state.borrow_mut();
    if st.news.loading.as_deref() != Some(key.as_str()) {
        return; // another load started since: its answer counts
    }
    st.news.loading = None;
    let pending = st.news.pending.take();
    match result {
        Ok((data, summary)) => {
            post(NewsEvent::DataLoaded { summary });
            st.news.data = Some(data);
            st.news.source = Some(key.clone());
            // Build on the new data: the waiting settings, or the current ones if the news
            // lesson is the one on show.
            let current = active(&mut st.active).map(|r| r.lesson.settings().clone());
            if let Some(s) = pending.or(current) {
                configure(&state, &mut st, Settings { data_url: key, ..s });
            }
        }
        Err(message) => {
            post(NewsEvent::DataRejected { message });
            // The data and experiment at hand stay; settings that waited for the refused data
            // are built on the data at hand, if there is any.
            match (pending, st.news.source.clone()) {
                (Some(s), Some(at_hand)) => configure(&state, &mut st, Settings { data_url: at_hand, ..s }),
                // Nothing loaded yet (a refused upload cut the bundle's download short): load
                // what the settings name, unless that is what was just refused.
                (Some(s), None) if s.data_url != key => configure(&state, &mut st, s),
                (pending, _) => st.news.pending = pending,
            }
        }
    }
}

async fn read_source(source: DataSource) -> Result<(NewsData, DataSummary), String> {
    match source {
        DataSource::Bundled => {
            let max = MAX_BYTES as u64;
            let (train, cached_train) = fetch_bytes(BUNDLE_TRAIN, max, Some(BUNDLE_CACHE), true, &loading("AG News training set"))
                .await
                .map_err(|e| e.own_file_message(BUNDLE_TRAIN))?;
            let (test, cached_test) = fetch_bytes(BUNDLE_TEST, max, Some(BUNDLE_CACHE), true, &loading("AG News test set"))
                .await
                .map_err(|e| e.own_file_message(BUNDLE_TEST))?;
            post(NewsEvent::DataLoading { what: "Reading AG News".into(), loaded: 0, total: None });
            news_source::bundled(train, test, cached_train && cached_test)
        }
        DataSource::Url { url } => {
            news_source::check_url(&url)?;
            let name = news_source::url_name(&url);
            let (bytes, _) = fetch_bytes(&url, MAX_BYTES as u64, None, true, &loading(&name)).await.map_err(|e| e.message(&url))?;
            post(NewsEvent::DataLoading { what: format!("Reading {name}"), loaded: 0, total: None });
            news_source::user_file(&name, bytes)
        }
        DataSource::Upload { name, bytes } => {
            post(NewsEvent::DataLoading { what: format!("Reading {name}"), loaded: 0, total: None });
            news_source::user_file(&name, bytes)
        }
    }
}

/// Fetches the pretrained model once.
pub fn load_pretrained(state: &Rc<RefCell<State>>, st: &mut State) {
    if let Some(p) = &st.news.pretrained {
        post(ready(p));
        return;
    }
    if st.news.pretrained_loading {
        return;
    }
    st.news.pretrained_loading = true;
    let state = state.clone();
    wasm_bindgen_futures::spawn_local(async move {
        let result = fetch_bytes(PRETRAINED_MODEL, 64 << 20, None, false, &|_, _| {})
            .await
            .map_err(|e| e.own_file_message(PRETRAINED_MODEL))
            .and_then(|(bytes, _)| String::from_utf8(bytes).map_err(|e| e.to_string()))
            .and_then(|json| ModelFile::parse(&json).map_err(|e| e.to_string()))
            .and_then(|file| TextClassifier::from_file(&file).map_err(|e| e.to_string()));
        let mut st = state.borrow_mut();
        st.news.pretrained_loading = false;
        match result {
            Ok(p) => {
                post(ready(&p));
                st.news.pretrained = Some(p);
            }
            Err(e) => post(Event::Error { message: format!("The pretrained headline model could not be loaded: {e}") }),
        }
    });
}

fn ready(p: &TextClassifier) -> NewsEvent {
    NewsEvent::PretrainedReady { model: p.model.spec.one_line(), about: p.about.clone(), classes: p.classes.clone() }
}

/// Reads `text` with the chosen model (the pretrained one when there is no trained model yet).
pub fn read(st: &mut State, text: String, reader: Reader) {
    let trained = active(&mut st.active).map(|r| &mut r.lesson);
    let (reading, classes, reader) = match (reader, trained, st.news.pretrained.as_mut()) {
        (Reader::Trained, Some(lesson), _) => (lesson.read(&text), lesson.info().classes.clone(), Reader::Trained),
        (_, _, Some(p)) => (p.read(&text), p.classes.clone(), Reader::Pretrained),
        (_, Some(lesson), None) => (lesson.read(&text), lesson.info().classes.clone(), Reader::Trained),
        (_, None, None) => return,
    };
    post(NewsEvent::Reading { text, reader, classes, reading });
}

/// The news lesson being trained, when it is the active one.
pub fn lesson(st: &mut State) -> Option<&mut NewsLesson> {
    active(&mut st.active).map(|r| &mut r.lesson)
}

/// The pretrained model's word table, counted over the loaded data's training rows (it read
/// title and description), when the model is there.
pub fn pretrained_words(st: &mut State, words: usize) -> Option<Result<WordTable, WordsError>> {
    let p = st.news.pretrained.as_ref()?;
    Some(p.words(st.news.data.as_ref(), crate::settings::TextFields::Both, words))
}

/// `source` traced through the pretrained model (a test example is taken from the news lesson's
/// test split, when it is the active lesson).
pub fn pretrained_chain(st: &mut State, source: &ChainSource) -> Result<Chain, LessonError> {
    let (text, truth, caption) = match (source, active(&mut st.active)) {
        (ChainSource::Headline { text }, _) => (text.clone(), None, "the headline you typed".to_string()),
        (ChainSource::TestExample { .. }, Some(run)) => run.lesson.chain_input(source)?,
        _ => return Err(chain_error("the pretrained model reads headlines".into())),
    };
    let Some(p) = st.news.pretrained.as_mut() else {
        return Err(chain_error("the pretrained model is still loading".into()));
    };
    let chain = p.chain(&text, truth)?;
    Ok(Chain { source: source.clone(), caption: format!("{caption}, read by the pretrained model"), ..chain })
}

impl NewsRun {
    /// Starts evaluating the model on the test set (a slice at a time, in the worker's loop),
    /// unless it has not changed since the last evaluation.
    fn test(&mut self) {
        let at = self.lesson.epochs_done();
        if at == 0.0 || self.tested_at == Some(at) || self.testing.as_ref().is_some_and(|(_, a)| *a == at) {
            return;
        }
        self.testing = Some((self.lesson.begin_test(MISSES_SHOWN), at));
    }
}

impl Running for NewsRun {
    fn can_train(&self) -> bool {
        !self.lesson.done()
    }

    fn start(&mut self) {
        self.speed.restart(now_ms(), self.samples_done);
    }

    /// Trains up to `max_batches` batches or `budget_ms` milliseconds.
    fn train(&mut self, max_batches: usize, budget_ms: f64) -> bool {
        let mut going = true;
        time_slice(max_batches, budget_ms, || {
            if self.lesson.done() {
                going = false;
                return false;
            }
            let p = match self.lesson.train_batch() {
                Ok(p) => p,
                Err(e) => {
                    going = false;
                    stop_with_error(e);
                    return false;
                }
            };
            self.steps += 1;
            self.points.push(BatchPoint {
                x: p.epochs_done(),
                loss: p.batch_loss,
                accuracy: p.batch_accuracy,
                grad_norm: p.batch_grad_norm,
            });
            self.samples_done += (p.samples - self.last.as_ref().filter(|l| l.epoch == p.epoch).map_or(0, |l| l.samples)) as u64;
            self.epoch_ends.extend(p.epoch_end.clone());
            let (finished, diverged) = (p.done, !p.batch_loss.is_finite());
            self.last = Some(p);
            if finished {
                going = false;
                return false;
            }
            if diverged {
                going = false;
                self.flush(false);
                let message = "the loss is no longer a finite number. Lower the learning rate or set a clip norm, then Reset.";
                post(NewsEvent::Diverged { message: message.into() });
                return false;
            }
            true
        });
        going
    }

    /// Sends the batches trained since the last message, the speed and the time left.
    fn flush(&mut self, running: bool) {
        let samples_per_sec = self.speed.update(now_ms(), self.samples_done);
        let info = self.lesson.info();
        let total = (info.train_rows * info.epochs) as f64;
        let seconds_left =
            (samples_per_sec > 0.0 && running).then(|| ((total - self.samples_done as f64).max(0.0) / samples_per_sec as f64) as f32);
        post(NewsEvent::Progress {
            progress: self.last.clone(),
            points: std::mem::take(&mut self.points),
            epoch_ends: std::mem::take(&mut self.epoch_ends),
            samples_per_sec,
            seconds_left,
            running,
        });
    }

    fn between_slices(&mut self) {}

    fn settle(&mut self) {
        self.test();
    }

    fn after_step(&mut self) {
        if self.lesson.done() {
            self.test();
        }
    }

    fn busy(&self) -> bool {
        self.testing.is_some()
    }

    fn work(&mut self, budget_ms: f64) {
        let Some((mut job, at)) = self.testing.take() else { return };
        let t0 = now_ms();
        let evaluation = loop {
            match self.lesson.advance_test(&mut job, 1) {
                None if now_ms() - t0 < budget_ms => continue,
                other => break other,
            }
        };
        let Some(evaluation) = evaluation else {
            self.testing = Some((job, at));
            return;
        };
        self.tested_at = Some(at);
        let lesson = &self.lesson;
        let s = lesson.settings();
        let kept_epoch = (lesson.done() && s.restore_best && s.average_last <= 1).then(|| lesson.best_epoch()).flatten();
        post(NewsEvent::Tested { evaluation, at_epoch: at, kept_epoch });
    }

    fn settings(&self) -> &Settings {
        self.lesson.settings()
    }

    fn steps(&self) -> u64 {
        self.steps
    }

    fn chain(&mut self, source: &ChainSource) -> Result<Chain, LessonError> {
        self.lesson.chain(source)
    }

    fn backend(&mut self) -> &mut dyn crate::engine::backend::Backend {
        self.lesson.backend()
    }

    fn as_any_mut(&mut self) -> &mut dyn std::any::Any {
        self
    }
}
