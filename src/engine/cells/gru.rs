//! GRU cell, Keras `GRU` (sigmoid recurrent activation, tanh activation, gate order `z r h`).
//!
//! Reset-after (`reset_after=True`, Keras's default; what cuDNN and PyTorch compute). The bias is
//! `[2, 3u]`: row 0 the input bias `b_in`, row 1 the recurrent bias `b_rec`.
//! ```text
//! x_z, x_r, x_h = split(x_t·W + b_in)         W [input, 3u]
//! r_z, r_r, r_h = split(h_{t-1}·U + b_rec)     U [u, 3u]
//! z   = σ(x_z + r_z)          update gate
//! r   = σ(x_r + r_r)          reset gate
//! n   = tanh(x_h + r∘r_h)     candidate
//! h_t = z∘h_{t-1} + (1-z)∘n
//! ```
//! Reset-before (`reset_after=False`, the original Cho et al. formulation; bias `[3u]`):
//! ```text
//! z   = σ(x_z + h_{t-1}·U_z)      r = σ(x_r + h_{t-1}·U_r)
//! n   = tanh(x_h + (r∘h_{t-1})·U_h)
//! h_t = z∘h_{t-1} + (1-z)∘n
//! ```
//! Backward (both), with `δ = ∂L/∂h_t`:
//! ```text
//! dz_h = δ∘(1-z)∘(1-n²)           dz_z = δ∘(h_{t-1}-n)∘z(1-z)
//! reset-after:  dz_r = dz_h∘r_h∘r(1-r);   recurrent side [dz_z, dz_r, dz_h∘r]
//! reset-before: d(r∘h) = dz_h·U_hᵀ;  dz_r = d(r∘h)∘h_{t-1}∘r(1-r);  δ_{t-1} += d(r∘h)∘r
//! δ_{t-1} += δ∘z + (recurrent side)·Uᵀ
//! ```
//! With recurrent dropout, `h_{t-1}` is scaled by a mask where it enters a recurrent product
//! (per gate, as Keras's `implementation=1`), but not in the final blend `z∘h_{t-1}`.
//!
//! `cache.gates[t]` holds the activated `[z, r, n]`; for reset-after `cache.aux[t]` holds `r_h`.

use super::{
    mask_at, mul_into, prev_next, recurrent_product, recurrent_product_backward, sigmoid, times_u_t, DirCache, RecGrads, Scratch, Seq,
};
use crate::engine::cpu::math::tanh;
use crate::engine::cpu::{gemm_nn, gemm_tn, Accumulate, Mat, MatMut};
use crate::engine::ops::fill_rows;

pub fn forward_reset_after(seq: &Seq, cache: &mut DirCache, s: &mut Scratch) {
    let (b, h) = (seq.d.batch, seq.d.units);
    let (bh, g3) = (b * h, 3 * h);
    for t in seq.steps.range() {
        let (h_prev, h_next) = prev_next(&mut cache.h, t, bh);
        // rec [batch, 3u] = h_{t-1}·U + b_rec
        let rec = &mut s.wide;
        fill_rows(rec, seq.w.b_rec);
        if t > 0 {
            recurrent_product(seq, h_prev, g3, 0..3, rec, &mut s.dropped);
        }
        let xw = &cache.xw[t * b * g3..(t + 1) * b * g3];
        let gates = &mut cache.gates[t * b * g3..(t + 1) * b * g3];
        let rh_out = &mut cache.aux[t * bh..(t + 1) * bh];
        for bi in 0..b {
            let m = mask_at(seq.mask, t, b, bi);
            let r = bi * h..(bi + 1) * h;
            let (x, rc, gt) = (&xw[bi * g3..(bi + 1) * g3], &rec[bi * g3..(bi + 1) * g3], &mut gates[bi * g3..(bi + 1) * g3]);
            forward_row_reset_after(x, rc, gt, &h_prev[r.clone()], &mut h_next[r.clone()], &mut rh_out[r], m);
        }
    }
}

