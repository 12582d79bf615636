//! What the page remembers of a run: every training loss, the held-out losses, and helpers to
//! turn them into chart series. Plain data, tested natively.

use crate::protocol::LossPoint;

/// Loss curves of the current run.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct LossHistory {
    /// (step, training loss) for every step.
    pub train: Vec<(f32, f32)>,
    /// (step, held-out loss) at every evaluation.
    pub heldout: Vec<(f32, f32)>,
    /// (step, global gradient norm before clipping) for every step.
    pub grad_norm: Vec<(f32, f32)>,
}

impl LossHistory {
    pub fn clear(&mut self) {
        self.train.clear();
        self.heldout.clear();
        self.grad_norm.clear();
    }

    pub fn push_train(&mut self, points: &[LossPoint]) {
        self.train.extend(points.iter().map(|p| (p.step as f32, p.loss)));
        self.grad_norm.extend(points.iter().map(|p| (p.step as f32, p.grad_norm)));
    }

    /// Records a held-out loss; a repeated evaluation of the same step replaces the previous one.
    pub fn push_heldout(&mut self, step: u64, loss: f32) {
        let s = step as f32;
        match self.heldout.last_mut() {
            Some(last) if last.0 == s => last.1 = loss,
            _ => self.heldout.push((s, loss)),
        }
    }

    pub fn latest_train(&self) -> Option<f32> {
        self.train.last().map(|p| p.1)
    }

    /// The training log as CSV, a row per training step: its loss and gradient norm (every
    /// digit an `f32` needs, so two runs compare bit for bit), and the held-out loss of the
    /// evaluation made after it, where one was.
    pub fn to_csv(&self) -> String {
        let mut out = String::from("step,loss,grad_norm,heldout_loss\n");
        let mut held = self.heldout.iter().peekable();
        for (&(step, loss), &(_, norm)) in self.train.iter().zip(&self.grad_norm) {
            let mut heldout = String::new();
            while let Some(&&(s, l)) = held.peek() {
                if s > step {
                    break;
                }
                if s == step {
                    heldout = l.to_string();
                }
                held.next();
            }
            out.push_str(&format!("{},{loss},{norm},{heldout}\n", step as u64));
        }
        out
    }
}
