//! Optimisers follow Keras 3's update rules exactly (checked against the formulas by hand).

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

use unroll::engine::train::{clip_by_global_norm, global_norm, Optimizer, OptimizerSpec};

#[test]
fn adam_matches_keras_for_three_steps() {
    let (lr, b1, b2, eps) = (0.01f64, 0.9f64, 0.999f64, 1e-7f64);
    let grads = [[0.5f32, -2.0], [0.1, 0.3], [-1.0, 0.0]];
    let mut p = vec![1.0f32, -1.0];
    let mut opt = Optimizer::new(OptimizerSpec::adam(lr as f32), 2);
    let (mut m, mut v, mut want) = ([0.0f64; 2], [0.0f64; 2], [1.0f64, -1.0]);
    for (t, g) in grads.iter().enumerate() {
        opt.step(&mut p, g);
        let t = (t + 1) as f64;
        let alpha = lr * (1.0 - b2.powf(t)).sqrt() / (1.0 - b1.powf(t));
        for i in 0..2 {
            let g = g[i] as f64;
            m[i] += (g - m[i]) * (1.0 - b1);
            v[i] += (g * g - v[i]) * (1.0 - b2);
            want[i] -= m[i] * alpha / (v[i].sqrt() + eps);
        }
        for i in 0..2 {
            assert!((p[i] as f64 - want[i]).abs() < 1e-6, "step {t}: {} vs {}", p[i], want[i]);
        }
    }
    assert_eq!(opt.iterations, 3);
}

#[test]
fn sgd_plain_momentum_and_nesterov() {
    let g = [1.0f32, -0.5];
    // plain: p -= lr g
    let mut p = vec![0.0f32; 2];
    let mut opt = Optimizer::new(OptimizerSpec::sgd(0.1, 0.0), 2);
    opt.step(&mut p, &g);
    assert_eq!(p, vec![-0.1, 0.05]);
    // momentum 0.9: m = 0.9 m - lr g; p += m
    let mut p = vec![0.0f32; 2];
    let mut opt = Optimizer::new(OptimizerSpec::sgd(0.1, 0.9), 2);
    opt.step(&mut p, &g);
    opt.step(&mut p, &g);
    // m1 = -0.1 g, p1 = -0.1 g; m2 = 0.9 m1 - 0.1 g = -0.19 g; p2 = -0.29 g
    assert!((p[0] + 0.29).abs() < 1e-6 && (p[1] - 0.145).abs() < 1e-6, "{p:?}");
    // nesterov: p += 0.9 m - lr g
    let mut p = vec![0.0f32; 2];
    let mut opt = Optimizer::new(OptimizerSpec::Sgd { lr: 0.1, momentum: 0.9, nesterov: true }, 2);
    opt.step(&mut p, &g);
    // m1 = -0.1 g; p1 = 0.9*(-0.1 g) - 0.1 g = -0.19 g
    assert!((p[0] + 0.19).abs() < 1e-6, "{p:?}");
}

#[test]
fn global_norm_clipping_scales_everything_by_one_factor() {
    let mut g = vec![3.0f32, 4.0];
    let norm = clip_by_global_norm(&mut g, 1.0);
    assert_eq!(norm, 5.0);
    assert!((g[0] - 0.6).abs() < 1e-6 && (g[1] - 0.8).abs() < 1e-6);
    assert!((global_norm(&g) - 1.0).abs() < 1e-6);
    let mut small = vec![0.3f32, 0.4];
    clip_by_global_norm(&mut small, 1.0);
    assert_eq!(small, vec![0.3, 0.4], "below the clip norm nothing changes");
}
