//! The news lesson in the worker: its data (bundled, from a URL or uploaded), the experiment,
//! training in time slices with progress, the test evaluation, and the headline reader (the
//! pretrained model or the one being trained).

use std::cell::RefCell;
use std::rc::Rc;

use super::clock::{now_ms, SpeedMeter};
use super::engine_choice::{self, Auto};
use super::fetch::{fetch_bytes, BUNDLE_CACHE};
use super::lesson::Running;
use super::{activate, model_files, post, time_slice, State};
use crate::data::labeled_csv::MAX_BYTES;
use crate::engine::backend::{BackendKind, BackendLabel};
use crate::engine::gpu::MAX_IN_FLIGHT;
use crate::i18n::{fill, t};
use crate::lesson::chain::{chain_error, Chain, ChainSource};
use crate::lesson::news::{EngineTrial, NewsData, NewsLesson, Progress, TestJob, TextClassifier, WordTable, WordsError};
use crate::lesson::news_source::{self, DataSummary, BUNDLE_TEST, BUNDLE_TRAIN, PRETRAINED_MODEL};
use crate::lesson::pacing::{Pacer, TRIAL_STEPS};
use crate::lesson::LessonError;
use crate::model_file::ModelFile;
use crate::protocol::{BatchPoint, DataSource, Event, NewsEvent, Reader};
use crate::settings::{Settings, UPLOAD_PREFIX};

/// Misclassified test items sent to the page.
const MISSES_SHOWN: usize = 60;
/// The batches of the run an engine trial cycles through.
const TRIAL_BATCHES: usize = TRIAL_STEPS + 2;

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
    /// The model file opened last, and its name (to be trained further).
    opened: Option<(String, ModelFile)>,
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
    /// Whether continuous training runs (batches in flight are then no reason to wait).
    training: bool,
    /// Divergence was reported (the batches in flight behind it arrive without a second report).
    diverged: bool,
    /// Batches in flight at once, on an engine that never waits.
    pacer: Pacer,
    /// With engine auto: the model timed on the WebGPU engine beside the CPU run.
    timer: engine_choice::Timer<EngineTrial>,
    /// The engine failed outside a training slice: the next slice stops.
    halt: bool,
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
        training: false,
        diverged: false,
        pacer: Pacer::default(),
        timer: engine_choice::Timer::none(),
        halt: false,
    };
    run.flush(false);
    let choice = choose_engine(&mut run);
    activate(st, Box::new(run));
    if let Some((label, reason)) = choice {
        engine_choice::tell(label, reason);
    }
}

/// With engine auto and a WebGPU adapter: the engine that trains `run`, by measured speed (as for
/// the series lessons: see `engine_choice.rs`). What the page should be told, when it is not the
/// plain announcement.
fn choose_engine(run: &mut NewsRun) -> Option<(BackendLabel, String)> {
    let s = run.lesson.settings();
    let length = if s.max_len > 0 { format!("max-len {}", s.max_len) } else { format!("bucket {}", s.bucket) };
    let key = format!("{} · batch {} · {length}", run.lesson.info().model, s.batch);
    match Auto::of(s, key) {
        Auto::No => None,
        Auto::Timed(timing) => Some(engine_choice::timed_earlier(timing, || {
            let gpu = run.lesson.backend_on(BackendKind::Gpu)?;
            run.lesson.take_over(gpu)
        })),
        Auto::Trial(key) => {
            run.timer = engine_choice::Timer::under(key);
            Some((BackendLabel::cpu(), engine_choice::timed_at_train()))
        }
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
            post(NewsEvent::DataLoading { what: fill(t().worker.reading, &[("name", &"AG News")]), loaded: 0, total: None });
            news_source::bundled(train, test, cached_train && cached_test)
        }
        DataSource::Url { url } => {
            news_source::check_url(&url)?;
            let name = news_source::url_name(&url);
            let (bytes, _) = fetch_bytes(&url, MAX_BYTES as u64, None, true, &loading(&name)).await.map_err(|e| e.message(&url))?;
            post(NewsEvent::DataLoading { what: fill(t().worker.reading, &[("name", &name)]), loaded: 0, total: None });
            news_source::user_file(&name, bytes)
        }
        DataSource::Upload { name, bytes } => {
            post(NewsEvent::DataLoading { what: fill(t().worker.reading, &[("name", &name)]), loaded: 0, total: None });
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
        // A model file the student opened meanwhile stays.
        if st.news.pretrained.is_some() {
            return;
        }
        match result {
            Ok(p) => {
                post(ready(&p));
                st.news.pretrained = Some(p);
            }
            Err(e) => post(Event::Error { message: fill(t().worker.pretrained_failed, &[("error", &e)]) }),
        }
    });
}

