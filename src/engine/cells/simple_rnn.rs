//! SimpleRNN (Elman) cell, Keras `SimpleRNN`.
//!
//! ```text
//! h_t = act(x_t·W + (h_{t-1}∘r)·U + b)      W [input, units], U [units, units], b [units]
//! ```
//! `act` is tanh by default; the course's time-series model uses relu. `r` is the recurrent
//! dropout mask (all ones without dropout).
//!
//! Backward, with `δ = ∂L/∂h_t` (from the output and from step t+1):
//! ```text
//! dz      = δ ∘ act'(h_t)                   (act' written in terms of the output h_t)
//! dU     += (h_{t-1}∘r)ᵀ·dz
//! δ_{t-1} = (dz·Uᵀ)∘r
//! ```
//! `cache.gates[t]` holds the unmasked `act(z_t)`.
//!
//! With relu (and no recurrent dropout) about half of `h` and of `dz` is exactly zero, and the
//! three products skip those terms where that pays ([`crate::engine::cpu::sparse`]: the same
//! sums, bit for bit).

use super::{
    du_after_loop, mask_at, prev_next, recurrent_product, recurrent_product_backward, recurrent_weight_grad_all_steps, Activation,
    DirCache, RecGrads, Scratch, Seq,
};
use crate::engine::cpu::sparse::sparse_pays_off;

/// `seq`, with [`Seq::sparse`] set for relu states not scaled by a dropout mask, where skipping
/// zeros pays (see [`sparse_pays_off`]).
fn with_sparsity<'a>(act: Activation, seq: &Seq<'a>) -> Seq<'a> {
    Seq { sparse: act == Activation::Relu && seq.rec_drop.is_none() && sparse_pays_off(), ..*seq }
}

pub fn forward(act: Activation, seq: &Seq, cache: &mut DirCache, s: &mut Scratch) {
    let (b, h) = (seq.d.batch, seq.d.units);
    let bh = b * h;
    let seq = &with_sparsity(act, seq);
    for t in seq.steps.range() {
        let (h_prev, h_next) = prev_next(&mut cache.h, t, bh);
        let z = &mut cache.gates[t * bh..(t + 1) * bh];
        if t > 0 {
            recurrent_product(seq, h_prev, h, 0..1, z, &mut s.dropped);
        }
        activate(act, z);
        if seq.mask.is_none() {
            h_next.copy_from_slice(z);
            continue;
        }
        for bi in 0..b {
            let m = mask_at(seq.mask, t, b, bi);
            let r = bi * h..(bi + 1) * h;
            if m == 1.0 {
                h_next[r.clone()].copy_from_slice(&z[r]);
            } else {
                for j in r {
                    h_next[j] = m * z[j] + (1.0 - m) * h_prev[j];
                }
            }
        }
    }
}

/// `z = act(z)`, one loop per activation (so that each vectorises).
fn activate(act: Activation, z: &mut [f32]) {
    match act {
        Activation::Relu => z.iter_mut().for_each(|v| *v = Activation::Relu.apply(*v)),
        Activation::Tanh => z.iter_mut().for_each(|v| *v = Activation::Tanh.apply(*v)),
        Activation::LeakyRelu => z.iter_mut().for_each(|v| *v = Activation::LeakyRelu.apply(*v)),
        Activation::Elu => z.iter_mut().for_each(|v| *v = Activation::Elu.apply(*v)),
        Activation::Linear => {}
    }
}

/// `dz = m·δ·act'(y)` and `δ *= 1 - m` for one batch row (`m` its mask value), one loop per
/// activation.
fn gate_grad(act: Activation, y: &[f32], dh: &mut [f32], dz: &mut [f32], m: f32) {
    let (y, dz) = (&y[..dh.len()], &mut dz[..dh.len()]);
    macro_rules! per_activation {
        ($($a:ident),+) => {
            match act {
                $(Activation::$a => {
                    for ((z, d), &y) in dz.iter_mut().zip(dh.iter_mut()).zip(y) {
                        *z = m * *d * Activation::$a.grad_from_output(y);
                        *d *= 1.0 - m;
                    }
                })+
            }
        };
    }
    per_activation!(Relu, Tanh, LeakyRelu, Elu, Linear);
}

pub fn backward(act: Activation, seq: &Seq, cache: &DirCache, dh_out: &[f32], dxw: &mut [f32], mut g: RecGrads, s: &mut Scratch) {
    let (b, h) = (seq.d.batch, seq.d.units);
    let bh = b * h;
    let seq = &with_sparsity(act, seq);
    let Scratch { dh, dropped, d_dropped, .. } = s;
    let batched_du = du_after_loop(seq);
    if seq.starts_backward() {
        dh.fill(0.0);
    }
    for t in seq.steps.range().rev() {
        let y = &cache.gates[t * bh..(t + 1) * bh];
        let dz = &mut dxw[t * bh..(t + 1) * bh];
        for (v, o) in dh.iter_mut().zip(&dh_out[t * bh..(t + 1) * bh]) {
            *v += o;
        }
        g.record_dh(t, dh);
        for bi in 0..b {
            let r = bi * h..(bi + 1) * h;
            gate_grad(act, &y[r.clone()], &mut dh[r.clone()], &mut dz[r], mask_at(seq.mask, t, b, bi));
        }
        if t > 0 {
            let h_prev = &cache.h[t * bh..(t + 1) * bh];
            let du = (!batched_du).then_some(&mut *g.du);
            recurrent_product_backward(seq, h_prev, dz, h, 0..1, dh, du, dropped, d_dropped);
        }
    }
    if batched_du && seq.ends_backward() {
        recurrent_weight_grad_all_steps(seq, &cache.h[bh..], &dxw[bh..], h, 0..1, g.du);
    }
}
