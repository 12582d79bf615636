//! The input side of a recurrent layer for all time steps at once: `xw = (x ∘ m)·W + b`
//! (`[time·batch, input] x [input, G·units]`), with the input dropout masks `m` of
//! [`super::dropout`] (one shared mask, or one per gate block), and its backward pass.

use crate::engine::cpu::{gemm_nn, gemm_nt, gemm_tn, Accumulate, Mat, MatMut};
use crate::engine::ops::{add_column_sums, fill_rows};

/// Shapes of one projection.
#[derive(Clone, Copy, Debug)]
pub struct Shape {
    pub time: usize,
    pub batch: usize,
    pub input: usize,
    /// `G·units`
    pub width: usize,
}

impl Shape {
    fn rows(&self) -> usize {
        self.time * self.batch
    }
    /// Number of masks in `masks` (0 without dropout) and the columns each one covers.
    fn blocks(&self, masks: &[f32]) -> (usize, usize) {
        let count = masks.len() / (self.batch * self.input).max(1);
        if count == 0 {
            (0, self.width)
        } else {
            (count, self.width / count)
        }
    }
}

/// `x_drop[t, b, :] = x[t, b, :] ∘ m[b, :]` for one mask `m` `[batch, input]`.
fn apply_mask(x: &[f32], m: &[f32], s: Shape, x_drop: &mut Vec<f32>) {
    x_drop.resize(x.len(), 0.0);
    let row = s.batch * s.input;
    for (xd, xs) in x_drop.chunks_exact_mut(row).zip(x.chunks_exact(row)) {
        for ((o, &v), &mv) in xd.iter_mut().zip(xs).zip(m) {
            *o = v * mv;
        }
    }
}

/// `xw = (x ∘ m)·W + b_in` for `x` `[time, batch, input]`, `w` `[input, width]`.
pub fn forward(x: &[f32], w: &[f32], b_in: &[f32], masks: &[f32], s: Shape, x_drop: &mut Vec<f32>, xw: &mut [f32]) {
    fill_rows(xw, b_in);
    let (count, cols) = s.blocks(masks);
    if count == 0 {
        gemm_nn(Mat::new(x, s.rows(), s.input), Mat::new(w, s.input, s.width), &mut MatMut::new(xw, s.rows(), s.width), Accumulate::Add);
        return;
    }
    let mlen = s.batch * s.input;
    for c in 0..count {
        apply_mask(x, &masks[c * mlen..(c + 1) * mlen], s, x_drop);
        gemm_nn(
            Mat::new(x_drop, s.rows(), s.input),
            Mat::strided(&w[c * cols..], s.input, cols, s.width),
            &mut MatMut::strided(&mut xw[c * cols..], s.rows(), cols, s.width),
            Accumulate::Add,
        );
    }
}

/// Backward: `dW += (x∘m)ᵀ·dxw`, `db_in += Σ dxw`, and, when asked, `dx = (dxw·Wᵀ) ∘ m`
/// (overwritten), with `dx_tmp` as scratch.
#[allow(clippy::too_many_arguments)]
pub fn backward(
    x: &[f32],
    w: &[f32],
    masks: &[f32],
    s: Shape,
    dxw: &[f32],
    dw: &mut [f32],
    db_in: &mut [f32],
    dx: Option<&mut [f32]>,
    x_drop: &mut Vec<f32>,
    dx_tmp: &mut Vec<f32>,
) {
    add_column_sums(dxw, s.width, db_in);
    let (count, cols) = s.blocks(masks);
    let rows = s.rows();
    if count == 0 {
        gemm_tn(Mat::new(x, rows, s.input), Mat::new(dxw, rows, s.width), &mut MatMut::new(dw, s.input, s.width), Accumulate::Add);
        if let Some(dx) = dx {
            gemm_nt(
                Mat::new(dxw, rows, s.width),
                Mat::new(w, s.input, s.width),
                &mut MatMut::new(dx, rows, s.input),
                Accumulate::Overwrite,
            );
        }
        return;
    }
    let mlen = s.batch * s.input;
    let mut dx = dx;
    if let Some(dx) = dx.as_deref_mut() {
        dx.fill(0.0);
    }
    for c in 0..count {
        let m = &masks[c * mlen..(c + 1) * mlen];
        apply_mask(x, m, s, x_drop);
        let dz = Mat::strided(&dxw[c * cols..], rows, cols, s.width);
        gemm_tn(Mat::new(x_drop, rows, s.input), dz, &mut MatMut::strided(&mut dw[c * cols..], s.input, cols, s.width), Accumulate::Add);
        if let Some(dx) = dx.as_deref_mut() {
            dx_tmp.resize(rows * s.input, 0.0);
            gemm_nt(
                dz,
                Mat::strided(&w[c * cols..], s.input, cols, s.width),
                &mut MatMut::new(dx_tmp, rows, s.input),
                Accumulate::Overwrite,
            );
            let row = s.batch * s.input;
            for (d, t) in dx.chunks_exact_mut(row).zip(dx_tmp.chunks_exact(row)) {
                for ((a, &v), &mv) in d.iter_mut().zip(t).zip(m) {
                    *a += v * mv;
                }
            }
        }
    }
}
