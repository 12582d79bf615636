//! The news lesson in the worker: its data (bundled, from a URL or uploaded), the experiment,
//! training in time slices with progress, the test evaluation, and the headline reader (the
//! pretrained model or the one being trained).

use std::cell::RefCell;
use std::rc::Rc;

use super::clock::{now_ms, SpeedMeter};
use super::fetch::{fetch_bytes, BUNDLE_CACHE};
use super::{post, stop_with_error, time_slice, State};
use crate::data::labeled_csv::MAX_BYTES;
use crate::lesson::news::{NewsData, NewsLesson, Progress, TextClassifier};
use crate::lesson::news_source::{self, DataSummary, BUNDLE_TEST, BUNDLE_TRAIN, PRETRAINED_MODEL};
use crate::model_file::ModelFile;
use crate::protocol::{BatchPoint, DataSource, Event, Reader};
use crate::settings::{Settings, UPLOAD_PREFIX};

/// Misclassified test items sent to the page.
const MISSES_SHOWN: usize = 60;

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
    pub lesson: Option<NewsLesson>,
    pretrained: Option<TextClassifier>,
    pretrained_loading: bool,
    points: Vec<BatchPoint>,
    epoch_ends: Vec<crate::lesson::news::EpochRecord>,
    last: Option<Progress>,
    samples_done: u64,
    speed: SpeedMeter,
    /// Epochs done at the last test evaluation (none yet: `None`).
    tested_at: Option<f32>,
}

impl News {
    /// Another lesson was chosen: settings waiting for data are dropped.
    pub fn forget_pending(&mut self) {
        self.pending = None;
    }

    pub fn done(&self) -> bool {
        self.lesson.as_ref().is_none_or(NewsLesson::done)
    }

    pub fn restart_speed(&mut self) {
        self.speed.restart(now_ms(), self.samples_done);
    }
}

/// Builds the news experiment for `settings` on the loaded data, or loads the data its
/// `data-url` names first (the bundle for an empty one).
pub fn configure(state: &Rc<RefCell<State>>, st: &mut State, settings: Settings) {
    let wanted = settings.data_url.clone();
    if let (Some(data), Some(source)) = (st.news.data.as_ref(), st.news.source.as_ref()) {
        if *source == wanted {
            match NewsLesson::new(&settings, data) {
                Ok(lesson) => install(st, lesson),
                Err(e) => post(&Event::Rejected { message: e.to_string() }),
            }
            return;
        }
    }
    if let Some(name) = wanted.strip_prefix(UPLOAD_PREFIX) {
        // A link to an experiment on a file its author uploaded: the file is not in the link.
        post(&Event::DataRejected {
            message: format!("the link's data was a file its author uploaded ({name}); choose or drop that file here to train on it"),
        });
        let at_hand = st.news.source.clone().unwrap_or_default();
        return configure(state, st, Settings { data_url: at_hand, ..settings });
    }
    st.news.pending = Some(settings);
    if st.news.loading.as_deref() != Some(wanted.as_str()) {
        let source = if wanted.is_empty() { DataSource::Bundled } else { DataSource::Url { url: wanted } };
        start_loading(state, st, source);
    }
}

fn install(st: &mut State, lesson: NewsLesson) {
    st.running = false;
    st.news_active = true;
    post(&Event::NewsConfigured { info: lesson.info().clone(), settings: lesson.settings().clone() });
    let n = &mut st.news;
    n.lesson = Some(lesson);
    n.points.clear();
    n.epoch_ends.clear();
    n.last = None;
    n.samples_done = 0;
    n.speed = SpeedMeter::default();
    n.tested_at = None;
    flush(st);
}

/// Same settings, fresh weights.
pub fn reset(state: &Rc<RefCell<State>>, st: &mut State) {
    if let Some(settings) = st.news.lesson.as_ref().map(|l| l.settings().clone()) {
        configure(state, st, settings);
    }
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
    move |loaded, total| post(&Event::DataLoading { what: what.to_string(), loaded, total })
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
            post(&Event::DataLoaded { summary });
            st.news.data = Some(data);
            st.news.source = Some(key.clone());
            // Build on the new data: the waiting settings, or the current ones if the news
            // lesson is the one on show.
            let current = st.news_active.then(|| st.news.lesson.as_ref().map(|l| l.settings().clone())).flatten();
            match pending.or(current) {
                Some(s) => configure(&state, &mut st, Settings { data_url: key, ..s }),
                None => st.news.lesson = None,
            }
        }
        Err(message) => {
            post(&Event::DataRejected { message });
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
            let (train, cached_train) = fetch_bytes(BUNDLE_TRAIN, max, Some(BUNDLE_CACHE), &loading("AG News training set"))
                .await
                .map_err(|e| e.message(BUNDLE_TRAIN))?;
            let (test, cached_test) = fetch_bytes(BUNDLE_TEST, max, Some(BUNDLE_CACHE), &loading("AG News test set"))
                .await
                .map_err(|e| e.message(BUNDLE_TEST))?;
            post(&Event::DataLoading { what: "Reading AG News".into(), loaded: 0, total: None });
            news_source::bundled(train, test, cached_train && cached_test)
        }
        DataSource::Url { url } => {
            news_source::check_url(&url)?;
            let name = news_source::url_name(&url);
            let (bytes, _) = fetch_bytes(&url, MAX_BYTES as u64, None, &loading(&name)).await.map_err(|e| e.message(&url))?;
            post(&Event::DataLoading { what: format!("Reading {name}"), loaded: 0, total: None });
            news_source::user_file(&name, bytes)
        }
        DataSource::Upload { name, bytes } => {
            post(&Event::DataLoading { what: format!("Reading {name}"), loaded: 0, total: None });
            news_source::user_file(&name, bytes)
        }
    }
}

