//! LSTM cell, Keras `LSTM` (sigmoid recurrent activation, tanh activation, gate order `i f c o`),
//! with optional peephole connections.
//!
//! ```text
//! z   = x_t·W + h_{t-1}·U + b                W [input, 4u], U [u, 4u], b [4u]
//! i   = σ(z_i + p_i∘c_{t-1})      input gate        (p = 0 without peepholes: Keras's LSTM)
//! f   = σ(z_f + p_f∘c_{t-1})      forget gate       (Keras initialises b_f = 1: unit_forget_bias)
//! g   = tanh(z_c)                 candidate cell
//! c_t = f∘c_{t-1} + i∘g
//! o   = σ(z_o + p_o∘c_t)          output gate
//! h_t = o∘tanh(c_t)
//! ```
//! Peepholes (Gers & Schmidhuber 2000) let the gates see the cell state; their weights
//! `p = [p_i; p_f; p_o]` (`[3, u]`, named `peephole_weights`) are diagonal. With recurrent dropout,
//! `h_{t-1}` is scaled by a mask where it enters `h_{t-1}·U` (see `Seq::rec_drop`).
//!
//! Backward, with `δh = ∂L/∂h_t`, `δc = ∂L/∂c_t` arriving from step t+1:
//! ```text
//! dz_o     = δh∘tanh(c_t)∘o(1-o)
//! dc       = δc + δh∘o∘(1 - tanh²(c_t)) + dz_o∘p_o
//! dz_i     = dc∘g∘i(1-i)       dz_f = dc∘c_{t-1}∘f(1-f)       dz_c = dc∘i∘(1-g²)
//! δc_{t-1} = dc∘f + dz_i∘p_i + dz_f∘p_f
//! δh_{t-1} = dz·Uᵀ             dU += h_{t-1}ᵀ·dz
//! dp_i += Σ_batch dz_i∘c_{t-1}   dp_f += Σ dz_f∘c_{t-1}   dp_o += Σ dz_o∘c_t
//! ```
//! `cache.gates[t]` holds the activated `[i, f, g, o]`; `cache.c` the cell states.

use super::{mask_at, prev_next, recurrent_product, recurrent_product_backward, sigmoid, DirCache, RecGrads, Scratch, Seq};
use crate::engine::cpu::math::tanh;

/// Peephole weights `(p_i, p_f, p_o)` for unit `j` (zeros without peepholes).
#[inline]
fn peep(p: &[f32], h: usize, j: usize) -> (f32, f32, f32) {
    if p.is_empty() {
        (0.0, 0.0, 0.0)
    } else {
        (p[j], p[h + j], p[2 * h + j])
    }
}

pub fn forward(seq: &Seq, cache: &mut DirCache, s: &mut Scratch) {
    let (b, h) = (seq.d.batch, seq.d.units);
    let (bh, g4) = (b * h, 4 * h);
    for t in 0..seq.d.time {
        let z = &mut cache.gates[t * b * g4..(t + 1) * b * g4];
        z.copy_from_slice(&cache.xw[t * b * g4..(t + 1) * b * g4]);
        let (h_prev, h_next) = prev_next(&mut cache.h, t, bh);
        if t > 0 {
            recurrent_product(seq, h_prev, g4, 0..4, z, &mut s.dropped);
        }
        let (c_prev, c_next) = prev_next(&mut cache.c, t, bh);
        for bi in 0..b {
            let m = mask_at(seq.mask, t, b, bi);
            let zr = &mut z[bi * g4..(bi + 1) * g4];
            for j in 0..h {
                let k = bi * h + j;
                let (pi, pf, po) = peep(seq.w.peep, h, j);
                let i = sigmoid(zr[j] + pi * c_prev[k]);
                let f = sigmoid(zr[h + j] + pf * c_prev[k]);
                let gg = tanh(zr[2 * h + j]);
                let c_new = f * c_prev[k] + i * gg;
                let o = sigmoid(zr[3 * h + j] + po * c_new);
                zr[j] = i;
                zr[h + j] = f;
                zr[2 * h + j] = gg;
                zr[3 * h + j] = o;
                let h_new = o * tanh(c_new);
                c_next[k] = m * c_new + (1.0 - m) * c_prev[k];
                h_next[k] = m * h_new + (1.0 - m) * h_prev[k];
            }
        }
    }
}

pub fn backward(seq: &Seq, cache: &DirCache, dh_out: &[f32], dxw: &mut [f32], g: RecGrads, s: &mut Scratch) {
    let (b, h) = (seq.d.batch, seq.d.units);
    let (bh, g4) = (b * h, 4 * h);
    let peepholes = !seq.w.peep.is_empty();
    let Scratch { dh, dc, dropped, d_dropped, .. } = s;
    dh.fill(0.0);
    dc.fill(0.0);
    for t in (0..seq.d.time).rev() {
        let gates = &cache.gates[t * b * g4..(t + 1) * b * g4];
        let dz = &mut dxw[t * b * g4..(t + 1) * b * g4];
        let c_prev = &cache.c[t * bh..(t + 1) * bh];
        for (v, o) in dh.iter_mut().zip(&dh_out[t * bh..(t + 1) * bh]) {
            *v += o;
        }
        for bi in 0..b {
            let m = mask_at(seq.mask, t, b, bi);
            let gr = &gates[bi * g4..(bi + 1) * g4];
            let dzr = &mut dz[bi * g4..(bi + 1) * g4];
            for j in 0..h {
                let (i, f, gg, o) = (gr[j], gr[h + j], gr[2 * h + j], gr[3 * h + j]);
                let (pi, pf, po) = peep(seq.w.peep, h, j);
                let k = bi * h + j;
                let c_new = f * c_prev[k] + i * gg;
                let tc = tanh(c_new);
                let dhn = m * dh[k];
                let dzo = dhn * tc * o * (1.0 - o);
                let dct = m * dc[k] + dhn * o * (1.0 - tc * tc) + dzo * po;
                let dzi = dct * gg * i * (1.0 - i);
                let dzf = dct * c_prev[k] * f * (1.0 - f);
                dzr[j] = dzi;
                dzr[h + j] = dzf;
                dzr[2 * h + j] = dct * i * (1.0 - gg * gg);
                dzr[3 * h + j] = dzo;
                dc[k] = (1.0 - m) * dc[k] + dct * f + dzi * pi + dzf * pf;
                dh[k] *= 1.0 - m;
                if peepholes {
                    g.dpeep[j] += dzi * c_prev[k];
                    g.dpeep[h + j] += dzf * c_prev[k];
                    g.dpeep[2 * h + j] += dzo * c_new;
                }
            }
        }
        if t > 0 {
            let h_prev = &cache.h[t * bh..(t + 1) * bh];
            recurrent_product_backward(seq, h_prev, dz, g4, 0..4, dh, g.du, dropped, d_dropped);
        }
    }
}
