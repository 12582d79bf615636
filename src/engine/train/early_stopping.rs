//! Early stopping on a validation metric, as Keras's `EarlyStopping` callback: stop when the
//! metric has not improved (by more than `min_delta`) for `patience` epochs, and, with
//! `restore_best_weights`, put the best epoch's weights back when training ends.

use serde::{Deserialize, Serialize};

/// Whether a smaller or a larger metric is better.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    /// e.g. validation loss
    Min,
    /// e.g. validation accuracy
    Max,
}

#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct EarlyStoppingSpec {
    pub direction: Direction,
    pub patience: usize,
    pub min_delta: f32,
    pub restore_best_weights: bool,
}

/// What to do after an epoch.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Decision {
    Continue,
    /// Patience ran out at this epoch.
    Stop,
}

#[derive(Clone, Debug)]
pub struct EarlyStopping {
    pub spec: EarlyStoppingSpec,
    best: Option<f32>,
    /// Epoch of the best metric (numbered as `on_epoch_end` was given it).
    pub best_epoch: usize,
    best_weights: Option<Vec<f32>>,
    wait: usize,
    /// The epoch at which training was stopped, if it was.
    pub stopped_epoch: Option<usize>,
}

impl EarlyStopping {
    pub fn new(spec: EarlyStoppingSpec) -> Self {
        EarlyStopping { spec, best: None, best_epoch: 0, best_weights: None, wait: 0, stopped_epoch: None }
    }

    fn improves(&self, current: f32, reference: Option<f32>) -> bool {
        match reference {
            None => true,
            Some(r) => match self.spec.direction {
                Direction::Min => current + self.spec.min_delta < r,
                Direction::Max => current - self.spec.min_delta > r,
            },
        }
    }

    /// Records epoch `epoch`'s metric (and the weights after it). A non-finite metric never counts
    /// as an improvement.
    pub fn on_epoch_end(&mut self, epoch: usize, metric: f32, weights: &[f32]) -> Decision {
        if self.spec.restore_best_weights && self.best_weights.is_none() {
            self.best_weights = Some(weights.to_vec());
            self.best_epoch = epoch;
        }
        self.wait += 1;
        if metric.is_finite() && self.improves(metric, self.best) {
            self.best = Some(metric);
            self.best_epoch = epoch;
            if self.spec.restore_best_weights {
                self.best_weights = Some(weights.to_vec());
            }
            self.wait = 0;
            return Decision::Continue;
        }
        if self.wait >= self.spec.patience && epoch > 0 {
            self.stopped_epoch = Some(epoch);
            return Decision::Stop;
        }
        Decision::Continue
    }

    /// The best metric seen.
    pub fn best(&self) -> Option<f32> {
        self.best
    }

    /// At the end of training: with `restore_best_weights`, writes the best epoch's weights into
    /// `weights` and returns true.
    pub fn on_train_end(&self, weights: &mut [f32]) -> bool {
        match (&self.best_weights, self.spec.restore_best_weights) {
            (Some(best), true) if best.len() == weights.len() => {
                weights.copy_from_slice(best);
                true
            }
            _ => false,
        }
    }
}
