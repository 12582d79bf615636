//! The sine and typed-sequence lessons in the worker: training in slices with the losses of every
//! step, evaluations (held-out predictions and free-running generation) now and then, and the
//! helper worker computing half of each batch where there is one.

use super::clock::{now_ms, SpeedMeter};
use super::engine_choice;
use super::lesson::Running;
use super::{activate, model_files, post, time_slice, State};
use crate::engine::backend::BackendLabel;
use crate::engine::backend::Workers;
use crate::engine::gpu::MAX_IN_FLIGHT;
use crate::i18n::{fill, t};
use crate::lesson::chain::{chain_error, Chain, ChainSource};
use crate::lesson::pacing::{Pacer, Trainable};
use crate::lesson::series::only_generation_differs;
use crate::lesson::{EvalJob, LessonError, SeriesLesson};
use crate::protocol::{Event, LossPoint, SeriesEvent};
use crate::settings::EngineChoice;
use crate::settings::Settings;

/// Evaluate at most this often, and never spend more than about 1/8 of the time evaluating.
const EVAL_MIN_INTERVAL_MS: f64 = 250.0;
const EVAL_COST_FACTOR: f64 = 8.0;

pub struct SeriesRun {
    lesson: SeriesLesson,
    pending: Vec<LossPoint>,
    speed: SpeedMeter,
    last_eval_ms: f64,
    eval_cost_ms: f64,
    /// An evaluation under way, done a slice at a time (the weights wait for it), and the
    /// milliseconds spent on it so far.
    eval: Option<(EvalJob, f64)>,
    /// Whether continuous training runs (steps in flight are then no reason to wait).
    training: bool,
    /// The step count last sent to the page, so a slice with nothing new sends nothing.
    posted_step: Option<u64>,
    /// Divergence was reported (the steps in flight behind it arrive without a second report).
    diverged: bool,
    /// Steps in flight at once, on an engine that never waits.
    pacer: Pacer,
    /// With engine auto: this experiment timed on the WebGPU engine, beside the CPU run.
    timer: engine_choice::Timer<SeriesLesson>,
    /// The engine failed outside a training slice (during an evaluation): the next slice stops.
    halt: bool,
}

/// Builds the experiment `settings` describe and makes it the active lesson; refused settings
/// leave the current one as it is.
pub fn configure(st: &mut State, settings: &Settings) {
    // Only how it generates changed: the run keeps its weights and generates anew. (The same
    // settings again are Reset: a fresh run.)
    if let Some(run) = st.active.as_mut().and_then(|a| a.as_any_mut().downcast_mut::<SeriesRun>()) {
        if run.lesson.settings != *settings && only_generation_differs(&run.lesson.settings, settings) {
            match run.lesson.set_generation(settings) {
                Ok(()) => {
                    post(SeriesEvent::Regenerated { info: run.lesson.info().clone(), settings: run.lesson.settings.clone() });
                    run.evaluate();
                    // The twin was generating the old way.
                    st.twin = None;
                }
                Err(e) => post(Event::Rejected { message: e.to_string() }),
            }
            return;
        }
    }
    match SeriesLesson::new(settings) {
        Ok(lesson) => install(st, lesson),
        Err(e) => post(Event::Rejected { message: e.to_string() }),
    }
}

/// Makes `lesson` the active one and tells the page.
fn install(st: &mut State, mut lesson: SeriesLesson) {
    // Another lesson was chosen: news settings waiting for their data are dropped.
    st.news.forget_pending();
    lesson.set_workers(st.workers());
    post(SeriesEvent::Configured { info: lesson.info().clone(), settings: lesson.settings.clone() });
    let mut run = SeriesRun {
        lesson,
        pending: Vec::new(),
        speed: SpeedMeter::default(),
        last_eval_ms: 0.0,
        eval_cost_ms: 0.0,
        eval: None,
        training: false,
        posted_step: None,
        diverged: false,
        pacer: Pacer::default(),
        timer: engine_choice::Timer::none(),
        halt: false,
    };
    // Its state as built (untrained, or the file's weights), as soon as it is evaluated.
    run.flush(false);
    run.evaluate();
    let choice = choose_engine(&mut run);
    activate(st, Box::new(run));
    if let Some((label, reason)) = choice {
        engine_choice::tell(label, reason);
    }
}

/// Opens a series model file in the sine or typed lesson: checked (`model_files::read`), it
/// becomes the experiment, its weights the starting point ([`SeriesLesson::from_file`]); a
/// refusal changes nothing.
pub fn open_model(st: &mut State, name: String, bytes: Vec<u8>, settings: Settings) {
    let result = model_files::read(bytes).and_then(|(file, model)| {
        SeriesLesson::from_file(&settings, &file, model).map_err(|e| match e {
            // What the file is refused for, without the setting's name before it.
            LessonError::Setting(e) if e.key == "model" => e.message,
            e => e.to_string(),
        })
    });
    match result {
        Ok(lesson) => {
            let model = lesson.info().model.clone();
            install(st, lesson);
            // The page keeps the file's weights (a worker that dies comes back with them).
            super::snapshot(st);
            let message = fill(t().worker.series_opened, &[("name", &crate::settings::shown(&name)), ("model", &model)]);
            post(SeriesEvent::ModelOpened { message });
        }
        Err(why) => post(SeriesEvent::ModelRefused { message: model_files::refusal(&name, &why) }),
    }
}

