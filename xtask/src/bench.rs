//! `cargo xtask bench`: benchmarks that print figures (never timed tests).
//!
//! - `page`: the playground page itself in headless Chromium (`bench/page.mjs`): steps per second
//!   of the sine lesson through the real UI, and the MSEs reached.

use std::path::Path;

use crate::install;
use crate::needs::Needs;
use crate::test::node_with_browser;
use crate::trunk;
use crate::util::{err, header, run, Result};

/// The benchmarks `cargo xtask bench` knows.
pub const KINDS: &[(&str, &str)] = &[("page", "the playground page in headless Chromium (bench/page.mjs)")];

pub fn run_benches(root: &Path, skip_install: bool, kinds: &[String], json: bool) -> Result {
    let kinds: Vec<&str> = if kinds.is_empty() { KINDS.iter().map(|k| k.0).collect() } else { kinds.iter().map(String::as_str).collect() };
    if let Some(bad) = kinds.iter().find(|k| !KINDS.iter().any(|(name, _)| name == *k)) {
        return Err(err(format!("unknown benchmark `{bad}`; known: {}", KINDS.iter().map(|k| k.0).collect::<Vec<_>>().join(", "))));
    }
    if !skip_install {
        install::ensure(root, Needs::E2E)?;
    }
    for kind in kinds {
        match kind {
            "page" => {
                header("bench", "page: trunk build --release --offline");
                trunk::build(root)?;
                header("bench", "page: node bench/page.mjs");
                let mut cmd = node_with_browser(root);
                cmd.arg("bench/page.mjs");
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
