//! The page's state and the logic that changes it (leptos todomvc's `impl Todos` habit): the
//! components read signals from [`Store`] and call its methods; only `Store` talks to the worker.

use std::collections::BTreeMap;
use std::rc::Rc;

use leptos::prelude::*;

mod bridge;
mod files;
mod news;
pub mod url;
mod views;

use crate::app::history::LossHistory;
use crate::engine::backend::BackendLabel;
use crate::i18n::{fill, t};
use crate::lesson::{Evaluation, SeriesInfo};
use crate::protocol::{Command, Event, NewsEvent, SeriesEvent, Weights};
use crate::settings::{Part, Settings, Task};
use bridge::WorkerBridge;
pub use files::{download, file_bytes};
pub use news::{HeadlineReading, Loading, NewsState, Pretrained, Tested};
pub use views::{ChainState, View, WordLookup};

/// Where the current run is.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct RunState {
    pub step: u64,
    pub loss: Option<f32>,
    pub steps_per_sec: f32,
    pub running: bool,
    /// Steps (batches) submitted to the WebGPU engine whose results are not back yet.
    pub in_flight: u32,
    /// Whether the worker's last progress said it was training (`running` changes at once
    /// when Train or Pause is pressed).
    pub worker_running: bool,
    /// The worker has an experiment (Train and Step can be used).
    pub configured: bool,
    /// How many experiments the worker has built for this page (each reset counts).
    pub experiment: u64,
}

/// A message across the top of the page.
#[derive(Clone, Debug, PartialEq)]
pub enum Notice {
    /// Training stopped because the loss diverged (with the worker's advice).
    Diverged(String),
    /// Something failed; the message says what.
    Error(String),
    /// Something the student should know that needs no action (title, message).
    Info(&'static str, String),
    /// Parts of the URL were not understood.
    Url(Vec<String>),
}

#[derive(Clone, Copy)]
pub struct Store {
    /// The settings of the current experiment (what the URL shows).
    pub settings: RwSignal<Settings>,
    pub run: RwSignal<RunState>,
    pub history: RwSignal<LossHistory>,
    pub info: RwSignal<Option<SeriesInfo>>,
    pub eval: RwSignal<Option<Evaluation>>,
    pub backend: RwSignal<Option<BackendLabel>>,
    /// Why the experiment trains on that engine (chosen, no adapter, …).
    pub engine_reason: RwSignal<Option<String>>,
    /// Workers computing each series training step (2 with the helper worker).
    pub workers: RwSignal<usize>,
    pub notice: RwSignal<Option<Notice>>,
    /// The lesson on show (set at once when chosen; `settings.task` follows when the worker has
    /// built the experiment).
    pub lesson: RwSignal<Task>,
    pub news: NewsState,
    /// The view on show and the unrolled chain.
    pub views: ChainState,
    /// The settings each family of lessons (series, news) had when the student left it.
    saved: StoredValue<BTreeMap<Part, Settings>>,
    bridge: StoredValue<Option<Rc<WorkerBridge>>, LocalStorage>,
    /// The last weights the worker sent, and their step: a restarted worker takes them up.
    snapshot: StoredValue<Option<(u64, Weights)>>,
    /// When the worker was restarted within the last minute (a worker that keeps dying is not
    /// restarted forever).
    restarts: StoredValue<Vec<f64>>,
    /// The experiment on show took up the weights of a worker that died (until a new one starts).
    pub restored: RwSignal<bool>,
    /// The series experiment's twin ("Why does it drift?"), as the worker last reported it.
    pub twin: RwSignal<Option<TwinState>>,
    /// What the series lessons' model files did last (saved, opened: `Ok`; refused: `Err`).
    pub series_file: RwSignal<Option<Result<String, String>>>,
    /// Series model files opened so far (the typed box takes an opened file's sequence).
    pub files_opened: RwSignal<u32>,
    /// How the page is embedded (its link's `embed`, `show`, `autostart`, `origins`).
    pub embed: StoredValue<crate::app::embed::EmbedOptions>,
}

/// The twin of a series experiment, trained with another recipe: which, its steps so far and to go, its
/// evaluation once done, and why it stopped early or could not start.
#[derive(Clone, Debug, PartialEq)]
pub struct TwinState {
    pub recipe: crate::lesson::twin::Recipe,
    pub step: u64,
    pub target: u64,
    pub evaluation: Option<Evaluation>,
    pub message: Option<String>,
}

/// Restarts within [`RESTART_WINDOW_MS`] after which the page stops restarting the worker.
const MAX_RESTARTS: usize = 3;
const RESTART_WINDOW_MS: f64 = 60_000.0;

impl Store {
    /// The page's store, as `App` provided it (every component below it reads it from there).
    pub fn from_context() -> Store {
        expect_context::<Store>()
    }

