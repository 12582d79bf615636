//! SimpleRNN (Elman) cell, Keras `SimpleRNN`.
//!
//! ```text
//! h_t = act(x_t·W + h_{t-1}·U + b)          W [input, units], U [units, units], b [units]
//! ```
//! `act` is tanh by default; the course's time-series model uses relu.
//!
//! Backward, with `δ = ∂L/∂h_t` (from the output and from step t+1):
//! ```text
//! dz      = δ ∘ act'(h_t)                   (act' written in terms of the output h_t)
//! dU     += h_{t-1}ᵀ·dz
//! δ_{t-1} = dz·Uᵀ
//! ```
//! `cache.gates[t]` holds the unmasked `act(z_t)`.

use super::{mask_at, prev_next, Activation, Dims, DirCache, RecGrads, RecWeights, Scratch};
use crate::engine::cpu::{gemm_nn, gemm_nt, gemm_tn, Accumulate, Mat, MatMut};

pub fn forward(act: Activation, d: Dims, w: RecWeights, mask: Option<&[f32]>, cache: &mut DirCache) {
    let (b, h) = (d.batch, d.units);
    let bh = b * h;
    let u = Mat::new(w.u, h, h);
    for t in 0..d.time {
        let (h_prev, h_next) = prev_next(&mut cache.h, t, bh);
        let z = &mut cache.gates[t * bh..(t + 1) * bh];
        z.copy_from_slice(&cache.xw[t * bh..(t + 1) * bh]);
        if t > 0 {
            gemm_nn(Mat::new(h_prev, b, h), u, &mut MatMut::new(z, b, h), Accumulate::Add);
        }
        for v in z.iter_mut() {
            *v = act.apply(*v);
        }
        for bi in 0..b {
            let m = mask_at(mask, t, b, bi);
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

#[allow(clippy::too_many_arguments)]
pub fn backward(
    act: Activation,
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
    let bh = b * h;
    let u = Mat::new(w.u, h, h);
    let dh = &mut s.dh;
    dh.fill(0.0);
    for t in (0..d.time).rev() {
        let y = &cache.gates[t * bh..(t + 1) * bh];
        let dz = &mut dxw[t * bh..(t + 1) * bh];
        for (v, o) in dh.iter_mut().zip(&dh_out[t * bh..(t + 1) * bh]) {
            *v += o;
        }
        for bi in 0..b {
            let m = mask_at(mask, t, b, bi);
            for j in bi * h..(bi + 1) * h {
                dz[j] = m * dh[j] * act.grad_from_output(y[j]);
                dh[j] *= 1.0 - m;
            }
        }
        if t > 0 {
            let h_prev = &cache.h[t * bh..(t + 1) * bh];
            gemm_nt(Mat::new(dz, b, h), u, &mut MatMut::new(dh, b, h), Accumulate::Add);
            gemm_tn(Mat::new(h_prev, b, h), Mat::new(dz, b, h), &mut MatMut::new(g.du, h, h), Accumulate::Add);
        }
    }
}
