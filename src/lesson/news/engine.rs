//! The news lesson and its engine: moving a run to another engine (the faster one, once timed;
//! the CPU one, when the WebGPU device is lost) and the throwaway copy an engine is timed on.

use super::{bucket, schedule, NewsLesson};
use crate::data::batches::{plan_epoch, Batch};
use crate::engine::backend::{self, hand_over, Backend, BackendKind, Setup};
use crate::engine::{Input, InputData, Model, Targets};
use crate::lesson::pacing::Trainable;
use crate::lesson::LessonError;

impl NewsLesson {
    /// A fresh engine of `kind` for this lesson's model (its initial weights), optimiser and
    /// schedule (to take the run over: [`NewsLesson::take_over`]).
    pub fn backend_on(&self, kind: BackendKind) -> Result<Box<dyn Backend>, LessonError> {
        let s = &self.settings;
        let setup = Setup {
            model: Model::new(self.info.spec.clone(), s.seed)?,
            optimizer: s.optimizer_spec(),
            clipping: s.clip(),
            schedule: schedule(s, self.info.batches_per_epoch),
            seed: s.seed,
        };
        Ok(backend::create(kind, setup)?)
    }

    /// `backend` trains the lesson from here, from its weights and optimiser state. Only between
    /// steps (nothing in flight).
    pub fn take_over(&mut self, mut backend: Box<dyn Backend>) -> Result<(), LessonError> {
        debug_assert_eq!(self.in_flight(), 0, "an engine is taken over between steps");
        hand_over(self.backend.as_ref(), backend.as_mut())?;
        self.backend = backend;
        Ok(())
    }

    /// After the engine failed for good (a lost WebGPU device): training goes on on the CPU engine
    /// from the weights it last copied back. The batches whose results never came are trained
    /// again; the number of those that came but are not in the weights is returned (their updates
    /// are lost). `None` when the engine cannot be salvaged so. The optimiser starts again (its
    /// moments and its place in the schedule).
    pub fn fall_back_to_cpu(&mut self) -> Option<Result<u64, LessonError>> {
        let (weights, lost) = self.backend.salvage()?;
        Some(self.backend_on(BackendKind::Cpu).and_then(|mut cpu| {
            cpu.load_weights(&weights)?;
            let never_came = self.in_flight.len();
            if never_came > 0 {
                self.in_flight.clear();
                self.next -= never_came;
                self.closing = false;
            }
            self.backend = cpu;
            Ok(lost)
        }))
    }

    /// A throwaway copy of the model on the engine `kind`, to be timed on the batches this run
    /// trains next (see `lesson/pacing.rs`).
    pub fn trial(&self, kind: BackendKind, batches: usize) -> Result<EngineTrial, LessonError> {
        let upcoming: Vec<Vec<usize>> = if self.next < self.plan.len() {
            self.plan[self.next..].to_vec()
        } else {
            plan_epoch(&self.train.lengths(), self.settings.batch, bucket(&self.settings), Some(&mut self.shuffle.clone()))
        };
        let batches = upcoming.iter().take(batches.max(1)).map(|rows| self.train.batch(rows)).collect();
        Ok(EngineTrial { backend: self.backend_on(kind)?, batches, next: 0, done: 0 })
    }
}

/// A copy of a news model on another engine, training a few of the run's batches (again and
/// again) to be timed.
#[derive(Debug)]
pub struct EngineTrial {
    backend: Box<dyn Backend>,
    batches: Vec<Batch>,
    next: usize,
    /// Steps whose results came at once (an engine that waits), not yet counted as arrived.
    done: usize,
}

impl EngineTrial {
    /// The engine, given up (to [`NewsLesson::take_over`]).
    pub fn into_backend(self) -> Box<dyn Backend> {
        self.backend
    }
}

impl Trainable for EngineTrial {
    fn submit(&mut self) -> Result<(), String> {
        let b = &self.batches[self.next % self.batches.len()];
        self.next += 1;
        let input = Input { batch: b.batch(), time: b.time, data: InputData::Tokens(&b.ids), mask: None, feedback: None, loss_from: 0 };
        let now = self.backend.submit_batch(&input, &Targets::Classes(&b.labels)).map_err(|e| e.to_string())?;
        self.done += usize::from(now.is_some());
        Ok(())
    }

    fn arrived(&mut self) -> Result<usize, String> {
        let later = self.backend.arrived().map_err(|e| e.to_string())?.len();
        Ok(later + std::mem::take(&mut self.done))
    }
}