    /// Reads the URL, starts the worker and configures the first experiment.
    pub fn start() -> Store {
        // The page's language is chosen there, before the link's messages are written.
        let (settings, embed, problems) = url::read();
        let store = Store {
            settings: RwSignal::new(settings.clone()),
            run: RwSignal::new(RunState::default()),
            history: RwSignal::new(LossHistory::default()),
            info: RwSignal::new(None),
            eval: RwSignal::new(None),
            backend: RwSignal::new(None),
            engine_reason: RwSignal::new(None),
            workers: RwSignal::new(1),
            notice: RwSignal::new(None),
            lesson: RwSignal::new(settings.task),
            news: NewsState::new(),
            views: ChainState::new(),
            saved: StoredValue::new(BTreeMap::new()),
            bridge: StoredValue::new_local(None),
            snapshot: StoredValue::new(None),
            restarts: StoredValue::new(Vec::new()),
            restored: RwSignal::new(false),
            twin: RwSignal::new(None),
            series_file: RwSignal::new(None),
            files_opened: RwSignal::new(0),
            embed: StoredValue::new(embed),
        };
        if !problems.is_empty() {
            store.notice.set(Some(Notice::Url(problems.iter().map(|p| p.to_string()).collect())));
        }
        store.boot(settings);
        store
    }

    /// Starts a worker and has it build the experiment `settings` describe (and, for the news
    /// lesson, load the pretrained headline model).
    fn boot(&self, settings: Settings) {
        let store = *self;
        match WorkerBridge::spawn(move |ev| store.on_event(ev), move |why| store.restart(why)) {
            Ok(b) => self.bridge.set_value(Some(b)),
            Err(e) => self.notice.set(Some(Notice::Error(e))),
        }
        // First: what the worker says (the engine line, its messages) is in the page's language.
        self.send(Command::Language { lang: crate::i18n::lang().code().to_string() });
        if settings.task == Task::Agnews {
            self.request_pretrained();
        }
        self.send(Command::Configure { settings });
        // A new worker traces nothing until asked.
        self.request_chain();
    }

    /// The worker died: a new one takes up the experiment's settings and the last weights the old
    /// one sent, and the page says so (after a few deaths in a row, it asks for a reload instead).
    fn restart(&self, why: String) {
        self.bridge.set_value(None);
        self.run_stopped();
        self.run.update(|r| r.configured = false);
        self.backend.set(None);
        self.engine_reason.set(None);
        self.workers.set(1);
        let now = js_sys::Date::now();
        self.restarts.update_value(|t| t.retain(|&at| now - at < RESTART_WINDOW_MS));
        let recent = self.restarts.with_value(Vec::len);
        if recent >= MAX_RESTARTS {
            self.notice.set(Some(Notice::Error(fill(t().settings.restart_failed, &[("n", &(recent + 1)), ("why", &why)]))));
            return;
        }
        self.restarts.update_value(|t| t.push(now));
        // The new worker has no pretrained model yet.
        self.news.pretrained_requested.set(false);
        self.boot(self.settings.get_untracked());
        let kept = self.snapshot.get_value();
        let with = match kept {
            Some((step, weights)) => {
                self.send(Command::Restore { weights, step });
                self.restored.set(true);
                // The headline box keeps reading with the student's model, now restored.
                if self.news.reader.get_untracked() == crate::protocol::Reader::Trained {
                    self.news.reader_chosen.set(true);
                }
                fill(t().settings.restarted_weights, &[("step", &step)])
            }
            None => String::new(),
        };
        self.notice.set(Some(Notice::Info(t().settings.restarted_title, fill(t().settings.restarted, &[("why", &why), ("with", &with)]))));
    }

