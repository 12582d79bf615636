//! `cargo xtask bench`: benchmarks that print figures (never timed tests).
//!
//! - `native`: `unroll bench` (src/bench.rs) natively, release build.
//! - `browser`: the same configurations in the playground's worker in headless Chromium
//!   (`bench/browser.mjs`), printing the same table; then the sine ones with the helper worker
//!   (`--threads 2`); then on the browser's WebGPU (`--backend gpu`: a few steps each, with
//!   dispatches and submissions per step; SwiftShader here, a CPU implementation).
//! - `page`: the playground page itself in headless Chromium (`bench/page.mjs`): steps per second
//!   of the sine lesson through the real UI, and the MSEs reached.
//! - `load`: the page's first load: compressed bytes (wasm, JS, CSS, HTML; the news data later)
//!   and the time until Train can be pressed, against the budgets (`bench/load.mjs`).
//! - `news-page`: the news lesson's course experiment trained through the page to its test
//!   result, with `engine=cpu` and `engine=webgpu` (`bench/news-page.mjs`).
//! - `gpu`: the WebGPU engine natively beside the CPU engine on the same configurations, the
//!   large one included, with dispatches and submissions per step (`unroll bench --backend gpu`).

use std::path::Path;

use crate::install;
use crate::needs::Needs;
use crate::test::node_with_browser;
use crate::trunk;
use crate::util::{err, header, run, Result};

/// The benchmarks `cargo xtask bench` knows.
pub const KINDS: &[(&str, &str)] = &[
    ("native", "the engine natively (unroll bench)"),
    ("browser", "the engine in the playground's worker in headless Chromium (bench/browser.mjs)"),
    ("page", "the playground page in headless Chromium (bench/page.mjs)"),
    ("chain", "the unrolled chain's redraw rate and trace cost while training (bench/chain.mjs)"),
    ("load", "the page's first-load bytes (gzip, brotli) and time to interactive against the budgets (bench/load.mjs)"),
    ("news-page", "AG News trained through the page to its test result on each engine (bench/news-page.mjs; an hour on SwiftShader)"),
    ("generation", "the sine lesson's held-out and generation MSE per seed and cell (unroll bench --generation)"),
    ("news", "one training epoch of each news preset, natively and in headless Chromium (--news)"),
    ("gpu", "the WebGPU engine natively beside the CPU engine, large-lstm included (minutes on lavapipe)"),
];

/// The configurations `gpu` runs on both engines, and how many samples (steps for the sine ones).
const GPU_CONFIGS: &[&str] = &["sine-rnn", "sine-lstm", "agnews-lstm", "large-lstm"];
const GPU_SAMPLES: &str = "1024";

/// AG News, beside the repository (see DESIGN.md: `../shared/data/ag_news`).
fn ag_news(root: &Path) -> std::path::PathBuf {
    root.join("..").join("shared").join("data").join("ag_news")
}

pub fn run_benches(root: &Path, skip_install: bool, kinds: &[String], json: bool) -> Result {
    let kinds: Vec<&str> = if kinds.is_empty() { KINDS.iter().map(|k| k.0).collect() } else { kinds.iter().map(String::as_str).collect() };
    if let Some(bad) = kinds.iter().find(|k| !KINDS.iter().any(|(name, _)| name == *k)) {
        return Err(err(format!("unknown benchmark `{bad}`; known: {}", KINDS.iter().map(|k| k.0).collect::<Vec<_>>().join(", "))));
    }
    if !skip_install {
        install::ensure(root, Needs::E2E)?;
    }
    let mut built = false;
    for kind in kinds {
        match kind {
            "generation" => {
                header("bench", "generation: cargo run --release --bin unroll -- bench --generation");
                let mut cmd = std::process::Command::new("cargo");
                cmd.args(["run", "--quiet", "--release", "--bin", "unroll", "--", "bench", "--generation"]).current_dir(root);
                if json {
                    cmd.arg("--json");
                }
                run(&mut cmd)?;
            }
            "native" | "news" => {
                let extra: &[&str] = if kind == "news" { &["--news"] } else { &[] };
                header("bench", format!("{kind}: cargo run --release --bin unroll -- bench {}", extra.join(" ")));
                let mut cmd = std::process::Command::new("cargo");
                cmd.args(["run", "--quiet", "--release", "--bin", "unroll", "--", "bench", "--data"])
                    .arg(ag_news(root))
                    .args(extra)
                    .current_dir(root);
                if json {
                    cmd.arg("--json");
                }
                run(&mut cmd)?;
                if kind == "news" {
                    browser(root, &mut built, json, extra)?;
                }
            }
            "browser" => {
                browser(root, &mut built, json, &[])?;
                // The sine configurations again with the helper worker (half of each batch on a
                // second worker; the page is served cross-origin isolated, as `serve` does).
                browser(root, &mut built, json, &["--threads", "2", "--only", "sine-rnn", "--only", "sine-lstm"])?;
                // And on the browser's WebGPU (SwiftShader here: it runs, it is no GPU).
                browser(root, &mut built, json, &["--backend", "gpu"])?;
            }
            "gpu" => {
                for backend in ["cpu", "gpu"] {
                    header("bench", format!("gpu: cargo run --release --bin unroll -- bench --backend {backend}"));
                    let mut cmd = std::process::Command::new("cargo");
                    cmd.args([
                        "run",
                        "--quiet",
                        "--release",
                        "--bin",
                        "unroll",
                        "--",
                        "bench",
                        "--backend",
                        backend,
                        "--samples",
                        GPU_SAMPLES,
                    ])
                    .args(GPU_CONFIGS.iter().flat_map(|c| ["--only", c]))
                    .current_dir(root);
                    if json {
                        cmd.arg("--json");
                    }
                    run(&mut cmd)?;
                }
            }
            "page" | "chain" | "load" | "news-page" => {
                if !built {
                    header("bench", format!("{kind}: trunk build --release --offline"));
                    trunk::build(root)?;
                    built = true;
                }
                let script = format!("bench/{kind}.mjs");
                header("bench", format!("{kind}: node {script}"));
                let mut cmd = node_with_browser(root);
                cmd.arg(&script);
                if json {
                    cmd.arg("--json");
                }
                run(&mut cmd)?;
            }
            _ => unreachable!("checked above"),
        }
    }
    Ok(())
}

/// `bench/browser.mjs` on the release build (built once per `cargo xtask bench`).
fn browser(root: &Path, built: &mut bool, json: bool, extra: &[&str]) -> Result {
    if !*built {
        header("bench", "browser: trunk build --release --offline");
        trunk::build(root)?;
        *built = true;
    }
    header("bench", format!("browser: node bench/browser.mjs {}", extra.join(" ")));
    let mut cmd = node_with_browser(root);
    cmd.arg("bench/browser.mjs").args(extra).env("UNROLL_AG_NEWS", ag_news(root).join("train.csv"));
    if json {
        cmd.arg("--json");
    }
    run(&mut cmd)
}
