//! `cargo xtask test`: install, then native, wasm and end-to-end tests in order, each timed;
//! stops at the first failure; ends with a summary table.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Instant;

use crate::install;
use crate::needs::Needs;
use crate::pins::*;
use crate::util::{err, header, json_array, run, Error, Result};
use crate::{trunk, webdriver};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stage {
    Native,
    Wasm,
    E2e,
}

impl Stage {
    pub const ALL: [Stage; 3] = [Stage::Native, Stage::Wasm, Stage::E2e];

    pub fn name(self) -> &'static str {
        match self {
            Stage::Native => "native",
            Stage::Wasm => "wasm",
            Stage::E2e => "e2e",
        }
    }

    pub fn parse(s: &str) -> Option<Stage> {
        Stage::ALL.into_iter().find(|st| st.name() == s)
    }
}

pub struct Options {
    pub skip_install: bool,
    /// Empty: every stage.
    pub only: Vec<Stage>,
}

enum Outcome {
    Passed(f64),
    Failed(f64),
    Skipped(&'static str),
    NotRun,
}

/// The end-to-end test files, relative to the root, sorted.
pub fn e2e_files(root: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = fs::read_dir(root.join(E2E_DIR))
        .into_iter()
        .flatten()
        .flatten()
        .map(|entry| entry.path())
        .filter(|p| p.is_file() && p.file_name().and_then(|n| n.to_str()).is_some_and(|n| n.ends_with(".test.mjs")))
        .filter_map(|p| p.strip_prefix(root).ok().map(Path::to_path_buf))
        .collect();
    files.sort();
    files
}

pub fn run_all(root: &Path, opts: &Options) -> Result {
    let stages: Vec<Stage> = Stage::ALL.into_iter().filter(|s| opts.only.is_empty() || opts.only.contains(s)).collect();
    let e2e = e2e_files(root);
    let mut rows: Vec<(&str, Outcome)> = Vec::new();

    if opts.skip_install {
        header("install", "skipped (--skip-install)");
        rows.push(("install", Outcome::Skipped("--skip-install")));
    } else {
        let needs = stages.iter().fold(Needs::NONE, |acc, stage| {
            acc.or(match stage {
                Stage::Native => Needs::NATIVE,
                Stage::Wasm => Needs::WASM,
                Stage::E2e if e2e.is_empty() => Needs::NONE,
                Stage::E2e => Needs::E2E,
            })
        });
        let start = Instant::now();
        let result = install::ensure(root, needs);
        let secs = start.elapsed().as_secs_f64();
        let failed = result.is_err();
        rows.push(("install", if failed { Outcome::Failed(secs) } else { Outcome::Passed(secs) }));
        if let Err(e) = result {
            rows.extend(stages.iter().map(|s| (s.name(), Outcome::NotRun)));
            summary(&rows);
            return Err(Error { msg: format!("install failed: {}", e.msg), code: e.code });
        }
    }

    // The site the e2e stage tests is built beside the wasm stage: its build ends in link-time
    // optimisation on one core, which leaves the other idle.
    let mut site: Option<SiteBuild> = None;
    for (i, &stage) in stages.iter().enumerate() {
        if stage == Stage::Wasm && stages.contains(&Stage::E2e) && !e2e.is_empty() {
            site = Some(SiteBuild::start(root)?);
        }
        if stage == Stage::E2e && e2e.is_empty() {
            header("test", format!("e2e: no {E2E_DIR}/*.test.mjs files yet; skipped"));
            rows.push((stage.name(), Outcome::Skipped("no tests")));
            continue;
        }
        let start = Instant::now();
        let result = match stage {
            Stage::Native => native(root),
            Stage::Wasm => wasm(root),
            Stage::E2e => end_to_end(root, &e2e, site.take()),
        };
        let secs = start.elapsed().as_secs_f64();
        header("test", format!("{} {} in {secs:.1} s", stage.name(), if result.is_ok() { "passed" } else { "FAILED" }));
        match result {
            Ok(()) => rows.push((stage.name(), Outcome::Passed(secs))),
            Err(e) => {
                if let Some(mut build) = site.take() {
                    build.stop();
                }
                rows.push((stage.name(), Outcome::Failed(secs)));
                rows.extend(stages[i + 1..].iter().map(|s| (s.name(), Outcome::NotRun)));
                summary(&rows);
                return Err(Error { msg: format!("stage {} failed: {}", stage.name(), e.msg), code: e.code });
            }
        }
    }
    summary(&rows);
    Ok(())
}

fn native(root: &Path) -> Result {
    // The GPU engine's tests run on Mesa's lavapipe (installed with the native needs): say which
    // adapter, and make a missing one fail them rather than skip them.
    header("test", "native: the WebGPU adapter (cargo run --bin unroll -- gpu)");
    run(Command::new("cargo").args(["run", "--quiet", "--bin", "unroll", "--", "gpu"]).current_dir(root).env("XDG_RUNTIME_DIR", "/tmp"))?;
    header("test", "native: cargo test --workspace");
    run(Command::new("cargo").args(["test", "--workspace"]).current_dir(root).env("UNROLL_REQUIRE_GPU", "1").env("XDG_RUNTIME_DIR", "/tmp"))
}

fn wasm(root: &Path) -> Result {
    header("test", format!("wasm: cargo test --target {WASM_TARGET} -p {APP_PACKAGE} (in Chromium via chromedriver)"));
    let capabilities = webdriver::write(root)?;
    run(Command::new("cargo")
        .args(["test", "--target", WASM_TARGET, "-p", APP_PACKAGE, "--lib", "--tests"])
        // The engine's crate at the dev profile's own level here: the wasm tests are light, and
        // its full optimisation (for the native tests) would only lengthen their build.
        .args(["--config", "profile.dev.package.unroll.opt-level=1"])
        .current_dir(root)
        .env("CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER", "wasm-bindgen-test-runner")
        .env("CHROMEDRIVER", CHROMEDRIVER)
        .env("WASM_BINDGEN_TEST_WEBDRIVER_JSON", &capabilities)
        .env("WASM_BINDGEN_TEST_TIMEOUT", WASM_BINDGEN_TEST_TIMEOUT_S)
        // Chromium runs with --enable-unsafe-webgpu (SwiftShader): the GPU engine's browser test
        // fails rather than skips without an adapter (read at compile time: `option_env!`).
        .env("UNROLL_REQUIRE_GPU", "1")
        // The runner would prefer these drivers over chromedriver.
        .env_remove("GECKODRIVER")
        .env_remove("SAFARIDRIVER"))
}

fn end_to_end(root: &Path, files: &[PathBuf], site: Option<SiteBuild>) -> Result {
    match site {
        Some(build) => build.finish()?,
        None => {
            header("test", "e2e: trunk build --release --offline");
            trunk::build(root)?;
        }
    }
    header("test", format!("e2e: node --test ({} in {E2E_DIR})", plural(files.len(), "file")));
    let screenshots = root.join(E2E_SCREENSHOTS_DIR);
    fs::create_dir_all(&screenshots).ok();
    run(node_with_browser(root)
        // Files, not the folder: Node 20 searches a folder, Node 22 treats arguments as globs.
        .args(["--test", "--test-concurrency=1", "--test-reporter=spec"])
        .args(files)
        .env("UNROLL_SCREENSHOTS", screenshots))
}

/// `trunk build --release --offline` running in the background, its output in a log file
/// (printed when it is waited for, so that it does not interleave with the wasm stage's).
struct SiteBuild {
    child: Child,
    log: PathBuf,
    start: Instant,
}

impl SiteBuild {
    fn start(root: &Path) -> Result<SiteBuild> {
        let log = root.join(SITE_BUILD_LOG);
        if let Some(dir) = log.parent() {
            fs::create_dir_all(dir).ok();
        }
        let file = fs::File::create(&log).map_err(|e| err(format!("cannot write {}: {e}", log.display())))?;
        let err_file = file.try_clone().map_err(|e| err(format!("cannot write {}: {e}", log.display())))?;
        header("test", format!("e2e: trunk build --release --offline, started now beside the wasm stage (output: {SITE_BUILD_LOG})"));
        let child = trunk::command(root, "build")
            .stdin(Stdio::null())
            .stdout(file)
            .stderr(err_file)
            .spawn()
            .map_err(|e| err(format!("`trunk build` could not start: {e}")))?;
        Ok(SiteBuild { child, log, start: Instant::now() })
    }