    /// Settings to start `task` from: the current ones if they belong to the same family of
    /// lessons, else those the family had when it was left, else its defaults.
    pub fn base_for(&self, task: Task) -> Settings {
        let current = self.settings.get_untracked();
        if current.task.part() == task.part() {
            return Settings { task, ..current };
        }
        match self.saved.with_value(|saved| saved.get(&task.part()).cloned()) {
            Some(s) => Settings { task, ..s },
            None => Settings::defaults_for(task),
        }
    }

    /// Shows lesson `task` and starts its experiment (the typed lesson waits for a valid sequence).
    pub fn choose_lesson(&self, task: Task) {
        if self.lesson.get_untracked() == task {
            return;
        }
        let current = self.settings.get_untracked();
        self.saved.update_value(|saved| {
            saved.insert(current.task.part(), current);
        });
        self.lesson.set(task);
        // Train and Step wait for the new lesson's experiment (the news lesson's, for its data).
        self.run.set(RunState::default());
        if task == Task::Agnews {
            self.request_pretrained();
        }
        if task != Task::Typed {
            let next = self.base_for(task);
            // The settings column shows what is being built at once (the news lesson's first
            // build waits for its data, and showed the sine's Units 100 under SimpleRNN(16)).
            self.settings.set(next.clone());
            self.apply(next);
        }
    }

    /// Loads the pretrained headline model (once).
    pub fn request_pretrained(&self) {
        if !self.news.pretrained_requested.get_untracked() {
            self.news.pretrained_requested.set(true);
            self.send(Command::LoadPretrained);
        }
    }

    pub fn send(&self, cmd: Command) {
        self.bridge.with_value(|b| {
            if let Some(b) = b {
                b.send(cmd)
            }
        });
    }

    /// Starts a new experiment with `settings` (already validated by the caller).
    pub fn apply(&self, settings: Settings) {
        self.restored.set(false);
        self.send(Command::Configure { settings });
    }

    pub fn toggle_training(&self) {
        let r = self.run.get_untracked();
        if !r.configured {
            return;
        }
        if r.running {
            self.send(Command::Pause);
        } else {
            if matches!(self.notice.get_untracked(), Some(Notice::Diverged(_))) {
                self.notice.set(None);
            }
            self.send(Command::Train);
        }
        // Show the new state at once; the worker confirms with its next progress message.
        self.run.update(|r| r.running = !r.running);
    }

    pub fn step(&self) {
        if !self.run.get_untracked().running {
            self.send(Command::Step);
        }
    }

    pub fn reset(&self) {
        self.restored.set(false);
        self.send(Command::Reset);
    }

    /// A new experiment replaces a divergence or error message (not a note about the URL).
    fn clear_problem_notice(&self) {
        if matches!(self.notice.get_untracked(), Some(Notice::Diverged(_) | Notice::Error(_))) {
            self.notice.set(None);
        }
    }

