//! Losses, each returning the loss and writing the gradient with respect to the model's output.

use crate::engine::ops::softmax_rows;

/// Mean squared error over every element: `L = mean((ŷ - y)²)`, `∂L/∂ŷ = 2(ŷ - y)/n`.
pub fn mse(pred: &[f32], target: &[f32], grad: Option<&mut [f32]>) -> f32 {
    debug_assert_eq!(pred.len(), target.len());
    let n = pred.len().max(1) as f32;
    let mut sum = 0.0f64;
    for (p, t) in pred.iter().zip(target) {
        let e = (p - t) as f64;
        sum += e * e;
    }
    if let Some(g) = grad {
        for ((g, p), t) in g.iter_mut().zip(pred).zip(target) {
            *g = 2.0 * (p - t) / n;
        }
    }
    (sum / n as f64) as f32
}

/// Per-step MSE over a masked sequence, as Keras 3 reduces a masked loss: the mean over the
/// valid steps of each step's mean squared error, `L = Σ_r w_r·mean_c((ŷ-y)²) / Σ_r w_r`, with
/// `w_r` the mask of output row `r` (`pred` and `target` are `[rows, units]`). No valid step: 0.
pub fn masked_mse(pred: &[f32], target: &[f32], units: usize, weights: &[f32], grad: Option<&mut [f32]>) -> f32 {
    let valid: f64 = weights.iter().map(|&w| w as f64).sum();
    let denom = if valid > 0.0 { valid * units as f64 } else { f64::INFINITY };
    let mut sum = 0.0f64;
    for ((p, t), &w) in pred.chunks_exact(units).zip(target.chunks_exact(units)).zip(weights) {
        for (a, b) in p.iter().zip(t) {
            let e = (a - b) as f64;
            sum += w as f64 * e * e;
        }
    }
    if let Some(g) = grad {
        for (((gr, p), t), &w) in g.chunks_exact_mut(units).zip(pred.chunks_exact(units)).zip(target.chunks_exact(units)).zip(weights) {
            for ((gv, a), b) in gr.iter_mut().zip(p).zip(t) {
                *gv = (2.0 * w as f64 * (a - b) as f64 / denom) as f32;
            }
        }
    }
    (sum / denom) as f32
}

/// Sparse categorical cross-entropy from logits, with the softmax fused in:
/// `L = mean_b(-log softmax(z_b)[y_b])`, `∂L/∂z_b = (softmax(z_b) - onehot(y_b)) / batch`.
/// `probs` receives the softmax (`[batch, classes]`).
pub fn softmax_cross_entropy(logits: &[f32], classes: usize, labels: &[u32], probs: &mut [f32], grad: Option<&mut [f32]>) -> f32 {
    softmax_rows(logits, classes, probs);
    let batch = labels.len();
    let mut sum = 0.0f64;
    for (b, &y) in labels.iter().enumerate() {
        let row = &logits[b * classes..(b + 1) * classes];
        let max = row.iter().copied().fold(f32::NEG_INFINITY, f32::max);
        let lse = max as f64 + row.iter().map(|&v| ((v - max) as f64).exp()).sum::<f64>().ln();
        sum += lse - row[y as usize] as f64;
    }
    if let Some(g) = grad {
        for (b, &y) in labels.iter().enumerate() {
            for c in 0..classes {
                let onehot = if c == y as usize { 1.0 } else { 0.0 };
                g[b * classes + c] = (probs[b * classes + c] - onehot) / batch as f32;
            }
        }
    }
    (sum / batch.max(1) as f64) as f32
}
