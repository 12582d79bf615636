//! The `unroll` command line: exit codes and the lines scripts rely on.
#![cfg(not(target_arch = "wasm32"))]

use std::process::Command;

fn unroll(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_unroll")).args(args).output().expect("runs");
    (out.status.code().unwrap_or(-1), String::from_utf8_lossy(&out.stdout).into_owned(), String::from_utf8_lossy(&out.stderr).into_owned())
}

fn golden(name: &str) -> String {
    format!("{}/../shared/golden/{name}", env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn every_command_answers_help() {
    for cmd in ["check-golden", "train", "model", "bench"] {
        for flag in ["--help", "-h"] {
            let (code, out, err) = unroll(&[cmd, flag]);
            assert_eq!(code, 0, "unroll {cmd} {flag}: {err}");
            assert!(out.contains(&format!("unroll {cmd}")), "unroll {cmd} {flag} names itself: {out}");
            assert!(err.is_empty(), "{err}");
        }
    }
    let (_, out, _) = unroll(&["train", "--help"]);
    assert!(out.contains("agnews"), "--task lists every lesson: {out}");
    let (_, out, _) = unroll(&["bench", "--help"]);
    assert!(out.contains("--news") && out.contains("--threads") && out.contains("--generation"), "{out}");
}

#[test]
fn check_golden_passes_on_the_sequence_files() {
    let (code, out, _) = unroll(&["check-golden", &golden("seq_simple_rnn.json"), &golden("seq_lstm.json")]);
    assert_eq!(code, 0, "{out}");
    assert_eq!(out.matches("=> PASS").count(), 2, "{out}");
    assert!(out.contains("grads.rnn0.recurrent_kernel") && out.contains("traces.rnn0.c"), "{out}");
}

#[test]
fn check_golden_runs_both_engine_paths() {
    let (code, out, _) = unroll(&["check-golden", "--path", "both", &golden("lstm_masked.json")]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("[fast path]") && out.contains("[reference path]"), "{out}");
    assert_eq!(out.matches("=> PASS").count(), 2, "{out}");
    let (code, _, err) = unroll(&["check-golden", "--path", "gpu", &golden("lstm.json")]);
    assert_eq!(code, 2);
    assert!(err.contains("fast, reference or both"), "{err}");
}

/// `--backend gpu` checks every golden file on the WebGPU engine (lavapipe here and in CI).
#[test]
fn check_golden_on_the_gpu_engine() {
    if let Err(why) = unroll::engine::gpu::adapter_summary() {
        assert!(std::env::var_os("UNROLL_REQUIRE_GPU").is_none(), "UNROLL_REQUIRE_GPU is set and there is no adapter: {why}");
        eprintln!("SKIPPED: no WebGPU adapter here ({why})");
        return;
    }
    let dir = format!("{}/../shared/golden", env!("CARGO_MANIFEST_DIR"));
    let mut files: Vec<String> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().path().display().to_string()).collect();
    files.retain(|f| f.ends_with(".json"));
    files.sort();
    let mut args = vec!["check-golden", "--backend", "gpu"];
    args.extend(files.iter().map(String::as_str));
    let (code, out, err) = unroll(&args);
    assert_eq!(code, 0, "{out}{err}");
    assert_eq!(out.matches("[gpu path]").count(), files.len(), "{out}");
    assert_eq!(out.matches("=> PASS").count(), files.len(), "{out}");
}

#[test]
fn model_files_summarise_and_verify() {
    let dir = std::env::temp_dir().join(format!("unroll-cli-model-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("sine.json");
    let (code, out, err) = unroll(&["train", "--cell", "gru", "--units", "6", "--steps", "5", "--save", file.to_str().unwrap()]);
    assert_eq!(code, 0, "{out}{err}");
    let (code, out, _) = unroll(&["model", "summary", file.to_str().unwrap()]);
    assert_eq!(code, 0);
    assert!(out.contains("gru (GRU)") && out.contains(" Total params: 169"), "{out}");
    let (code, out, _) = unroll(&["model", "verify", file.to_str().unwrap()]);
    assert_eq!(code, 0, "{out}");
    std::fs::write(&file, "{\"format\": \"unroll-model\", \"version\": 9}").unwrap();
    let (code, _, err) = unroll(&["model", "verify", file.to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(err.contains("version 9"), "{err}");
}

#[test]
fn check_golden_exit_codes_tell_mismatch_from_unsupported() {
    let dir = std::env::temp_dir().join(format!("unroll-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let text = std::fs::read_to_string(golden("seq_lstm.json")).unwrap();
    let mut v: serde_json::Value = serde_json::from_str(&text).unwrap();
    v["grads"]["dense.bias"][0] = serde_json::json!(123.0);
    let bad = dir.join("mismatch.json");
    std::fs::write(&bad, v.to_string()).unwrap();
    let (code, out, _) = unroll(&["check-golden", bad.to_str().unwrap()]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("grads.dense.bias") && out.contains("FAIL"), "{out}");

    v["spec"]["task"] = serde_json::json!("seq2seq");
    let unsupported = dir.join("unsupported.json");
    std::fs::write(&unsupported, v.to_string()).unwrap();
    let (code, out, _) = unroll(&["check-golden", unsupported.to_str().unwrap()]);
    assert_eq!(code, 2, "{out}");
    assert!(out.contains("not supported yet: task `seq2seq`"), "{out}");

    let (code, out, _) = unroll(&["check-golden", "/nonexistent.json"]);
    assert_eq!(code, 2);
    assert!(out.contains("cannot read"), "{out}");
}

#[test]
fn train_prints_the_three_result_lines() {
    let (code, out, err) = unroll(&["train", "--task", "sine", "--cell", "lstm", "--units", "8", "--steps", "30", "--seq-len", "10"]);
    assert_eq!(code, 0, "{out}{err}");
    for line in ["held-out next-step MSE: ", "generation MSE: ", "ms/step: "] {
        assert!(out.lines().any(|l| l.starts_with(line)), "missing `{line}` in\n{out}");
    }
    assert!(out.contains("LSTM(8)"), "{out}");
}

#[test]
fn train_refuses_bad_flags_with_the_flag_named() {
    let (code, _, err) = unroll(&["train", "--units", "0"]);
    assert_eq!(code, 2);
    assert!(err.contains("units") && err.contains("between 1 and 512"), "{err}");
    let (code, _, err) = unroll(&["train", "--cell", "transformer"]);
    assert_eq!(code, 2);
    assert!(err.contains("rnn, lstm, gru"), "{err}");
    let (code, _, err) = unroll(&["train", "--task", "typed", "--series", "1, 2, x"]);
    assert_eq!(code, 2);
    assert!(err.contains("“x”"), "{err}");
    let (code, out, _) = unroll(&["train", "--help"]);
    assert_eq!(code, 0);
    assert!(out.contains("--seq-len") && out.contains("[default: 30]"), "{out}");
    // A flag the task does not read is refused, not ignored (`--series ""` trained the sine).
    for (args, flag, task) in [
        (&["train", "--series", ""][..], "--series", "sine"),
        (&["train", "--task", "sine", "--series", "1, 2, 3, 4"][..], "--series", "sine"),
        (&["train", "--vocab", "5000"][..], "--vocab", "sine"),
        (&["train", "--task", "agnews", "--seq-len", "20"][..], "--seq-len", "agnews"),
        (&["train", "--task", "typed", "--series", "1, 2, 3, 5", "--data", "x"][..], "--data", "typed"),
    ] {
        let (code, _, err) = unroll(args);
        assert_eq!(code, 2, "{args:?}");
        assert!(err.contains(&format!("{flag} is not read by the {task} lesson")), "{args:?}: {err}");
    }
    let (code, _, err) = unroll(&["train", "--task", "typed", "--series", ""]);
    assert_eq!(code, 2);
    assert!(err.contains("Type some numbers"), "{err}");
}

#[test]
fn train_agnews_reports_bad_rows_progress_and_test_accuracy() {
    let dir = std::env::temp_dir().join(format!("unroll-cli-news-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let words = [("1", "election minister"), ("2", "goal coach"), ("3", "shares profit"), ("4", "chip software")];
    let mut train = String::new();
    for i in 0..200 {
        let (label, w) = words[i % 4];
        train.push_str(&format!("\"{label}\",\"{w} today\",\"the {w} report number {i}\"\n"));
        if i == 10 {
            train.push_str("\"9\",\"bad class\",\"x\"\n"); // line 12
            train.push_str("\"1\",\"two fields only\"\n"); // line 13
        }
    }
    let test: String = words.iter().map(|(l, w)| format!("\"{l}\",\"{w}\",\"a {w} story\"\n")).collect();
    std::fs::write(dir.join("train.csv"), train).unwrap();
    std::fs::write(dir.join("test.csv"), test).unwrap();
    let data = dir.to_str().unwrap();
    let (code, out, err) = unroll(&["train", "--task", "agnews", "--data", data, "--preset", "lstm", "--epochs", "3", "--lr", "0.02"]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(
        err.contains("train.csv: skipped 2 malformed rows") && err.contains("train.csv:line 12") && err.contains("train.csv:line 13"),
        "{err}"
    );
    assert!(out.contains("model: Embedding(20000, 64, mask_zero) → LSTM(8) → Dense(4)"), "{out}");
    assert!(out.contains("epoch 3/3: loss"), "{out}");
    let acc: f32 = out.lines().find_map(|l| l.strip_prefix("test accuracy: ")).and_then(|l| l.split(' ').next()).unwrap().parse().unwrap();
    assert!(acc == 1.0, "{out}");
    let (code, _, err) = unroll(&["train", "--task", "agnews", "--data", data, "--preset", "transformer"]);
    assert_eq!(code, 2);
    assert!(err.contains("--preset: `transformer` is not valid") && err.contains("rnn-title, rnn, lstm, bilstm, gru"), "{err}");
    let (code, _, err) = unroll(&["train", "--task", "agnews", "--data", "/nonexistent"]);
    assert_eq!(code, 2);
    assert!(err.contains("cannot read /nonexistent/train.csv"), "{err}");
    let (code, _, err) = unroll(&["train", "--task", "agnews", "--data-url", "https://example.org/a.csv"]);
    assert_eq!(code, 2);
    assert!(err.contains("--data-url is the page's") && err.contains("--data DIR"), "{err}");
}

/// `unroll bench --generation` prints one row per seed, cell and recipe (the course's, the page's
/// warm-up and free-running, or the one `--set training=` / `--set warmup=` make) with both MSEs,
/// and refuses bad arguments by name.
#[test]
fn the_generation_benchmark_prints_every_seed() {
    let (code, out, err) = unroll(&["bench", "--generation", "--seeds", "2", "--steps", "3", "--cell", "rnn", "--json"]);
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(out.trim()).unwrap();
    let rows = v["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 6);
    assert!(rows.iter().all(|r| r["cell"] == "SimpleRNN" && r["heldout_mse"].as_f64().unwrap() > 0.0 && r["generation_mse"].is_number()));
    let modes: Vec<(&str, u64)> = rows.iter().map(|r| (r["training"].as_str().unwrap(), r["warmup"].as_u64().unwrap())).collect();
    assert_eq!(modes, [("teacher", 0), ("teacher", 15), ("free", 0), ("teacher", 0), ("teacher", 15), ("free", 0)]);
    let (code, out, err) =
        unroll(&["bench", "--generation", "--seeds", "1", "--steps", "3", "--cell", "gru", "--set", "training=teacher", "--json"]);
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(out.trim()).unwrap();
    assert_eq!(v["rows"].as_array().unwrap().len(), 1);
    assert_eq!((v["rows"][0]["training"].as_str(), v["rows"][0]["warmup"].as_u64()), (Some("teacher"), Some(15)));
    let (code, _, err) = unroll(&["bench", "--generation", "--set", "units=0"]);
    assert_eq!(code, 2);
    assert!(err.contains("units"), "{err}");
    let (code, _, err) = unroll(&["bench", "--generation", "--cell", "tcn"]);
    assert_eq!(code, 2);
    assert!(err.contains("--cell takes rnn, lstm or gru"), "{err}");
}

/// A model file claiming a huge model is refused with the message, and a non-zero exit, by both
/// subcommands; nothing of the claimed size is allocated (that was an abort on 4 GB).
#[test]
fn model_files_claiming_huge_models_are_refused_with_a_message() {
    let dir = std::env::temp_dir().join(format!("unroll-cli-huge-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("sine.json");
    let (code, out, err) = unroll(&["train", "--cell", "lstm", "--units", "4", "--steps", "2", "--save", file.to_str().unwrap()]);
    assert_eq!(code, 0, "{out}{err}");
    let mut v: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    v["model"]["layers"] =
        serde_json::json!(vec![serde_json::json!({"cell": {"type": "lstm"}, "units": 4096, "bidirectional": "concat"}); 8]);
    std::fs::write(&file, v.to_string()).unwrap();
    for sub in ["summary", "verify"] {
        let (code, out, err) = unroll(&["model", sub, file.to_str().unwrap()]);
        assert_eq!(code, 2, "{out}{err}");
        assert!(err.contains("layer `rnn0` (Bidirectional LSTM) claims") && err.contains("at most 67,108,864 weights"), "{err}");
    }
    v["check"] = serde_json::json!({"inputs": [0.5, 0.5], "shape": [usize::MAX / 2 + 2, 2, 1], "outputs": [0.0, 0.0]});
    v["model"]["layers"] = serde_json::json!([{"cell": {"type": "lstm"}, "units": 4}]);
    std::fs::write(&file, v.to_string()).unwrap();
    let (code, out, err) = unroll(&["model", "verify", file.to_str().unwrap()]);
    assert_eq!(code, 2, "{out}{err}");
    assert!(err.contains("check data: shape [9223372036854775809, 2, 1] claims more inputs than can be counted"), "{err}");
}