/// Fetches the pretrained model once.
pub fn load_pretrained(state: &Rc<RefCell<State>>, st: &mut State) {
    if let Some(p) = &st.news.pretrained {
        post(&ready(p));
        return;
    }
    if st.news.pretrained_loading {
        return;
    }
    st.news.pretrained_loading = true;
    let state = state.clone();
    wasm_bindgen_futures::spawn_local(async move {
        let result = fetch_bytes(PRETRAINED_MODEL, 64 << 20, None, &|_, _| {})
            .await
            .map_err(|e| e.message(PRETRAINED_MODEL))
            .and_then(|(bytes, _)| String::from_utf8(bytes).map_err(|e| e.to_string()))
            .and_then(|json| ModelFile::parse(&json).map_err(|e| e.to_string()))
            .and_then(|file| TextClassifier::from_file(&file).map_err(|e| e.to_string()));
        let mut st = state.borrow_mut();
        st.news.pretrained_loading = false;
        match result {
            Ok(p) => {
                post(&ready(&p));
                st.news.pretrained = Some(p);
            }
            Err(e) => post(&Event::Error { message: format!("The pretrained headline model could not be loaded: {e}") }),
        }
    });
}

fn ready(p: &TextClassifier) -> Event {
    Event::PretrainedReady { model: p.model.spec.one_line(), about: p.about.clone(), classes: p.classes.clone() }
}

/// Reads `text` with the chosen model (the pretrained one when there is no trained model yet).
pub fn read(st: &mut State, text: String, reader: Reader) {
    let n = &mut st.news;
    let (reading, classes, reader) = match (reader, n.lesson.as_mut(), n.pretrained.as_mut()) {
        (Reader::Trained, Some(lesson), _) => (lesson.read(&text), lesson.info().classes.clone(), Reader::Trained),
        (_, _, Some(p)) => (p.read(&text), p.classes.clone(), Reader::Pretrained),
        (_, Some(lesson), None) => (lesson.read(&text), lesson.info().classes.clone(), Reader::Trained),
        (_, None, None) => return,
    };
    post(&Event::Reading { text, reader, classes, reading });
}

/// One turn of the training loop: a slice of training and its progress message; when training
/// has stopped (paused, finished, failed), the test evaluation instead. Returns whether the loop
/// goes on.
pub fn tick(st: &mut State, budget_ms: f64) -> bool {
    if st.running {
        train_slice(st, usize::MAX, budget_ms);
    }
    flush(st);
    if !st.running {
        test(st);
    }
    st.running
}

/// Trains up to `max_batches` batches or `budget_ms` milliseconds.
pub fn train_slice(st: &mut State, max_batches: usize, budget_ms: f64) {
    time_slice(max_batches, budget_ms, || {
        let Some(lesson) = st.news.lesson.as_mut() else { return false };
        if lesson.done() {
            st.running = false;
            return false;
        }
        let p = match lesson.train_batch() {
            Ok(p) => p,
            Err(e) => {
                stop_with_error(st, e);
                return false;
            }
        };
        let n = &mut st.news;
        n.points.push(BatchPoint { x: p.epochs_done(), loss: p.batch_loss, accuracy: p.batch_accuracy });
        n.samples_done += (p.samples - n.last.as_ref().filter(|l| l.epoch == p.epoch).map_or(0, |l| l.samples)) as u64;
        n.epoch_ends.extend(p.epoch_end.clone());
        let (finished, diverged) = (p.done, !p.batch_loss.is_finite());
        n.last = Some(p);
        if finished {
            st.running = false;
            return false;
        }
        if diverged {
            st.running = false;
            flush(st);
            let message = "the loss is no longer a finite number. Lower the learning rate or set a clip norm, then Reset.";
            post(&Event::Diverged { step: 0, message: message.into() });
            return false;
        }
        true
    })
}

/// Sends the batches trained since the last message, the speed and the time left.
pub fn flush(st: &mut State) {
    let n = &mut st.news;
    let samples_per_sec = n.speed.update(now_ms(), n.samples_done);
    let seconds_left = n.lesson.as_ref().and_then(|l| {
        let info = l.info();
        let total = (info.train_rows * info.epochs) as f64;
        (samples_per_sec > 0.0 && st.running).then(|| ((total - n.samples_done as f64).max(0.0) / samples_per_sec as f64) as f32)
    });
    post(&Event::NewsProgress {
        progress: n.last.clone(),
        points: std::mem::take(&mut n.points),
        epoch_ends: std::mem::take(&mut n.epoch_ends),
        samples_per_sec,
        seconds_left,
        running: st.running,
    });
}

/// Evaluates the model on the test set, unless it has not changed since the last evaluation.
pub fn test(st: &mut State) {
    let Some(lesson) = st.news.lesson.as_mut() else { return };
    let at = lesson.epochs_done();
    if at == 0.0 || st.news.tested_at == Some(at) {
        return;
    }
    let evaluation = lesson.evaluate_test(MISSES_SHOWN);
    st.news.tested_at = Some(at);
    let s = lesson.settings();
    let kept_epoch = (lesson.done() && s.restore_best && s.average_last <= 1).then(|| lesson.best_epoch()).flatten();
    post(&Event::NewsTested { evaluation, at_epoch: at, kept_epoch });
}
