//! How well a classifier does on a set of items: loss, accuracy, the confusion matrix, per-class
//! precision and recall, and the misclassified items.

use serde::{Deserialize, Serialize};

/// A misclassified item.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Miss {
    /// Index into the test items.
    pub row: usize,
    /// The text the model read.
    pub text: String,
    pub label: u32,
    pub predicted: u32,
    pub probs: Vec<f32>,
}

/// How well the model does on a set of items.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Evaluation {
    pub rows: usize,
    pub loss: f32,
    pub accuracy: f32,
    /// `confusion[true][predicted]` counts.
    pub confusion: Vec<Vec<u32>>,
    /// Per class; `None` where the class was never predicted (precision) or never present (recall).
    pub precision: Vec<Option<f32>>,
    pub recall: Vec<Option<f32>>,
    /// The first misclassified items, in file order.
    pub misses: Vec<Miss>,
}

/// Evaluation figures gathered item by item.
#[derive(Debug)]
pub(super) struct Tally {
    classes: usize,
    /// `confusion[true][predicted]`
    confusion: Vec<Vec<u32>>,
    /// Σ −ln p(true class)
    loss: f64,
    misses: Vec<Miss>,
    rows: usize,
}

impl Tally {
    pub fn new(classes: usize) -> Self {
        Tally { classes, confusion: vec![vec![0u32; classes]; classes], loss: 0.0, misses: Vec::new(), rows: 0 }
    }

    /// One item: its class probabilities `p`, its true `label`, and its row in the file.
    pub fn add(&mut self, p: &[f32], label: u32, row: usize) {
        let (label, pred) = (label as usize, argmax(p));
        self.confusion[label][pred] += 1;
        self.loss -= (p[label].max(1e-12) as f64).ln();
        self.rows += 1;
        if pred != label {
            self.misses.push(Miss { row, text: String::new(), label: label as u32, predicted: pred as u32, probs: p.to_vec() });
        }
    }

    /// The figures, with the first `max_misses` misclassified items in file order (their texts
    /// from `texts`, by row, where given).
    pub fn finish(self, max_misses: usize, texts: &[String]) -> Evaluation {
        let Tally { classes, confusion, loss, mut misses, rows: n } = self;
        misses.sort_by_key(|m| m.row);
        misses.truncate(max_misses);
        for m in &mut misses {
            m.text = texts.get(m.row).cloned().unwrap_or_default();
        }
        let right: u32 = (0..classes).map(|c| confusion[c][c]).sum();
        let precision = (0..classes)
            .map(|c| {
                let predicted: u32 = (0..classes).map(|t| confusion[t][c]).sum();
                (predicted > 0).then(|| confusion[c][c] as f32 / predicted as f32)
            })
            .collect();
        let recall = (0..classes)
            .map(|c| {
                let present: u32 = confusion[c].iter().sum();
                (present > 0).then(|| confusion[c][c] as f32 / present as f32)
            })
            .collect();
        Evaluation {
            rows: n,
            loss: if n > 0 { (loss / n as f64) as f32 } else { 0.0 },
            accuracy: if n > 0 { right as f32 / n as f32 } else { 0.0 },
            confusion,
            precision,
            recall,
            misses,
        }
    }
}

pub(super) fn argmax(p: &[f32]) -> usize {
    p.iter().enumerate().fold(0, |best, (i, &v)| if v > p[best] { i } else { best })
}

pub(super) fn count_correct(logits: &[f32], classes: usize, labels: &[u32]) -> usize {
    logits.chunks(classes).zip(labels).filter(|(row, &l)| argmax(row) == l as usize).count()
}
