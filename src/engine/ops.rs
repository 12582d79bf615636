//! Small building blocks shared by the layers: time reversal, bias rows, column sums, the Dense
//! product, softmax. Shapes are in each signature's doc.

use super::cpu::{gemm_nn, gemm_nt, gemm_tn, Accumulate, Mat, MatMut};

/// `out[t] = x[T-1-t]` for `x` `[time, row]` (any row width).
pub fn reverse_time(x: &[f32], time: usize, row: usize, out: &mut Vec<f32>) {
    out.resize(time * row, 0.0);
    for t in 0..time {
        out[t * row..(t + 1) * row].copy_from_slice(&x[(time - 1 - t) * row..(time - t) * row]);
    }
}

/// `y[n, out] = x[n, in]·k[in, out] + bias[out]`
pub fn dense_forward(x: &[f32], n: usize, k: &[f32], bias: &[f32], y: &mut [f32]) {
    let (out, inp) = (bias.len(), k.len() / bias.len().max(1));
    fill_rows(y, bias);
    gemm_nn(Mat::new(x, n, inp), Mat::new(k, inp, out), &mut MatMut::new(y, n, out), Accumulate::Add);
}

/// Backward of [`dense_forward`]: `dk += xᵀ·dy`, `dbias += Σ_rows dy`, and `dx = dy·kᵀ` when asked.
pub fn dense_backward(x: &[f32], n: usize, k: &[f32], dy: &[f32], dk: &mut [f32], dbias: &mut [f32], dx: Option<&mut [f32]>) {
    let out = dbias.len();
    let inp = k.len() / out.max(1);
    gemm_tn(Mat::new(x, n, inp), Mat::new(dy, n, out), &mut MatMut::new(dk, inp, out), Accumulate::Add);
    add_column_sums(dy, out, dbias);
    if let Some(dx) = dx {
        gemm_nt(Mat::new(dy, n, out), Mat::new(k, inp, out), &mut MatMut::new(dx, n, inp), Accumulate::Overwrite);
    }
}

/// `acc[j] += Σ_i m[i, j]` for `m` `[rows, cols]`.
pub fn add_column_sums(m: &[f32], cols: usize, acc: &mut [f32]) {
    for row in m.chunks_exact(cols) {
        for (a, v) in acc.iter_mut().zip(row) {
            *a += v;
        }
    }
}

/// Numerically stable softmax of each row of `logits` `[rows, cols]` into `probs`.
pub fn softmax_rows(logits: &[f32], cols: usize, probs: &mut [f32]) {
    for (l, p) in logits.chunks_exact(cols).zip(probs.chunks_exact_mut(cols)) {
        let max = l.iter().copied().fold(f32::NEG_INFINITY, f32::max);
        let mut sum = 0.0;
        for (pv, &lv) in p.iter_mut().zip(l) {
            *pv = (lv - max).exp();
            sum += *pv;
        }
        for pv in p.iter_mut() {
            *pv /= sum;
        }
    }
}

/// Sets every row of `y` (`[rows, row.len()]`) to `row`: the first row copied, then the rows
/// filled so far copied after themselves (doubling), so `log2(rows)` block copies whatever the
/// number of rows, rather than one per row.
pub fn fill_rows(y: &mut [f32], row: &[f32]) {
    let w = row.len();
    if w == 0 || y.len() < w {
        return;
    }
    y[..w].copy_from_slice(row);
    let mut filled = w;
    while filled < y.len() {
        let n = filled.min(y.len() - filled);
        y.copy_within(..n, filled);
        filled += n;
    }
}

/// `out[c·rows + r] = m[r·cols + c]`: the transpose of a row-major `rows × cols` matrix.
pub fn transpose(m: &[f32], rows: usize, cols: usize, out: &mut [f32]) {
    for (r, row) in m.chunks_exact(cols.max(1)).take(rows).enumerate() {
        for (c, &v) in row.iter().enumerate() {
            out[c * rows + r] = v;
        }
    }
}

/// Transposes `[a, b, f]` blocks to `[b, a, f]` (batch-major ⇄ time-major).
pub fn swap_leading(x: &[f32], a: usize, b: usize, f: usize, out: &mut Vec<f32>) {
    out.resize(a * b * f, 0.0);
    if f == 1 {
        // One feature (the sine lessons' inputs, outputs and targets): a plain transpose, element
        // by element, rather than a one-element block copy each.
        transpose(x, a, b, out);
        return;
    }
    for i in 0..a {
        for j in 0..b {
            out[(j * a + i) * f..(j * a + i + 1) * f].copy_from_slice(&x[(i * b + j) * f..(i * b + j + 1) * f]);
        }
    }
}

/// Two disjoint mutable ranges of one buffer.
pub fn two_mut(buf: &mut [f32], a: std::ops::Range<usize>, b: std::ops::Range<usize>) -> (&mut [f32], &mut [f32]) {
    assert!(a.end <= b.start || b.end <= a.start, "overlapping ranges");
    if a.start < b.start {
        let (lo, hi) = buf.split_at_mut(b.start);
        (&mut lo[a], &mut hi[..b.end - b.start])
    } else {
        let (lo, hi) = buf.split_at_mut(a.start);
        (&mut hi[..a.end - a.start], &mut lo[b])
    }
}