/// Sends the series lesson's model as a file, with its settings; `false` when the active lesson
/// is not a series one.
pub fn save_model(st: &mut State) -> bool {
    let Some(run) = st.active.as_mut().and_then(|a| a.as_any_mut().downcast_mut::<SeriesRun>()) else {
        return false;
    };
    if let Err(message) = model_files::ready_to_save(run.training, run.lesson.settled()) {
        post(SeriesEvent::ModelRefused { message });
        return true;
    }
    let s = &run.lesson.settings;
    let name = format!("unroll-{}-{}-{}.json", s.task, s.cell, s.units);
    post(SeriesEvent::ModelSaved { name, json: run.lesson.to_file().to_json() });
    true
}

/// With engine auto and a WebGPU adapter: the engine that trains `run`, by measured speed — from
/// an earlier timing of the same model, batch and length, or from a trial started now (the CPU
/// trains meanwhile: see `engine_choice.rs`). What the page should be told, when it is not the
/// plain announcement.
fn choose_engine(run: &mut SeriesRun) -> Option<(BackendLabel, String)> {
    let settings = run.lesson.settings.clone();
    let key = format!("{} · batch {} · window {}", run.lesson.info().model, settings.batch, run.lesson.info().window);
    match engine_choice::Auto::of(&settings, key) {
        engine_choice::Auto::No => None,
        engine_choice::Auto::Timed(timing) => Some(engine_choice::timed_earlier(timing, || {
            let on_gpu = Settings { engine: EngineChoice::Webgpu, ..settings.clone() };
            SeriesLesson::new(&on_gpu).and_then(|gpu| run.lesson.take_over(gpu.into_backend()))
        })),
        engine_choice::Auto::Trial(key) => {
            run.timer = engine_choice::Timer::under(key);
            Some((BackendLabel::cpu(), engine_choice::timed_at_train()))
        }
    }
}

impl Trainable for SeriesLesson {
    fn submit(&mut self) -> Result<(), String> {
        self.submit_step().map(|_| ()).map_err(|e| e.to_string())
    }

    fn arrived(&mut self) -> Result<usize, String> {
        self.arrived_steps().map(|a| a.len()).map_err(|e| e.to_string())
    }
}

impl SeriesRun {
    /// Takes the engine trial a turn further; on its verdict the faster engine trains from here.
    fn advance_trial(&mut self) {
        let lesson = &mut self.lesson;
        self.timer.advance(|gpu| lesson.take_over(gpu.into_backend()));
    }

    /// Starts evaluating the current weights (the worker's loop does it a slice at a time, once
    /// the engine's steps in flight are done).
    fn evaluate(&mut self) {
        self.eval = Some((self.lesson.begin_evaluation(), 0.0));
    }

    /// Keeps a step's loss for the next progress message; `false` when it diverged (said once).
    fn record(&mut self, out: crate::lesson::series::StepOutcome) -> bool {
        self.pending.push(LossPoint { step: out.step, loss: out.stats.loss, grad_norm: out.stats.grad_norm });
        match out.diverged {
            Some(message) => {
                if !self.diverged {
                    self.diverged = true;
                    self.flush(false);
                    post(SeriesEvent::Diverged { step: out.step, message });
                }
                false
            }
            None => true,
        }
    }

    /// Takes up the steps whose results came back (the WebGPU engine's, which never waits);
    /// `false` when training must stop (diverged, failed: the page was told).
    fn take_arrived(&mut self) -> bool {
        match self.lesson.arrived_steps() {
            Ok(outs) => {
                self.pacer.arrived(now_ms(), outs.len(), self.lesson.in_flight());
                // Every step is recorded, also those behind one that diverged.
                let mut going = true;
                for out in outs {
                    going &= self.record(out);
                }
                going
            }
            Err(e) => self.failed(e),
        }
    }

    /// Training stops on an engine error. When the engine failed for good (a lost WebGPU device),
    /// the experiment moves to the CPU engine from the weights last copied back, and the page
    /// says so; otherwise it shows the error.
    fn failed(&mut self, e: LessonError) -> bool {
        let salvaged = self.lesson.fall_back_to_cpu();
        if matches!(salvaged, Some(Ok(_))) {
            self.pacer = Pacer::default();
        }
        engine_choice::failed(e.to_string(), salvaged, engine_choice::Unit::Step, || {
            crate::i18n::fill(crate::i18n::t().engine.then_steps, &[("n", &self.lesson.step_count())])
        });
        // Training stops here, or at the next slice when this came during an evaluation.
        self.halt = true;
        false
    }
}

impl Running for SeriesRun {
    fn can_train(&self) -> bool {
        true
    }