/// One batch row of the reset-after forward pass (equal-length slices, so it vectorises).
// Not inlined: as a function, its `&mut` slices are known not to alias, so the compiler
// vectorises the loop without runtime overlap checks (too many of them for 8 arrays).
#[inline(never)]
fn forward_row_reset_after(x: &[f32], rec: &[f32], gates: &mut [f32], h_prev: &[f32], h_next: &mut [f32], rh_out: &mut [f32], m: f32) {
    let h = h_prev.len();
    let (xz, xr, xh) = (&x[..h], &x[h..2 * h], &x[2 * h..3 * h]);
    let (rz, rr, rh) = (&rec[..h], &rec[h..2 * h], &rec[2 * h..3 * h]);
    let (gz, rest) = gates.split_at_mut(h);
    let (gr, gn) = rest.split_at_mut(h);
    let (gz, gr, gn, h_prev, h_next, rh_out) = (&mut gz[..h], &mut gr[..h], &mut gn[..h], &h_prev[..h], &mut h_next[..h], &mut rh_out[..h]);
    for j in 0..h {
        let z = sigmoid(xz[j] + rz[j]);
        let r = sigmoid(xr[j] + rr[j]);
        let n = tanh(xh[j] + r * rh[j]);
        gz[j] = z;
        gr[j] = r;
        gn[j] = n;
        rh_out[j] = rh[j];
        let h_new = z * h_prev[j] + (1.0 - z) * n;
        h_next[j] = m * h_new + (1.0 - m) * h_prev[j];
    }
}

/// One batch row of the reset-after backward pass: writes `dx` (input side) and `drec`
/// (recurrent side) and updates `dh` to the direct part of the gradient into `h_{t-1}`.
// Not inlined: as a function, its `&mut` slices are known not to alias, so the compiler
// vectorises the loop without runtime overlap checks (too many of them for 8 arrays).
#[inline(never)]
#[allow(clippy::too_many_arguments)]
fn backward_row_reset_after(gates: &[f32], rhs: &[f32], h_prev: &[f32], dh: &mut [f32], dx: &mut [f32], drec: &mut [f32], m: f32) {
    let h = h_prev.len();
    let (gz, gr, gn) = (&gates[..h], &gates[h..2 * h], &gates[2 * h..3 * h]);
    let (dxz, rest) = dx.split_at_mut(h);
    let (dxr, dxh) = rest.split_at_mut(h);
    let (drz, rest) = drec.split_at_mut(h);
    let (drr, drh) = rest.split_at_mut(h);
    let (dxz, dxr, dxh, drz, drr, drh) = (&mut dxz[..h], &mut dxr[..h], &mut dxh[..h], &mut drz[..h], &mut drr[..h], &mut drh[..h]);
    let (rhs, dh, h_prev) = (&rhs[..h], &mut dh[..h], &h_prev[..h]);
    for j in 0..h {
        let (z, r, n) = (gz[j], gr[j], gn[j]);
        let dhn = m * dh[j];
        let dan = dhn * (1.0 - z) * (1.0 - n * n);
        let daz = dhn * (h_prev[j] - n) * z * (1.0 - z);
        let dar = dan * rhs[j] * r * (1.0 - r);
        dxz[j] = daz;
        dxr[j] = dar;
        dxh[j] = dan;
        drz[j] = daz;
        drr[j] = dar;
        drh[j] = dan * r;
        dh[j] = (1.0 - m) * dh[j] + dhn * z;
    }
}

pub fn backward_reset_after(seq: &Seq, cache: &DirCache, dh_out: &[f32], dxw: &mut [f32], mut g: RecGrads, s: &mut Scratch) {
    let (b, h) = (seq.d.batch, seq.d.units);
    let (bh, g3) = (b * h, 3 * h);
    let Scratch { dh, wide: drec, dropped, d_dropped, .. } = s;
    if seq.starts_backward() {
        dh.fill(0.0);
    }
    for t in seq.steps.range().rev() {
        let gates = &cache.gates[t * b * g3..(t + 1) * b * g3];
        let rhs = &cache.aux[t * bh..(t + 1) * bh];
        let h_prev = &cache.h[t * bh..(t + 1) * bh];
        let dx = &mut dxw[t * b * g3..(t + 1) * b * g3];
        for (v, o) in dh.iter_mut().zip(&dh_out[t * bh..(t + 1) * bh]) {
            *v += o;
        }
        g.record_dh(t, dh);
        for bi in 0..b {
            let m = mask_at(seq.mask, t, b, bi);
            let (rows, r) = (bi * g3..(bi + 1) * g3, bi * h..(bi + 1) * h);
            backward_row_reset_after(
                &gates[rows.clone()],
                &rhs[r.clone()],
                &h_prev[r.clone()],
                &mut dh[r],
                &mut dx[rows.clone()],
                &mut drec[rows],
                m,
            );
        }
        for row in drec.chunks_exact(g3) {
            for (acc, v) in g.db_rec.iter_mut().zip(row) {
                *acc += v;
            }
        }
        if t > 0 {
            recurrent_product_backward(seq, h_prev, drec, g3, 0..3, dh, Some(&mut *g.du), dropped, d_dropped);
        }
    }
}