fn ready(p: &TextClassifier) -> NewsEvent {
    NewsEvent::PretrainedReady { model: p.model.spec.one_line(), about: p.about.clone(), classes: p.classes.clone(), file: None }
}

/// Sends the news lesson's model as a file, once its weights are all back (the WebGPU engine's
/// copy); refused while it trains.
pub fn save_model(st: &mut State) {
    let Some(run) = active(&mut st.active) else {
        post(NewsEvent::ModelRefused { message: t().worker.nothing_to_save.into() });
        return;
    };
    if let Err(message) = model_files::ready_to_save(run.training, run.lesson.settled()) {
        post(NewsEvent::ModelRefused { message });
        return;
    }
    let settings = run.lesson.settings().clone();
    let mut file = run.lesson.to_file();
    file.about =
        Some(fill(t().worker.news_about, &[("epochs", &format!("{:.2}", run.lesson.epochs_done())), ("settings", &settings.to_query())]));
    post(NewsEvent::ModelSaved { name: format!("unroll-news-{}-{}.json", settings.cell, settings.units), json: file.to_json() });
}

/// Opens a model file the student chose: checked against the model-file budget (a stranger's
/// file cannot make the worker allocate what it claims), it becomes the second reader.
pub fn open_model(st: &mut State, name: String, bytes: Vec<u8>) {
    let refuse = |why: String| post(NewsEvent::ModelRefused { message: model_files::refusal(&name, &why) });
    let result = model_files::read(bytes).and_then(|(file, _)| {
        if file.vectorizer.is_none() {
            return Err(crate::i18n::t().worker.news_needs_vectorizer.into());
        }
        let reader = TextClassifier::from_file(&file).map_err(|e| e.to_string())?;
        Ok((file, reader))
    });
    match result {
        Ok((file, p)) => {
            post(NewsEvent::PretrainedReady {
                model: p.model.spec.one_line(),
                about: p.about.clone(),
                classes: p.classes.clone(),
                file: Some(name.clone()),
            });
            st.news.pretrained = Some(p);
            st.news.pretrained_loading = false;
            st.news.opened = Some((name, file));
        }
        Err(why) => refuse(why),
    }
}

/// Trains the model file opened last further on the loaded headlines (its architecture, these
/// settings' data, optimizer and epochs), or says why not and changes nothing.
pub fn train_opened(st: &mut State, settings: Settings) {
    let refuse = |why: String| post(NewsEvent::ModelRefused { message: why });
    let (Some((name, file)), Some(data)) = (st.news.opened.as_ref(), st.news.data.as_ref()) else {
        return refuse(if st.news.opened.is_none() { t().worker.open_first.into() } else { t().worker.headlines_loading.into() });
    };
    match NewsLesson::further(&settings, data, file, name) {
        Ok(lesson) => install(st, lesson),
        Err(e) => refuse(fill(t().worker.cannot_train_further, &[("name", &crate::settings::shown(name)), ("error", &e)])),
    }
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
        (ChainSource::Headline { text }, _) => (text.clone(), None, t().data.chain_caption_typed.to_string()),
        (ChainSource::TestExample { .. }, Some(run)) => run.lesson.chain_input(source)?,
        _ => return Err(chain_error(t().worker.chain_pretrained_headlines.into())),
    };
    let Some(p) = st.news.pretrained.as_mut() else {
        return Err(chain_error(t().worker.pretrained_loading.into()));
    };
    let chain = p.chain(&text, truth)?;
    Ok(Chain { source: source.clone(), caption: fill(t().worker.chain_read_by_pretrained, &[("caption", &caption)]), ..chain })
}

impl NewsRun {
    /// Starts evaluating the model on the test set (a slice at a time, in the worker's loop, once
    /// the engine's batches in flight are done), unless it has not changed since the last one.
    fn test(&mut self) {
        let at = self.lesson.epochs_done();
        if at == 0.0 || self.tested_at == Some(at) || self.testing.as_ref().is_some_and(|(_, a)| *a == at) {
            return;
        }
        self.testing = Some((self.lesson.begin_test(MISSES_SHOWN), at));
    }

    /// Takes the engine trial a turn further; on its verdict the faster engine trains from here.
    fn advance_trial(&mut self) {
        let lesson = &mut self.lesson;
        self.timer.advance(|gpu| lesson.take_over(gpu.into_backend()));
    }