    /// Every event the worker sends, matched case by case (a new one cannot slip by unhandled).
    fn on_event(&self, ev: Event) {
        match ev {
            // The adapter (or why there is none) comes again with each experiment's engine line.
            Event::Ready { backend, .. } => self.backend.set(Some(backend)),
            Event::Engine { backend, reason } => {
                self.backend.set(Some(backend));
                self.engine_reason.set(Some(reason));
            }
            Event::Workers { count } => {
                let before = self.workers.get_untracked();
                self.workers.set(count);
                // The "2 workers" label goes; say why, once, unless a problem is on show.
                let busy = matches!(self.notice.get_untracked(), Some(Notice::Diverged(_) | Notice::Error(_)));
                if before > 1 && count == 1 && !busy {
                    self.notice.set(Some(Notice::Info(t().settings.one_worker_title, t().settings.helper_lost.to_string())));
                }
            }
            Event::Rejected { message } => {
                let task = self.settings.with_untracked(|s| s.task);
                if self.run.with_untracked(|r| r.configured) || task == Task::Typed {
                    self.notice.set(Some(Notice::Error(message)));
                } else {
                    // A link whose experiment cannot be built (too big for this engine) still
                    // opens a page to work in: the lesson's defaults, and a note saying why.
                    let mut items = match self.notice.get_untracked() {
                        Some(Notice::Url(items)) => items,
                        _ => Vec::new(),
                    };
                    items.push(fill(t().settings.link_experiment, &[("message", &message)]));
                    self.notice.set(Some(Notice::Url(items)));
                    self.send(Command::Configure { settings: Settings::defaults_for(task) });
                }
            }
            Event::EngineLost { message } => {
                self.run_stopped();
                self.notice.set(Some(Notice::Info(t().settings.gpu_lost_title, message)));
            }
            Event::Error { message } => {
                self.run_stopped();
                self.notice.set(Some(Notice::Error(message)));
            }
            // Benchmarks are run by `cargo xtask bench browser` on a worker of its own.
            Event::Bench { .. } => {}
            Event::Snapshot { step, weights } => self.snapshot.set_value(Some((step, weights))),
            Event::Chain { chain, cost_ms } => self.on_chain(*chain, cost_ms),
            Event::ChainUnavailable { message } => self.on_chain_unavailable(message),
            Event::Vanishing { settings, picture, cost_ms } => self.on_vanishing(settings, *picture, cost_ms),
            Event::VanishingRefused { message } => self.on_vanishing_refused(message),
            Event::Series { event } => self.on_series(event),
            Event::News { event } => self.on_news(event),
        }
    }

    fn on_series(&self, ev: SeriesEvent) {
        match ev {
            SeriesEvent::Configured { info, settings } => {
                if self.left_behind(&settings) {
                    return;
                }
                // Before `configured`: the unrolled view's default window is read from it.
                self.info.set(Some(info));
                self.configured(settings);
                self.history.update(|h| h.clear());
                self.eval.set(None);
                self.twin.set(None);
            }
            SeriesEvent::ModelOpened { message } => {
                // A file saved in the typed lesson opens there, whichever series lesson is shown.
                self.lesson.set(self.settings.get_untracked().task);
                self.files_opened.update(|n| *n += 1);
                self.series_file.set(Some(Ok(message)));
            }
            SeriesEvent::ModelSaved { name, json } => {
                download(&name, "application/json", &json);
                self.series_file.set(Some(Ok(fill(t().news.saved_model, &[("name", &name)]))));
            }
            SeriesEvent::ModelRefused { message } => self.series_file.set(Some(Err(message))),
            SeriesEvent::Regenerated { info, settings } => {
                url::write(&settings);
                self.info.set(Some(info));
                self.settings.set(settings);
                self.twin.set(None);
                self.clear_problem_notice();
            }
            SeriesEvent::Progress { step, losses, steps_per_sec, running, in_flight } => {
                if !losses.is_empty() {
                    self.history.update(|h| h.push_train(&losses));
                }
                self.run.update(|r| {
                    r.step = step;
                    if let Some(l) = losses.last() {
                        r.loss = Some(l.loss);
                    }
                    // The speed of the last stretch of continuous training stays on show after Pause.
                    if running && steps_per_sec > 0.0 {
                        r.steps_per_sec = steps_per_sec;
                    }
                    r.running = running;
                    r.in_flight = in_flight;
                    r.worker_running = running;
                });
            }
            SeriesEvent::Evaluation(e) => {
                self.history.update(|h| h.push_heldout(e.step, e.heldout_loss));
                self.eval.set(Some(e));
            }
            SeriesEvent::Diverged { message, .. } => self.diverged(message),
            SeriesEvent::Twin { recipe, step, target, evaluation, message } => {
                self.twin.set(Some(TwinState { recipe, step, target, evaluation, message }))
            }
        }
    }