    fn start(&mut self) {
        self.speed.restart(now_ms(), self.lesson.step_count());
        self.training = true;
        self.diverged = false;
        self.halt = false;
        let on_gpu = Settings { engine: EngineChoice::Webgpu, ..self.lesson.settings.clone() };
        self.timer.start(|| SeriesLesson::new(&on_gpu).map_err(|e| e.to_string()));
    }

    fn train(&mut self, max_steps: usize, budget_ms: f64) -> bool {
        if std::mem::take(&mut self.halt) || !self.take_arrived() {
            return false;
        }
        let mut going = true;
        time_slice(max_steps, budget_ms, || {
            // Enough submitted: the slice ends, and the results come in meanwhile.
            if self.lesson.in_flight() >= self.pacer.limit(MAX_IN_FLIGHT) {
                return false;
            }
            let t0 = now_ms();
            match self.lesson.submit_step() {
                Ok(Some(out)) => {
                    // The CPU engine's speed, for a WebGPU trial under way.
                    self.timer.cpu_step(now_ms() - t0);
                    going = self.record(out);
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

    fn flush(&mut self, running: bool) {
        self.training = running;
        if !running {
            self.pacer.stopped();
            self.timer.stopped();
        }
        let step = self.lesson.step_count();
        // A slice of a deferred engine may have nothing to say yet.
        if running && self.pending.is_empty() && self.posted_step == Some(step) {
            return;
        }
        self.posted_step = Some(step);
        let steps_per_sec = self.speed.update(now_ms(), step);
        let losses = std::mem::take(&mut self.pending);
        let in_flight = self.lesson.in_flight() as u32;
        post(SeriesEvent::Progress { step, losses, steps_per_sec, running, in_flight });
    }

    fn between_slices(&mut self) {
        self.advance_trial();
        if now_ms() - self.last_eval_ms >= EVAL_MIN_INTERVAL_MS.max(EVAL_COST_FACTOR * self.eval_cost_ms) {
            self.evaluate();
        }
    }

    fn settle(&mut self) {
        // The charts show the weights training stopped at (the last periodic evaluation may be
        // several hundred steps old).
        self.evaluate();
    }

    fn after_step(&mut self) {
        self.evaluate();
    }

    fn busy(&self) -> bool {
        self.eval.is_some() || (!self.training && self.lesson.in_flight() > 0)
    }

    fn work(&mut self, budget_ms: f64) {
        self.advance_trial();
        if self.lesson.in_flight() > 0 {
            // Steps submitted before training stopped (or before this evaluation, while it
            // runs): their losses still belong on the chart. Training that runs is still running:
            // `false` here told the page it had stopped (Pause became Train while the loop went
            // on) whenever the steps came back during an evaluation, as every one did when each
            // step took longer than the evaluations' interval (free-running on SwiftShader).
            let before = self.lesson.step_count();
            self.take_arrived();
            if self.lesson.step_count() != before {
                self.flush(self.training);
            }
        }
        // The evaluation reads the CPU copy of the weights, which must have every step.
        match self.lesson.settled() {
            Ok(true) => {}
            Ok(false) => return,
            Err(e) => {
                self.failed(e);
                // On the CPU now (or stopped): the evaluation reads what is left.
                if self.lesson.backend().label() == BackendLabel::Gpu {
                    self.eval = None;
                    return;
                }
            }
        }
        let Some((mut job, mut spent)) = self.eval.take() else { return };
        let t0 = now_ms();
        let outcome = loop {
            // A few windows at a time, so a slice ends close to its budget even for big models.
            match self.lesson.advance_evaluation(&mut job, 4) {
                Ok(None) if now_ms() - t0 < budget_ms => continue,
                other => break other,
            }
        };
        spent += now_ms() - t0;
        match outcome {
            Ok(None) => self.eval = Some((job, spent)),
            Ok(Some(e)) => {
                post(SeriesEvent::Evaluation(e));
                self.eval_cost_ms = spent;
                self.last_eval_ms = now_ms();
            }
            Err(e) => post(Event::Error { message: fill(t().worker.evaluation_failed, &[("error", &e)]) }),
        }
    }

    fn settings(&self) -> &Settings {
        &self.lesson.settings
    }

    fn steps(&self) -> u64 {
        self.lesson.step_count()
    }

    fn resume_at(&mut self, step: u64) {
        self.lesson.resume_at(step);
        // The page shows the step the weights were trained to.
        self.flush(false);
    }

    fn chain(&mut self, source: &ChainSource) -> Result<Chain, LessonError> {
        match source {
            ChainSource::Window { start } => self.lesson.chain(*start),
            _ => Err(chain_error(t().worker.chain_series_not_headlines.into())),
        }
    }

    fn backend(&mut self) -> &mut dyn crate::engine::backend::Backend {
        self.lesson.backend()
    }

    fn as_any_mut(&mut self) -> &mut dyn std::any::Any {
        self
    }
}

/// The helper worker's share, for a series lesson being built.
impl State {
    pub(super) fn workers(&self) -> Workers {
        self.helper.clone().map_or(Workers::Here, |h| Workers::Helper(h))
    }
}