    /// Keeps a batch's progress for the next message; `false` when training ends with it (the
    /// last epoch ended, or the loss diverged: said once).
    fn record(&mut self, p: Progress) -> bool {
        self.steps += 1;
        self.points.push(BatchPoint { x: p.epochs_done(), loss: p.batch_loss, accuracy: p.batch_accuracy, grad_norm: p.batch_grad_norm });
        self.samples_done += (p.samples - self.last.as_ref().filter(|l| l.epoch == p.epoch).map_or(0, |l| l.samples)) as u64;
        self.epoch_ends.extend(p.epoch_end.clone());
        let (finished, diverged) = (p.done, !p.batch_loss.is_finite());
        self.last = Some(p);
        if finished {
            self.test();
        }
        if diverged && !self.diverged {
            self.diverged = true;
            self.flush(false);
            let message = "the loss is no longer a finite number. Lower the learning rate or set a clip norm, then Reset.";
            post(NewsEvent::Diverged { message: message.into() });
        }
        !finished && !diverged
    }

    /// Takes up the batches whose results came back (the WebGPU engine's, which never waits);
    /// `false` when training must stop (finished, diverged, failed).
    fn take_arrived(&mut self) -> bool {
        match self.lesson.arrived_batches() {
            Ok(arrived) => {
                self.pacer.arrived(now_ms(), arrived.len(), self.lesson.in_flight());
                // Every batch is recorded, also those behind one that diverged.
                let mut going = true;
                for p in arrived {
                    going &= self.record(p);
                }
                going
            }
            Err(e) => self.failed(e),
        }
    }

    /// Training stops on an engine error; after a lost WebGPU device the run goes on on the CPU
    /// engine from the weights last copied back (see `engine_choice::failed`).
    fn failed(&mut self, e: crate::lesson::LessonError) -> bool {
        let salvaged = self.lesson.fall_back_to_cpu();
        if matches!(salvaged, Some(Ok(_))) {
            self.pacer = Pacer::default();
        }
        engine_choice::failed(e.to_string(), salvaged, engine_choice::Unit::Batch, || crate::i18n::t().engine.then_batches.into());
        self.halt = true;
        false
    }
}

impl Running for NewsRun {
    fn can_train(&self) -> bool {
        !self.lesson.done()
    }

    fn start(&mut self) {
        self.speed.restart(now_ms(), self.samples_done);
        self.training = true;
        self.diverged = false;
        self.halt = false;
        let lesson = &self.lesson;
        self.timer.start(|| lesson.trial(BackendKind::Gpu, TRIAL_BATCHES).map_err(|e| e.to_string()));
    }

    /// Trains up to `max_batches` batches or `budget_ms` milliseconds (on an engine that never
    /// waits: submits them, as many as the pacer allows in flight).
    fn train(&mut self, max_batches: usize, budget_ms: f64) -> bool {
        if std::mem::take(&mut self.halt) || !self.take_arrived() || self.lesson.done() {
            return false;
        }
        let mut going = true;
        time_slice(max_batches, budget_ms, || {
            // An epoch's end waits for its last batch, or enough are in flight: the slice ends.
            if !self.lesson.can_submit() || self.lesson.in_flight() >= self.pacer.limit(MAX_IN_FLIGHT) {
                return false;
            }
            let t0 = now_ms();
            match self.lesson.submit_batch() {
                Ok(Some(p)) => {
                    // The CPU engine's speed, for a WebGPU trial under way.
                    self.timer.cpu_step(now_ms() - t0);
                    going = self.record(p);
                    going
                }
                Ok(None) => {
                    self.pacer.submitted(now_ms());
                    true
                }
                Err(e) => {
                    going = false;
                    self.failed(e)
                }
            }
        });
        going
    }

    /// Sends the batches trained since the last message, the speed and the time left.
    fn flush(&mut self, running: bool) {
        self.training = running;
        if !running {
            self.pacer.stopped();
            self.timer.stopped();
        }
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
            in_flight: self.lesson.in_flight() as u32,
        });
    }

    fn between_slices(&mut self) {
        self.advance_trial();
    }

    fn settle(&mut self) {
        self.test();
    }

    fn after_step(&mut self) {
        if self.lesson.done() {
            self.test();
        }
    }

    fn busy(&self) -> bool {
        self.testing.is_some() || (!self.training && self.lesson.in_flight() > 0)
    }

    fn work(&mut self, budget_ms: f64) {
        self.advance_trial();
        if self.lesson.in_flight() > 0 {
            // Batches submitted before training stopped (or before this test, while it runs):
            // their progress still belongs on the chart, and running training is still running.
            let before = self.steps;
            self.take_arrived();
            if self.steps != before {
                self.flush(self.training);
            }
        }
        if self.testing.is_none() {
            return;
        }
        // The evaluation reads the CPU copy of the weights, which must have every batch.
        match self.lesson.settled() {
            Ok(true) => {}
            Ok(false) => return,
            Err(e) => {
                self.failed(e);
                if self.lesson.backend().label() == BackendLabel::Gpu {
                    self.testing = None;
                    return;
                }
            }
        }
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