    fn on_news(&self, ev: NewsEvent) {
        let news = &self.news;
        match ev {
            NewsEvent::Configured { info, settings } => {
                if self.left_behind(&settings) {
                    return;
                }
                self.configured(settings);
                news.configured(info);
            }
            NewsEvent::Progress { progress, points, epoch_ends, samples_per_sec, seconds_left, running, in_flight } => {
                self.run.update(|r| {
                    r.running = running;
                    r.in_flight = in_flight;
                    r.worker_running = running;
                });
                news.progress(progress, &points, &epoch_ends, samples_per_sec, seconds_left);
            }
            NewsEvent::Diverged { message } => self.diverged(message),
            NewsEvent::DataLoading { what, loaded, total } => news.loading.set(Some(Loading { what, loaded, total })),
            NewsEvent::DataLoaded { summary } => news.data_loaded(summary),
            NewsEvent::DataRejected { message } => news.data_rejected(message),
            NewsEvent::UploadWanted { name } => news.upload_wanted.set(Some(name)),
            NewsEvent::Tested { evaluation, at_epoch, kept_epoch } => news.tested(Tested { evaluation, at_epoch, kept_epoch }),
            NewsEvent::PretrainedReady { model, about, file, .. } => {
                if let Some(name) = &file {
                    news.model_file.set(Some(Ok(fill(t().news.opened_model, &[("name", name), ("model", &model)]))));
                    news.reader.set(crate::protocol::Reader::Pretrained);
                    // The chain shows the opened model from now on.
                    self.request_chain();
                }
                news.pretrained.set(Some(Pretrained { model, about, file }));
            }
            NewsEvent::ModelSaved { name, json } => {
                download(&name, "application/json", &json);
                news.model_file.set(Some(Ok(fill(t().news.saved_model, &[("name", &name)]))));
            }
            NewsEvent::ModelRefused { message } => news.model_file.set(Some(Err(message))),
            NewsEvent::Reading { text, reader, classes, reading } => {
                news.reading.set(Some(HeadlineReading { text, reader, classes, reading }))
            }
            NewsEvent::WordMap { reader, map, tsne } => self.on_word_map(reader, map, tsne),
            NewsEvent::WordMapRefused { message } => self.views.map_message.set(Some(message)),
            NewsEvent::WordLookup { word, info, message } => self.views.lookup.set(Some(WordLookup { word, info, message })),
        }
    }

    /// A new experiment of either lesson is in place: its settings go to the URL.
    /// Whether `settings` built a lesson the student has since left (the sine lesson's first
    /// build can answer after a switch to the news lesson): its answer must not put that
    /// lesson's settings (Units 100) in the news settings column.
    fn left_behind(&self, settings: &Settings) -> bool {
        settings.task.part() != self.lesson.get_untracked().part()
    }

    fn configured(&self, settings: Settings) {
        // The weights kept belong to the experiment that was replaced.
        self.snapshot.set_value(None);
        url::write(&settings);
        self.settings.set(settings);
        self.chain_after_configure();
        let experiment = self.run.with_untracked(|r| r.experiment) + 1;
        self.run.set(RunState { configured: true, experiment, ..RunState::default() });
        self.clear_problem_notice();
    }

    /// Training stopped without the worker's word (an error, a lost GPU or worker).
    fn run_stopped(&self) {
        self.run.update(|r| {
            r.running = false;
            r.worker_running = false;
            r.in_flight = 0;
        });
    }

    fn diverged(&self, message: String) {
        self.run_stopped();
        self.notice.set(Some(Notice::Diverged(message)));
    }
}
