//! The engine against Keras's float64 values: forward outputs, states, the loss and every gradient,
//! within `1e-6 + 1e-4·|keras|`. The shared golden files run on both paths in `reference.rs`.

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

use unroll::golden::{check, check_with, Path};

/// Keras 3 golden files made by `tools/keras/make_golden.py` for what the shared folder lacks
/// (masked per-step regression, mixed stacks, every merge mode, relu), on both engine paths. They
/// have no traces; forward outputs, loss and gradients are compared.
macro_rules! extra_golden {
    ($($test:ident => $file:literal),* $(,)?) => {$(
        #[test]
        fn $test() {
            let json = include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/golden/", $file));
            for path in Path::all() {
                let report = check_with(json, path).unwrap_or_else(|e| panic!("{} ({}): {e}", $file, path.name()));
                let bad: Vec<String> = report.comparisons.iter().filter(|c| !c.ok())
                    .map(|c| format!("{}: max abs {:.3e}, max rel {:.3e}", c.name, c.max_abs, c.max_rel)).collect();
                assert!(bad.is_empty(), "{} ({} path):\n{}", $file, path.name(), bad.join("\n"));
                for prefix in ["forward.", "loss", "grads."] {
                    assert!(report.comparisons.iter().any(|c| c.name.starts_with(prefix)), "{}: nothing compared for {prefix}", $file);
                }
            }
        }
    )*};
}

extra_golden! {
    extra_seq_lstm_masked => "seq_lstm_masked.json",
    extra_seq_gru_masked => "seq_gru_masked.json",
    extra_seq_bi_rnn_masked => "seq_bi_rnn_masked.json",
    extra_seq_relu_rnn => "seq_relu_rnn.json",
    extra_seq_stacked_gru_lstm => "seq_stacked_gru_lstm.json",
    extra_cls_stacked_lstm_gru_masked => "cls_stacked_lstm_gru_masked.json",
    extra_cls_bi_gru_sum_masked => "cls_bi_gru_sum_masked.json",
    extra_cls_bi_lstm_ave => "cls_bi_lstm_ave.json",
    extra_cls_bi_rnn_mul_masked => "cls_bi_rnn_mul_masked.json",
    extra_cls_bi_stack_masked => "cls_bi_stack_masked.json",
}

#[test]
fn a_perturbed_file_fails() {
    let json = include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/golden/seq_lstm.json"));
    let mut v: serde_json::Value = serde_json::from_str(json).unwrap();
    let loss = v["loss"].as_f64().unwrap();
    v["loss"] = serde_json::json!(loss * 1.001);
    let report = check(&v.to_string()).unwrap();
    assert!(!report.ok());
    assert!(!report.comparisons.iter().find(|c| c.name == "loss").unwrap().ok());
}

#[test]
fn unsupported_cases_are_named() {
    let json = include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/golden/seq_lstm.json"));
    let mut v: serde_json::Value = serde_json::from_str(json).unwrap();
    v["spec"]["cell"] = serde_json::json!("peephole_lstm");
    match check(&v.to_string()) {
        Err(unroll::golden::GoldenError::Unsupported(what)) => assert!(what.contains("peephole_lstm"), "{what}"),
        other => panic!("expected Unsupported, got {other:?}"),
    }
    assert!(matches!(check("{}"), Err(unroll::golden::GoldenError::Format(_))));
}
