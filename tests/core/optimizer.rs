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

/// Keras 3.15.1's `Adam(learning_rate=0.01, beta_2=0.5, amsgrad=True)` and the same without
/// AMSGrad on these gradients (printed by `apply_gradients` in TensorFlow 2.21; a short `beta_2`
/// so that the second moment falls within four steps): from the second step AMSGrad divides by
/// the largest second moment, not the current one.
#[test]
#[allow(clippy::excessive_precision)] // as Keras printed them
fn amsgrad_matches_keras_for_four_steps() {
    let grads = [[0.5f32, -2.0], [0.1, 0.3], [-1.0, 0.0], [0.05, 0.01]];
    let keras_ams = [
        [0.99f32, -0.99],
        [0.9829093813896179, -0.9851654767990112],
        [0.985295295715332, -0.9818704724311829],
        [0.9868541359901428, -0.9794715046882629],
    ];
    let keras_plain = [
        [0.99f32, -0.99],
        [0.980350911617279, -0.9833117723464966],
        [0.9827368259429932, -0.9768652319908142],
        [0.9849362373352051, -0.9702282547950745],
    ];
    for (amsgrad, keras) in [(true, keras_ams), (false, keras_plain)] {
        let mut p = vec![1.0f32, -1.0];
        let mut opt = Optimizer::new(OptimizerSpec::Adam { lr: 0.01, beta1: 0.9, beta2: 0.5, epsilon: 1e-7, amsgrad }, 2);
        for (t, (g, want)) in grads.iter().zip(&keras).enumerate() {
            opt.step(&mut p, g);
            for i in 0..2 {
                assert!((p[i] - want[i]).abs() < 2e-6, "amsgrad {amsgrad}, step {}: {p:?} vs Keras {want:?}", t + 1);
            }
        }
        assert_eq!(opt.state().a.len(), if amsgrad { 2 } else { 0 }, "the largest second moment is a slot");
    }
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

#[test]
fn rmsprop_matches_keras_plain_centered_and_with_momentum() {
    let grads = [[0.5f32, -2.0], [0.1, 0.3], [-1.0, 0.0]];
    for (centered, momentum) in [(false, 0.0f32), (true, 0.0), (false, 0.9), (true, 0.5)] {
        let (lr, rho, eps) = (0.01f64, 0.9f64, 1e-7f64);
        let spec = OptimizerSpec::RmsProp { lr: lr as f32, rho: rho as f32, momentum, epsilon: eps as f32, centered };
        let mut opt = Optimizer::new(spec, 2);
        let mut p = vec![1.0f32, -1.0];
        let (mut v, mut a, mut m, mut want) = ([0.0f64; 2], [0.0f64; 2], [0.0f64; 2], [1.0f64, -1.0]);
        for g in &grads {
            opt.step(&mut p, g);
            for i in 0..2 {
                let gi = g[i] as f64;
                v[i] = rho * v[i] + (1.0 - rho) * gi * gi;
                let denom = if centered {
                    a[i] = rho * a[i] + (1.0 - rho) * gi;
                    v[i] - a[i] * a[i] + eps
                } else {
                    v[i] + eps
                };
                let inc = lr * gi / denom.sqrt();
                if momentum > 0.0 {
                    m[i] = momentum as f64 * m[i] + inc;
                    want[i] -= m[i];
                } else {
                    want[i] -= inc;
                }
                assert!((p[i] as f64 - want[i]).abs() < 1e-5, "centered {centered} momentum {momentum}: {} vs {}", p[i], want[i]);
            }
        }
    }
}

#[test]
fn clipping_by_value_by_norm_per_tensor_and_global() {
    use unroll::engine::train::Clipping;
    let tensors = || [0..2, 2..4].into_iter();
    let mut g = vec![3.0f32, 4.0, 0.3, -0.4];
    Clipping::Value(1.0).apply(&mut g, tensors());
    assert_eq!(g, vec![1.0, 1.0, 0.3, -0.4]);
    let mut g = vec![3.0f32, 4.0, 0.3, -0.4];
    let norm = Clipping::Norm(1.0).apply(&mut g, tensors());
    assert!((norm - (25.0f32 + 0.25).sqrt()).abs() < 1e-5);
    assert!((g[0] - 0.6).abs() < 1e-6 && (g[1] - 0.8).abs() < 1e-6, "first tensor scaled to norm 1");
    assert_eq!(&g[2..], &[0.3, -0.4], "second tensor already below 1");
    let mut g = vec![3.0f32, 4.0, 0.3, -0.4];
    Clipping::GlobalNorm(1.0).apply(&mut g, tensors());
    assert!((global_norm(&g) - 1.0).abs() < 1e-6);
    assert!((g[2] / g[0] - 0.1).abs() < 1e-6, "one factor for all");
}

#[test]
fn learning_rate_schedules_match_keras() {
    use unroll::engine::train::Schedule;
    assert_eq!(Schedule::Constant.at(0.1, 1000), 0.1);
    let step = Schedule::Step { every: 100, factor: 0.5 };
    assert_eq!((step.at(0.1, 0), step.at(0.1, 99), step.at(0.1, 100), step.at(0.1, 250)), (0.1, 0.1, 0.05, 0.025));
    let cos = Schedule::Cosine { decay_steps: 100, alpha: 0.1 };
    assert!((cos.at(1.0, 0) - 1.0).abs() < 1e-6);
    assert!((cos.at(1.0, 50) - 0.55).abs() < 1e-6, "{}", cos.at(1.0, 50));
    assert!((cos.at(1.0, 100) - 0.1).abs() < 1e-6);
    assert!((cos.at(1.0, 500) - 0.1).abs() < 1e-6, "stays at alpha after decay_steps");
}

#[test]
fn early_stopping_waits_for_patience_and_restores_the_best_weights() {
    use unroll::engine::train::{Decision, Direction, EarlyStopping, EarlyStoppingSpec};
    let spec = EarlyStoppingSpec { direction: Direction::Min, patience: 2, min_delta: 0.0, restore_best_weights: true };
    let mut es = EarlyStopping::new(spec);
    let losses = [1.0, 0.8, 0.85, 0.9, 0.7];
    let mut decisions = vec![];
    for (epoch, &l) in losses.iter().enumerate() {
        decisions.push(es.on_epoch_end(epoch, l, &[epoch as f32]));
        if decisions.last() == Some(&Decision::Stop) {
            break;
        }
    }
    assert_eq!(decisions, vec![Decision::Continue, Decision::Continue, Decision::Continue, Decision::Stop]);
    assert_eq!((es.best(), es.best_epoch, es.stopped_epoch), (Some(0.8), 1, Some(3)));
    let mut w = [9.0f32];
    assert!(es.on_train_end(&mut w));
    assert_eq!(w, [1.0], "weights after the best epoch (1)");
    // min_delta: an improvement smaller than it does not count; max mode for accuracy.
    let mut acc =
        EarlyStopping::new(EarlyStoppingSpec { direction: Direction::Max, patience: 1, min_delta: 0.01, restore_best_weights: false });
    assert_eq!(acc.on_epoch_end(0, 0.80, &[]), Decision::Continue);
    assert_eq!(acc.on_epoch_end(1, 0.805, &[]), Decision::Stop);
    assert!(!acc.on_train_end(&mut []));
    let mut loss = EarlyStopping::new(EarlyStoppingSpec { min_delta: 0.1, patience: 1, ..spec });
    loss.on_epoch_end(0, 1.0, &[0.0]);
    assert_eq!(loss.on_epoch_end(1, 0.95, &[1.0]), Decision::Stop, "0.05 better is less than min_delta");
    // A NaN metric never improves.
    let mut nan = EarlyStopping::new(EarlyStoppingSpec { patience: 1, ..spec });
    nan.on_epoch_end(0, 1.0, &[0.0]);
    assert_eq!(nan.on_epoch_end(1, f32::NAN, &[1.0]), Decision::Stop);
}

/// Plain SGD visits only the embedding rows with a gradient; the weights come out exactly as a
/// dense update leaves them.
#[test]
fn sparse_sgd_updates_equal_dense_ones() {
    use unroll::engine::cells::CellKind;
    use unroll::engine::train::{Clipping, Trainer};
    use unroll::engine::{Input, InputData, Model, Targets};
    let spec = crate::common::cls_model(40, 4, true, vec![crate::common::layer(CellKind::Gru { reset_after: true }, 5, None)], 3);
    let model = Model::new(spec, 4).unwrap();
    let mut sparse = Trainer::new(model.clone(), OptimizerSpec::sgd(0.1, 0.0), Clipping::None, 1);
    assert!(sparse.optimizer.skips_zero_gradients());
    let mut grads = vec![0.0; model.param_count()];
    let mut dense_model = model.clone();
    let mut dense_opt = Optimizer::new(OptimizerSpec::sgd(0.1, 0.0), model.param_count());
    let mut ws = unroll::engine::Workspace::default();
    for step in 0..4u32 {
        let ids: Vec<u32> = (0..12).map(|i| 1 + (i * 5 + step * 7) % 39).collect();
        let input = Input { batch: 3, time: 4, data: InputData::Tokens(&ids), mask: None, feedback: None, loss_from: 0 };
        let labels = [0, 1, 2];
        sparse.step(&input, &Targets::Classes(&labels)).unwrap();
        dense_model
            .loss_and_grads(&input, &Targets::Classes(&labels), &mut grads, &mut ws, &mut unroll::engine::model::Dropout::Off)
            .unwrap();
        dense_opt.step(&mut dense_model.params.values, &grads);
        assert_eq!(sparse.model.params.values, dense_model.params.values, "step {step}");
    }
}