pub fn forward_reset_before(seq: &Seq, cache: &mut DirCache, s: &mut Scratch) {
    let (b, h) = (seq.d.batch, seq.d.units);
    let (bh, g3) = (b * h, 3 * h);
    let u_h = Mat::strided(&seq.w.u[2 * h..], h, h, g3);
    for t in seq.steps.range() {
        let (h_prev, h_next) = prev_next(&mut cache.h, t, bh);
        let gates = &mut cache.gates[t * b * g3..(t + 1) * b * g3];
        if t > 0 {
            recurrent_product(seq, h_prev, g3, 0..2, gates, &mut s.dropped);
        }
        // z, r; then r∘(h_{t-1}∘drop_h) into s.narrow
        let hh: &[f32] = match seq.drop_of(2) {
            Some(mask) => {
                mul_into(h_prev, mask, &mut s.dropped);
                &s.dropped
            }
            None => h_prev,
        };
        let rh = &mut s.narrow;
        for bi in 0..b {
            let gt = &mut gates[bi * g3..(bi + 1) * g3];
            for j in 0..h {
                gt[j] = sigmoid(gt[j]);
                gt[h + j] = sigmoid(gt[h + j]);
                rh[bi * h + j] = gt[h + j] * hh[bi * h + j];
            }
        }
        if t > 0 {
            gemm_nn(Mat::new(rh, b, h), u_h, &mut MatMut::strided(&mut gates[2 * h..], b, h, g3), Accumulate::Add);
        }
        for bi in 0..b {
            let m = mask_at(seq.mask, t, b, bi);
            let gt = &mut gates[bi * g3..(bi + 1) * g3];
            for j in 0..h {
                let n = tanh(gt[2 * h + j]);
                gt[2 * h + j] = n;
                let z = gt[j];
                let k = bi * h + j;
                let h_new = z * h_prev[k] + (1.0 - z) * n;
                h_next[k] = m * h_new + (1.0 - m) * h_prev[k];
            }
        }
    }
}

pub fn backward_reset_before(seq: &Seq, cache: &DirCache, dh_out: &[f32], dxw: &mut [f32], mut g: RecGrads, s: &mut Scratch) {
    let (b, h) = (seq.d.batch, seq.d.units);
    let (bh, g3) = (b * h, 3 * h);
    let Scratch { dh, dc: drh, narrow: rh, dropped, d_dropped, .. } = s;
    if seq.starts_backward() {
        dh.fill(0.0);
    }
    for t in seq.steps.range().rev() {
        let gates = &cache.gates[t * b * g3..(t + 1) * b * g3];
        let h_prev = &cache.h[t * bh..(t + 1) * bh];
        let drop_h = seq.drop_of(2);
        let dx = &mut dxw[t * b * g3..(t + 1) * b * g3];
        for (v, o) in dh.iter_mut().zip(&dh_out[t * bh..(t + 1) * bh]) {
            *v += o;
        }
        g.record_dh(t, dh);
        for bi in 0..b {
            let m = mask_at(seq.mask, t, b, bi);
            let gt = &gates[bi * g3..(bi + 1) * g3];
            for j in 0..h {
                let (z, r, n) = (gt[j], gt[h + j], gt[2 * h + j]);
                let k = bi * h + j;
                let dhn = m * dh[k];
                dx[bi * g3 + 2 * h + j] = dhn * (1.0 - z) * (1.0 - n * n);
                dx[bi * g3 + j] = dhn * (h_prev[k] - n) * z * (1.0 - z);
                dh[k] = (1.0 - m) * dh[k] + dhn * z;
                rh[k] = r * h_prev[k] * drop_h.map_or(1.0, |d| d[k]);
            }
        }
        if t == 0 {
            // h_{-1} = 0: no reset-gate gradient reaches the weights, and δ_{-1} is not needed.
            for bi in 0..b {
                dx[bi * g3 + h..bi * g3 + 2 * h].fill(0.0);
            }
            continue;
        }
        // d(r∘hh) = dz_h·U_hᵀ ;  dU_h += (r∘hh)ᵀ·dz_h
        let dzh = Mat::strided(&dx[2 * h..], b, h, g3);
        times_u_t(seq, dzh, 2, drh, Accumulate::Overwrite);
        gemm_tn(Mat::new(rh, b, h), dzh, &mut MatMut::strided(&mut g.du[2 * h..], h, h, g3), Accumulate::Add);
        for bi in 0..b {
            let gt = &gates[bi * g3..(bi + 1) * g3];
            for j in 0..h {
                let r = gt[h + j];
                let k = bi * h + j;
                let dm = drop_h.map_or(1.0, |d| d[k]);
                dx[bi * g3 + h + j] = drh[k] * h_prev[k] * dm * r * (1.0 - r);
                dh[k] += drh[k] * r * dm;
            }
        }
        recurrent_product_backward(seq, h_prev, dx, g3, 0..2, dh, Some(&mut *g.du), dropped, d_dropped);
    }
}
