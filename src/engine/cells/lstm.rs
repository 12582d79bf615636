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
//! `cache.gates[t]` holds the activated `[i, f, g, o]`; `cache.c` the cell states; `cache.aux[t]`
//! `tanh(c_t)` before masking (the backward pass reads it instead of computing it again).

use super::{
    du_after_loop, mask_at, prev_next, recurrent_product, recurrent_product_backward, recurrent_weight_grad_all_steps, sigmoid, DirCache,
    RecGrads, Scratch, Seq,
};
use crate::engine::cpu::math::tanh;

/// One batch row of the forward pass: `z` holds the four pre-activation blocks `[i f c o]` and
/// receives the activated gates; `c_next`, `h_next` receive the (masked) new states. Written over
/// equal-length slices so the compiler vectorises it; `PEEP` compiles the peephole terms in or out.
// Not inlined: as a function, its `&mut` slices are known not to alias, so the compiler
// vectorises the loop without runtime overlap checks (too many of them for 8 arrays).
#[inline(never)]
#[allow(clippy::too_many_arguments)]
fn forward_row<const PEEP: bool>(
    z: &mut [f32],
    p: &[f32],
    c_prev: &[f32],
    h_prev: &[f32],
    c_next: &mut [f32],
    h_next: &mut [f32],
    tanh_c: &mut [f32],
    m: f32,
) {
    let h = c_prev.len();
    let (zi, rest) = z.split_at_mut(h);
    let (zf, rest) = rest.split_at_mut(h);
    let (zg, zo) = rest.split_at_mut(h);
    // Every slice re-cut to length h, so the compiler drops the bounds checks and vectorises.
    let (zi, zf, zg, zo) = (&mut zi[..h], &mut zf[..h], &mut zg[..h], &mut zo[..h]);
    let (c_prev, h_prev, c_next, h_next, tanh_c) = (&c_prev[..h], &h_prev[..h], &mut c_next[..h], &mut h_next[..h], &mut tanh_c[..h]);
    let (pi, pf, po) = if PEEP { (&p[..h], &p[h..2 * h], &p[2 * h..3 * h]) } else { (&[][..], &[][..], &[][..]) };
    for j in 0..h {
        let cp = c_prev[j];
        let i = sigmoid(zi[j] + if PEEP { pi[j] * cp } else { 0.0 });
        let f = sigmoid(zf[j] + if PEEP { pf[j] * cp } else { 0.0 });
        let gg = tanh(zg[j]);
        let c_new = f * cp + i * gg;
        let o = sigmoid(zo[j] + if PEEP { po[j] * c_new } else { 0.0 });
        zi[j] = i;
        zf[j] = f;
        zg[j] = gg;
        zo[j] = o;
        let tc = tanh(c_new);
        tanh_c[j] = tc;
        let h_new = o * tc;
        c_next[j] = m * c_new + (1.0 - m) * cp;
        h_next[j] = m * h_new + (1.0 - m) * h_prev[j];
    }
}

pub fn forward(seq: &Seq, cache: &mut DirCache, s: &mut Scratch) {
    let (b, h) = (seq.d.batch, seq.d.units);
    let (bh, g4) = (b * h, 4 * h);
    let peep = seq.w.peep;
    for t in seq.steps.range() {
        let z = &mut cache.gates[t * b * g4..(t + 1) * b * g4];
        let (h_prev, h_next) = prev_next(&mut cache.h, t, bh);
        if t > 0 {
            recurrent_product(seq, h_prev, g4, 0..4, z, &mut s.dropped);
        }
        let (c_prev, c_next) = prev_next(&mut cache.c, t, bh);
        let tanh_c = &mut cache.aux[t * bh..(t + 1) * bh];
        for bi in 0..b {
            let m = mask_at(seq.mask, t, b, bi);
            let (zr, r) = (&mut z[bi * g4..(bi + 1) * g4], bi * h..(bi + 1) * h);
            let (cp, hp, cn, hn, tc) =
                (&c_prev[r.clone()], &h_prev[r.clone()], &mut c_next[r.clone()], &mut h_next[r.clone()], &mut tanh_c[r]);
            if peep.is_empty() {
                forward_row::<false>(zr, peep, cp, hp, cn, hn, tc, m);
            } else {
                forward_row::<true>(zr, peep, cp, hp, cn, hn, tc, m);
            }
        }
    }
}

