//! LSTM cell, Keras `LSTM` (sigmoid recurrent activation, tanh activation, gate order `i f c o`).
//!
//! ```text
//! z   = x_t·W + h_{t-1}·U + b                W [input, 4u], U [u, 4u], b [4u]
//! i   = σ(z_i)        input gate
//! f   = σ(z_f)        forget gate            (Keras initialises b_f = 1: unit_forget_bias)
//! g   = tanh(z_c)     candidate cell
//! o   = σ(z_o)        output gate
//! c_t = f∘c_{t-1} + i∘g
//! h_t = o∘tanh(c_t)
//! ```
//! Backward, with `δh = ∂L/∂h_t`, `δc = ∂L/∂c_t` arriving from step t+1:
//! ```text
//! dc      = δc + δh∘o∘(1 - tanh²(c_t))
//! dz_i    = dc∘g∘i(1-i)       dz_f = dc∘c_{t-1}∘f(1-f)
//! dz_c    = dc∘i∘(1-g²)       dz_o = δh∘tanh(c_t)∘o(1-o)
//! δc_{t-1} = dc∘f             δh_{t-1} = dz·Uᵀ          dU += h_{t-1}ᵀ·dz
//! ```
//! `cache.gates[t]` holds the activated `[i, f, g, o]`; `cache.c` the cell states.

use super::{mask_at, prev_next, sigmoid, Dims, DirCache, RecGrads, RecWeights, Scratch};
use crate::engine::cpu::{gemm_nn, gemm_nt, gemm_tn, Accumulate, Mat, MatMut};

pub fn forward(d: Dims, w: RecWeights, mask: Option<&[f32]>, cache: &mut DirCache) {
    let (b, h) = (d.batch, d.units);
    let (bh, g4) = (b * h, 4 * h);
    let u = Mat::new(w.u, h, g4);
    for t in 0..d.time {
        let z = &mut cache.gates[t * b * g4..(t + 1) * b * g4];
        z.copy_from_slice(&cache.xw[t * b * g4..(t + 1) * b * g4]);
        let (h_prev, h_next) = prev_next(&mut cache.h, t, bh);
        if t > 0 {
            gemm_nn(Mat::new(h_prev, b, h), u, &mut MatMut::new(z, b, g4), Accumulate::Add);
        }
        let (c_prev, c_next) = prev_next(&mut cache.c, t, bh);
        for bi in 0..b {
            let m = mask_at(mask, t, b, bi);
            let zr = &mut z[bi * g4..(bi + 1) * g4];
            for j in 0..h {
                let i = sigmoid(zr[j]);
                let f = sigmoid(zr[h + j]);
                let gg = zr[2 * h + j].tanh();
                let o = sigmoid(zr[3 * h + j]);
                zr[j] = i;
                zr[h + j] = f;
                zr[2 * h + j] = gg;
                zr[3 * h + j] = o;
                let k = bi * h + j;
                let c_new = f * c_prev[k] + i * gg;
                let h_new = o * c_new.tanh();
                c_next[k] = m * c_new + (1.0 - m) * c_prev[k];
                h_next[k] = m * h_new + (1.0 - m) * h_prev[k];
            }
        }
    }
}

#[allow(clippy::too_many_arguments)]
pub fn backward(
    d: Dims,
    w: RecWeights,
    mask: Option<&[f32]>,
    cache: &DirCache,
    dh_out: &[f32],
    dxw: &mut [f32],
    g: RecGrads,
    s: &mut Scratch,
) {
    let (b, h) = (d.batch, d.units);
    let (bh, g4) = (b * h, 4 * h);
    let u = Mat::new(w.u, h, g4);
    let (dh, dc) = (&mut s.dh, &mut s.dc);
    dh.fill(0.0);
    dc.fill(0.0);
    for t in (0..d.time).rev() {
        let gates = &cache.gates[t * b * g4..(t + 1) * b * g4];
        let dz = &mut dxw[t * b * g4..(t + 1) * b * g4];
        let c_prev = &cache.c[t * bh..(t + 1) * bh];
        for (v, o) in dh.iter_mut().zip(&dh_out[t * bh..(t + 1) * bh]) {
            *v += o;
        }
        for bi in 0..b {
            let m = mask_at(mask, t, b, bi);
            let gr = &gates[bi * g4..(bi + 1) * g4];
            let dzr = &mut dz[bi * g4..(bi + 1) * g4];
            for j in 0..h {
                let (i, f, gg, o) = (gr[j], gr[h + j], gr[2 * h + j], gr[3 * h + j]);
                let k = bi * h + j;
                let c_new = f * c_prev[k] + i * gg;
                let tc = c_new.tanh();
                let dhn = m * dh[k];
                let dct = m * dc[k] + dhn * o * (1.0 - tc * tc);
                dzr[j] = dct * gg * i * (1.0 - i);
                dzr[h + j] = dct * c_prev[k] * f * (1.0 - f);
                dzr[2 * h + j] = dct * i * (1.0 - gg * gg);
                dzr[3 * h + j] = dhn * tc * o * (1.0 - o);
                dc[k] = (1.0 - m) * dc[k] + dct * f;
                dh[k] *= 1.0 - m;
            }
        }
        if t > 0 {
            let h_prev = &cache.h[t * bh..(t + 1) * bh];
            gemm_nt(Mat::new(dz, b, g4), u, &mut MatMut::new(dh, b, h), Accumulate::Add);
            gemm_tn(Mat::new(h_prev, b, h), Mat::new(dz, b, g4), &mut MatMut::new(g.du, h, g4), Accumulate::Add);
        }
    }
}