    /// Waits for the build and prints its output; an error if it failed.
    fn finish(mut self) -> Result {
        header("test", "e2e: waiting for the site build started beside the wasm stage");
        let status = self.child.wait().map_err(|e| err(format!("`trunk build`: {e}")))?;
        print!("{}", fs::read_to_string(&self.log).unwrap_or_default());
        let secs = self.start.elapsed().as_secs_f64();
        header("test", format!("e2e: the site build took {secs:.1} s from its start (beside the wasm stage)"));
        if status.success() {
            Ok(())
        } else {
            Err(err(format!("`trunk build --release --offline` failed ({status}); its output is above")))
        }
    }

    /// Stops the build (a stage before the e2e stage failed).
    fn stop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `node` in the repository root with the built site and the browser settings in its environment
/// (`UNROLL_DIST`, `UNROLL_CHROMIUM`, `UNROLL_CHROMIUM_ARGS`), as the e2e tests and the browser
/// benchmarks expect them.
pub fn node_with_browser(root: &Path) -> Command {
    let mut cmd = Command::new("node");
    cmd.current_dir(root)
        .env("UNROLL_DIST", root.join(DIST_DIR))
        .env("UNROLL_CHROMIUM", CHROMIUM)
        .env("UNROLL_CHROMIUM_ARGS", json_array(CHROMIUM_FLAGS));
    cmd
}

fn plural(n: usize, what: &str) -> String {
    format!("{n} {what}{}", if n == 1 { "" } else { "s" })
}

fn summary(rows: &[(&str, Outcome)]) {
    header("summary", "seconds per stage");
    println!("    {:<8} {:>8}  result", "stage", "seconds");
    let mut total = 0.0;
    for (name, outcome) in rows {
        let (secs, result) = match outcome {
            Outcome::Passed(s) => (Some(*s), "ok".to_string()),
            Outcome::Failed(s) => (Some(*s), "FAILED".to_string()),
            Outcome::Skipped(why) => (None, format!("skipped ({why})")),
            Outcome::NotRun => (None, "not run".to_string()),
        };
        total += secs.unwrap_or(0.0);
        let secs = secs.map_or_else(|| "-".to_string(), |s| format!("{s:.1}"));
        println!("    {name:<8} {secs:>8}  {result}");
    }
    println!("    {:<8} {total:>8.1}", "total");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stage_names_round_trip() {
        for s in Stage::ALL {
            assert_eq!(Stage::parse(s.name()), Some(s));
        }
        assert_eq!(Stage::parse("gpu"), None);
    }

    #[test]
    fn finds_only_test_mjs() {
        let dir = std::env::temp_dir().join(format!("unroll-xtask-e2e-{}", std::process::id()));
        let e2e = dir.join(E2E_DIR);
        fs::create_dir_all(e2e.join("screenshots")).unwrap();
        for f in ["b.test.mjs", "a.test.mjs", "helpers.mjs", "c.test.js"] {
            fs::write(e2e.join(f), "").unwrap();
        }
        let got = e2e_files(&dir);
        fs::remove_dir_all(&dir).unwrap();
        assert_eq!(got, ["tests/e2e/a.test.mjs", "tests/e2e/b.test.mjs"].map(PathBuf::from));
        assert!(e2e_files(Path::new("/nonexistent-unroll")).is_empty());
    }
}
