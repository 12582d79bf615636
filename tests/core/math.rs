//! The fast transcendental functions against f64's.

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

use unroll::engine::cpu::math;

fn worst(f: impl Fn(f32) -> f32, g: impl Fn(f64) -> f64, lo: f32, hi: f32) -> (f64, f32) {
    let n = 200_001;
    let mut worst = (0.0f64, 0.0f32);
    for i in 0..n {
        let x = lo + (hi - lo) * i as f32 / (n - 1) as f32;
        let want = g(x as f64);
        let err = ((f(x) as f64 - want) / want.abs().max(1e-30)).abs();
        if err > worst.0 {
            worst = (err, x);
        }
    }
    worst
}

#[test]
fn exp_is_accurate_to_a_few_ulp() {
    let (err, at) = worst(math::exp, f64::exp, -87.0, 87.0);
    assert!(err < 5e-7, "exp: relative error {err:e} at {at}");
    assert!(math::exp(-1000.0) > 0.0 && math::exp(-1000.0).is_normal(), "no denormals");
    assert!(math::exp(1000.0) > 1e37 && math::exp(1000.0).is_finite(), "saturates");
    assert_eq!(math::exp(0.0), 1.0);
}

#[test]
fn sigmoid_and_tanh_are_accurate() {
    let (err, at) = worst(math::tanh, f64::tanh, -12.0, 12.0);
    assert!(err < 1e-6, "tanh: relative error {err:e} at {at}");
    // sigmoid: absolute error (its values near 0 only need to be near 0)
    let (mut err, mut at) = (0.0f64, 0.0f32);
    for i in 0..200_001 {
        let x = -30.0 + 60.0 * i as f32 / 200_000.0;
        let e = (math::sigmoid(x) as f64 - 1.0 / (1.0 + (-(x as f64)).exp())).abs();
        if e > err {
            (err, at) = (e, x);
        }
    }
    assert!(err < 3e-7, "sigmoid: absolute error {err:e} at {at}");
    assert_eq!((math::tanh(50.0), math::tanh(-50.0), math::tanh(0.0)), (1.0, -1.0, 0.0));
    assert_eq!(math::sigmoid(200.0), 1.0);
    assert!((0.0..1e-7).contains(&math::sigmoid(-200.0)));
    let (err, at) = worst(math::expm1, f64::exp_m1, -10.0, 5.0);
    assert!(err < 1e-6, "expm1: relative error {err:e} at {at}");
    assert!(math::tanh(f32::NAN).is_nan() && math::sigmoid(f32::NAN).is_nan(), "NaN propagates (divergence is detected)");
}