/// One batch row of the backward pass: from the gates and states of step t and the incoming
/// `dh`, `dc` (updated in place to the gradients flowing into step t-1, before the recurrent
/// product's share), writes the pre-activation gradients `dz` and adds the peephole gradients.
// Not inlined: as a function, its `&mut` slices are known not to alias, so the compiler
// vectorises the loop without runtime overlap checks (too many of them for 8 arrays).
#[inline(never)]
#[allow(clippy::too_many_arguments)]
fn backward_row<const PEEP: bool>(
    gates: &[f32],
    p: &[f32],
    c_prev: &[f32],
    tanh_c: &[f32],
    dh: &mut [f32],
    dc: &mut [f32],
    dz: &mut [f32],
    dpeep: &mut [f32],
    m: f32,
) {
    let h = c_prev.len();
    let (gi, rest) = gates.split_at(h);
    let (gf, rest) = rest.split_at(h);
    let (gg, go) = rest.split_at(h);
    let (dzi, rest) = dz.split_at_mut(h);
    let (dzf, rest) = rest.split_at_mut(h);
    let (dzg, dzo) = rest.split_at_mut(h);
    let (gi, gf, gg, go, c_prev, tanh_c) = (&gi[..h], &gf[..h], &gg[..h], &go[..h], &c_prev[..h], &tanh_c[..h]);
    let (dzi, dzf, dzg, dzo, dh, dc) = (&mut dzi[..h], &mut dzf[..h], &mut dzg[..h], &mut dzo[..h], &mut dh[..h], &mut dc[..h]);
    let (pi, pf, po) = if PEEP { (&p[..h], &p[h..2 * h], &p[2 * h..3 * h]) } else { (&[][..], &[][..], &[][..]) };
    for j in 0..h {
        let (i, f, g, o, cp, tc) = (gi[j], gf[j], gg[j], go[j], c_prev[j], tanh_c[j]);
        let dhn = m * dh[j];
        let d_o = dhn * tc * o * (1.0 - o);
        let dct = m * dc[j] + dhn * o * (1.0 - tc * tc) + if PEEP { d_o * po[j] } else { 0.0 };
        let d_i = dct * g * i * (1.0 - i);
        let d_f = dct * cp * f * (1.0 - f);
        dzi[j] = d_i;
        dzf[j] = d_f;
        dzg[j] = dct * i * (1.0 - g * g);
        dzo[j] = d_o;
        dc[j] = (1.0 - m) * dc[j] + dct * f + if PEEP { d_i * pi[j] + d_f * pf[j] } else { 0.0 };
        dh[j] *= 1.0 - m;
        if PEEP {
            dpeep[j] += d_i * cp;
            dpeep[h + j] += d_f * cp;
            dpeep[2 * h + j] += d_o * (f * cp + i * g); // c_t before masking
        }
    }
}

/// `∂L/∂c_t` for one batch row, recorded only when asked ([`super::StateRecord`]): from `dh`
/// (`∂L/∂h_t`) and `dc` (what step t+1 sends back to `c_t`), the sum [`backward_row`] forms as
/// `dc_t` for a real step, plus the carried part at a masked one:
/// ```text
/// dc + m·δh∘o∘(1 - tanh²(c_t)) + m·δh∘tanh(c_t)∘o(1-o)∘p_o
/// ```
fn cell_state_grad(gates: &[f32], p: &[f32], tanh_c: &[f32], dh: &[f32], dc: &[f32], m: f32, out: &mut [f32]) {
    let h = dh.len();
    let (go, po) = (&gates[3 * h..4 * h], if p.is_empty() { None } else { Some(&p[2 * h..3 * h]) });
    for j in 0..h {
        let (o, tc, dhn) = (go[j], tanh_c[j], m * dh[j]);
        let peep = po.map_or(0.0, |po| dhn * tc * o * (1.0 - o) * po[j]);
        out[j] = dc[j] + dhn * o * (1.0 - tc * tc) + peep;
    }
}

pub fn backward(seq: &Seq, cache: &DirCache, dh_out: &[f32], dxw: &mut [f32], mut g: RecGrads, s: &mut Scratch) {
    let (b, h) = (seq.d.batch, seq.d.units);
    let (bh, g4) = (b * h, 4 * h);
    let peep = seq.w.peep;
    let Scratch { dh, dc, dropped, d_dropped, .. } = s;
    let batched_du = du_after_loop(seq);
    if seq.starts_backward() {
        dh.fill(0.0);
        dc.fill(0.0);
    }
    for t in seq.steps.range().rev() {
        let gates = &cache.gates[t * b * g4..(t + 1) * b * g4];
        let dz = &mut dxw[t * b * g4..(t + 1) * b * g4];
        let c_prev = &cache.c[t * bh..(t + 1) * bh];
        let tanh_c = &cache.aux[t * bh..(t + 1) * bh];
        for (v, o) in dh.iter_mut().zip(&dh_out[t * bh..(t + 1) * bh]) {
            *v += o;
        }
        g.record_dh(t, dh);
        if let Some(rec) = g.states.as_deref_mut() {
            let out = &mut rec.dc[t * bh..(t + 1) * bh];
            for bi in 0..b {
                let (gr, r) = (&gates[bi * g4..(bi + 1) * g4], bi * h..(bi + 1) * h);
                let m = mask_at(seq.mask, t, b, bi);
                cell_state_grad(gr, peep, &tanh_c[r.clone()], &dh[r.clone()], &dc[r.clone()], m, &mut out[r]);
            }
        }
        for bi in 0..b {
            let m = mask_at(seq.mask, t, b, bi);
            let (gr, dzr, r) = (&gates[bi * g4..(bi + 1) * g4], &mut dz[bi * g4..(bi + 1) * g4], bi * h..(bi + 1) * h);
            let (cp, tc, dhr, dcr) = (&c_prev[r.clone()], &tanh_c[r.clone()], &mut dh[r.clone()], &mut dc[r]);
            if peep.is_empty() {
                backward_row::<false>(gr, peep, cp, tc, dhr, dcr, dzr, g.dpeep, m);
            } else {
                backward_row::<true>(gr, peep, cp, tc, dhr, dcr, dzr, g.dpeep, m);
            }
        }
        if t > 0 {
            let h_prev = &cache.h[t * bh..(t + 1) * bh];
            let du = (!batched_du).then_some(&mut *g.du);
            recurrent_product_backward(seq, h_prev, dz, g4, 0..4, dh, du, dropped, d_dropped);
        }
    }
    if batched_du && seq.ends_backward() {
        recurrent_weight_grad_all_steps(seq, &cache.h[bh..], &dxw[b * g4..], g4, 0..4, g.du);
    }
}
