//! What the news page remembers of a run (per-batch and per-epoch figures, as chart series) and
//! how it words numbers (percentages, time left). Plain data, tested natively.

use crate::lesson::news::EpochRecord;
use crate::protocol::BatchPoint;

/// The curves of the current news run; x is in epochs (1.5 = half-way through the second).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct NewsHistory {
    /// (epochs done, loss) and (epochs done, accuracy) of every training batch.
    pub loss: Vec<(f32, f32)>,
    pub accuracy: Vec<(f32, f32)>,
    /// (epochs done, global gradient norm before clipping) of every training batch.
    pub grad_norm: Vec<(f32, f32)>,
    /// Every finished epoch.
    pub epochs: Vec<EpochRecord>,
}

impl NewsHistory {
    pub fn clear(&mut self) {
        *self = NewsHistory::default();
    }

    pub fn push(&mut self, points: &[BatchPoint], epoch_ends: &[EpochRecord]) {
        self.loss.extend(points.iter().map(|p| (p.x, p.loss)));
        self.accuracy.extend(points.iter().map(|p| (p.x, p.accuracy)));
        self.grad_norm.extend(points.iter().map(|p| (p.x, p.grad_norm)));
        self.epochs.extend_from_slice(epoch_ends);
    }

    /// (epoch, validation loss) at the end of each epoch that had validation rows.
    pub fn val_loss(&self) -> Vec<(f32, f32)> {
        self.epochs.iter().filter_map(|e| e.val_loss.map(|v| (e.epoch as f32, v))).collect()
    }

    pub fn val_accuracy(&self) -> Vec<(f32, f32)> {
        self.epochs.iter().filter_map(|e| e.val_accuracy.map(|v| (e.epoch as f32, v))).collect()
    }

    /// (epoch, mean training loss over that epoch), as Keras reports it at the epoch's end.
    pub fn epoch_loss(&self) -> Vec<(f32, f32)> {
        self.epochs.iter().map(|e| (e.epoch as f32, e.train_loss)).collect()
    }

    pub fn epoch_accuracy(&self) -> Vec<(f32, f32)> {
        self.epochs.iter().map(|e| (e.epoch as f32, e.train_accuracy)).collect()
    }

    /// The training log as CSV: a `batch` row per batch (epochs done, running loss and accuracy
    /// over the epoch so far, as Keras prints them, and the batch's gradient norm), and an
    /// `epoch` row per finished epoch with its mean figures and validation.
    pub fn to_csv(&self) -> String {
        let mut out = String::from("row,epochs_done,loss,accuracy,grad_norm,val_loss,val_accuracy\n");
        let opt = |v: Option<f32>| v.map(|v| v.to_string()).unwrap_or_default();
        let epoch_row = |e: &EpochRecord| {
            format!("epoch,{},{},{},,{},{}\n", e.epoch, e.train_loss, e.train_accuracy, opt(e.val_loss), opt(e.val_accuracy))
        };
        let mut ends = self.epochs.iter().peekable();
        for ((&(x, loss), &(_, acc)), &(_, norm)) in self.loss.iter().zip(&self.accuracy).zip(&self.grad_norm) {
            out.push_str(&format!("batch,{x},{loss},{acc},{norm},,\n"));
            while let Some(e) = ends.next_if(|e| e.epoch as f32 <= x) {
                out.push_str(&epoch_row(e));
            }
        }
        for e in ends {
            out.push_str(&epoch_row(e));
        }
        out
    }
}

/// `0.8731` → `87.3 %`.
pub fn percent(p: f32) -> String {
    if p.is_finite() {
        format!("{:.1} %", p * 100.0)
    } else {
        "–".into()
    }
}

/// A duration for "time left": `< 1 s`, `42 s`, `3 min 05 s`, `1 h 02 min`.
pub fn duration(seconds: f32) -> String {
    if !seconds.is_finite() || seconds < 0.0 {
        return "–".into();
    }
    let s = seconds.round() as u64;
    match s {
        0 => "< 1 s".into(),
        1..=59 => format!("{s} s"),
        60..=3599 => format!("{} min {:02} s", s / 60, s % 60),
        _ => format!("{} h {:02} min", s / 3600, (s % 3600) / 60),
    }
}

/// The `n` most probable classes, most probable first, as (class index, probability).
pub fn top_classes(probs: &[f32], n: usize) -> Vec<(usize, f32)> {
    let mut order: Vec<(usize, f32)> = probs.iter().copied().enumerate().collect();
    order.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    order.truncate(n);
    order
}

/// Bytes as `1.4 MB` / `812 kB`.
pub fn bytes(n: u64) -> String {
    if n >= 1_000_000 {
        format!("{:.1} MB", n as f64 / 1e6)
    } else {
        format!("{} kB", n.div_ceil(1000))
    }
}
