//! The engine against Keras's float64 values (`../shared/golden`): forward outputs, every state,
//! the loss and every gradient, within `1e-6 + 1e-4·|keras|`.

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

use unroll::golden::check;

macro_rules! golden {
    ($($test:ident => $file:literal),* $(,)?) => {$(
        #[test]
        fn $test() {
            let json = include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/golden/", $file));
            let report = check(json).unwrap_or_else(|e| panic!("{}: {e}", $file));
            let bad: Vec<String> = report.comparisons.iter().filter(|c| !c.ok())
                .map(|c| format!("{}: max abs {:.3e}, max rel {:.3e}, {} of {} outside", c.name, c.max_abs, c.max_rel, c.failures, c.count))
                .collect();
            assert!(bad.is_empty(), "{}:\n{}", $file, bad.join("\n"));
            // Forward outputs, states, loss and gradients were all compared.
            for prefix in ["forward.", "traces.", "loss", "grads."] {
                assert!(report.comparisons.iter().any(|c| c.name.starts_with(prefix)), "{}: nothing compared for {prefix}", $file);
            }
        }
    )*};
}

golden! {
    seq_simple_rnn => "seq_simple_rnn.json",
    seq_lstm => "seq_lstm.json",
    simple_rnn_classifier => "simple_rnn.json",
    lstm_classifier => "lstm.json",
    gru_reset_after => "gru_reset_after.json",
    gru_reset_before => "gru_reset_before.json",
    bidirectional_lstm => "bilstm.json",
    lstm_masked => "lstm_masked.json",
}

/// Every file in the folder, so that new golden files are checked without a code change.
#[cfg(not(target_arch = "wasm32"))]
#[test]
fn every_file_in_the_golden_folder() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/golden");
    let mut n = 0;
    for entry in std::fs::read_dir(dir).expect("../shared/golden beside the repository") {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "json") {
            let report = check(&std::fs::read_to_string(&path).unwrap()).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            assert!(report.ok(), "{} disagrees with the engine", path.display());
            n += 1;
        }
    }
    assert!(n >= 8, "expected the golden files, found {n}");
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
