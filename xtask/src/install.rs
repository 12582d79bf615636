//! "Installs what is missing": apt packages, the wasm32 target, Trunk, wasm-bindgen-cli and the
//! npm dev dependencies. Each step says what it found and what it did.

use std::path::Path;
use std::process::Command;
use std::{env, fs};

use crate::needs::Needs;
use crate::pins::*;
use crate::util::{capture, cargo_bin, confirm, err, header, run, Result};
use crate::{apt, lockfile};

pub const TAG: &str = "install";

/// Installs whatever `needs` lists and is missing, in dependency order.
pub fn ensure(root: &Path, needs: Needs) -> Result {
    apt::ensure(needs)?;
    if needs.node_for_e2e {
        apt::node_version()?;
    }
    if needs.wasm_target {
        wasm_target()?;
    }
    if needs.trunk {
        cargo_tool("trunk", &["trunk"], TRUNK_VERSION, &["--locked", "trunk", "--version", TRUNK_VERSION], "about 10 minutes")?;
        wasm_opt()?;
    }
    if needs.wasm_bindgen {
        let version = wasm_bindgen_version(root)?;
        let tools = ["wasm-bindgen", "wasm-bindgen-test-runner"];
        cargo_tool("wasm-bindgen-cli", &tools, &version, &["wasm-bindgen-cli", "--version", &version], "about 3 minutes")?;
    }
    if needs.npm_deps {
        npm_deps(root)?;
    }
    if needs.crates {
        crates(root)?;
    }
    Ok(())
}

/// Every crate Cargo.lock names, for every target and feature, in the crate cache. Trunk builds
/// with `--offline` (it passes that on to cargo), and the page's crates (Leptos, behind the `app`
/// feature) are built by nothing before it: on an empty cache its build failed. `cargo fetch
/// --offline` first, to say "present" without touching the network when all is there.
fn crates(root: &Path) -> Result {
    let fetch = |offline: bool| {
        let mut cmd = Command::new("cargo");
        cmd.arg("fetch").current_dir(root);
        if offline {
            cmd.args(["--offline", "--quiet"]).stdout(std::process::Stdio::null()).stderr(std::process::Stdio::null());
        }
        cmd
    };
    if fetch(true).status().is_ok_and(|s| s.success()) {
        header(TAG, "crates in Cargo.lock: present");
        return Ok(());
    }
    header(TAG, "crates in Cargo.lock: some missing from the crate cache; cargo fetch");
    run(&mut fetch(false))
}

fn wasm_target() -> Result {
    let what = format!("rustup target {WASM_TARGET}");
    let installed = match capture("rustup", &["target", "list", "--installed"]) {
        Some(list) => list.lines().any(|l| l.trim() == WASM_TARGET),
        None => {
            // No rustup: look in the toolchain's sysroot instead.
            let sysroot = capture("rustc", &["--print", "sysroot"]).unwrap_or_default();
            if Path::new(sysroot.trim()).join("lib/rustlib").join(WASM_TARGET).is_dir() {
                true
            } else {
                return Err(err(format!("{what}: missing, and rustup is not on PATH to add it")));
            }
        }
    };
    if installed {
        header(TAG, format!("{what}: present"));
        return Ok(());
    }
    header(TAG, format!("{what}: missing; adding it"));
    confirm(&format!("Run `rustup target add {WASM_TARGET}`?"))?;
    run(Command::new("rustup").args(["target", "add", WASM_TARGET]))
}

/// The second word of `tool --version`'s first line (`trunk 0.21.14` → `0.21.14`).
pub fn parse_tool_version(out: &str) -> Option<String> {
    let first = out.lines().next()?;
    let v = first.split_whitespace().nth(1)?;
    let digits = v.strip_prefix('v').filter(|d| d.starts_with(|c: char| c.is_ascii_digit()));
    Some(digits.unwrap_or(v).to_string())
}

fn tool_version(tool: &str) -> Option<String> {
    capture(tool, &["--version"]).as_deref().and_then(parse_tool_version)
}

/// Every binary in `bins` at `version`: present, or `cargo install <args>`, then checked again.
fn cargo_tool(krate: &str, bins: &[&str], version: &str, args: &[&str], takes: &str) -> Result {
    let check = || -> Vec<String> {
        bins.iter()
            .filter_map(|bin| match tool_version(bin) {
                Some(v) if v == version => None,
                Some(v) => Some(format!("`{bin} --version` reports {v}")),
                None => Some(format!("{bin} not found")),
            })
            .collect()
    };
    // Outside the repository, so its .cargo/config.toml does not apply.
    let mut install = Command::new("cargo");
    install.arg("install").args(args).current_dir(env::temp_dir());
    ensure_tool(&format!("{krate} {version}"), takes, check, &mut install)
}

/// A tool `check` finds nothing wrong with: present; otherwise `install` runs (after asking, where
/// someone can answer) and `check` must then pass.
fn ensure_tool(what: &str, takes: &str, check: impl Fn() -> Vec<String>, install: &mut Command) -> Result {
    let wrong = check();
    if wrong.is_empty() {
        header(TAG, format!("{what}: present"));
        return Ok(());
    }
    header(TAG, format!("{what}: {}; installing ({takes})", wrong.join(", ")));
    confirm(&format!("Run `{}` ({takes})?", crate::util::describe(install)))?;
    run(install)?;
    let still = check();
    if !still.is_empty() {
        return Err(err(format!("installed {what}, but {}: is another one earlier on PATH?", still.join(", "))));
    }
    Ok(())
}

/// The `wasm-bindgen` version locked in Cargo.lock (writing the lockfile first if needed).
pub fn wasm_bindgen_version(root: &Path) -> Result<String> {
    let lock_path = root.join("Cargo.lock");
    let read = || fs::read_to_string(&lock_path).unwrap_or_default();
    let mut found = lockfile::versions(&read(), WASM_BINDGEN_CRATE);
    if found.is_empty() {
        header(TAG, format!("Cargo.lock has no {WASM_BINDGEN_CRATE}; resolving the workspace"));
        let sub = if lock_path.exists() { ["metadata", "--format-version=1"] } else { ["generate-lockfile", "--quiet"] };
        run(Command::new("cargo").args(sub).current_dir(root).stdout(std::process::Stdio::null()))?;
        found = lockfile::versions(&read(), WASM_BINDGEN_CRATE);
    }
    match found.as_slice() {
        [one] => Ok(one.clone()),
        [] => Err(err(format!("Cargo.lock has no `{WASM_BINDGEN_CRATE}` package, so wasm-bindgen-cli cannot be pinned"))),
        many => Err(err(format!(
            "Cargo.lock has several `{WASM_BINDGEN_CRATE}` versions ({}); pin one with `{WASM_BINDGEN_CRATE} = \"=X\"`",
            many.join(", ")
        ))),
    }
}

/// `wasm-opt` as Trunk.toml pins it, in the cargo bin folder beside Trunk (npm's `binaryen`).
fn wasm_opt() -> Result {
    let check = || -> Vec<String> {
        match capture("wasm-opt", &["--version"]) {
            Some(v) if v.contains(&format!("({WASM_OPT_VERSION})")) => vec![],
            Some(v) => vec![format!("`wasm-opt --version` reports {}", v.trim())],
            None => vec!["wasm-opt not found".into()],
        }
    };
    let bin = cargo_bin().ok_or_else(|| err("neither CARGO_HOME nor HOME is set: nowhere to install wasm-opt"))?;
    let prefix = bin.parent().unwrap_or(&bin).to_path_buf();
    let mut install = Command::new("npm");
    install
        .args(["install", "--global", "--no-audit", "--no-fund", "--prefix"])
        .arg(&prefix)
        .arg(format!("binaryen@{BINARYEN_VERSION}"))
        .current_dir(env::temp_dir());
    ensure_tool(
        &format!("wasm-opt {WASM_OPT_VERSION} (npm binaryen {BINARYEN_VERSION}, into {})", bin.display()),
        "seconds",
        check,
        &mut install,
    )
}

/// `npm ci` when node_modules is missing or older than package-lock.json.
fn npm_deps(root: &Path) -> Result {
    let mtime = |p: &Path| fs::metadata(p).and_then(|m| m.modified()).ok();
    let lock = mtime(&root.join("package-lock.json")).ok_or_else(|| err("package-lock.json is missing"))?;
    let state = match mtime(&root.join("node_modules/.package-lock.json")) {
        Some(installed) if installed >= lock => {
            header(TAG, "npm dev dependencies: present");
            return Ok(());
        }
        Some(_) => "older than package-lock.json",
        None => "not installed",
    };
    header(TAG, format!("npm dev dependencies: {state}; running npm ci"));
    run(Command::new("npm").args(["ci", "--no-audit", "--no-fund"]).current_dir(root))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_versions() {
        assert_eq!(parse_tool_version("trunk 0.21.14\n").as_deref(), Some("0.21.14"));
        assert_eq!(parse_tool_version("wasm-bindgen 0.2.130").as_deref(), Some("0.2.130"));
        assert_eq!(parse_tool_version("wasm-opt version 132 (version_132)").as_deref(), Some("version"));
        assert_eq!(parse_tool_version("tool v1.2.3").as_deref(), Some("1.2.3"));
        assert_eq!(parse_tool_version("trunk"), None);
        assert_eq!(parse_tool_version(""), None);
    }

    #[test]
    fn a_missing_tool_is_reported_not_installed() {
        // Nothing is installed: a tool that is absent never matches a version.
        assert_eq!(tool_version("unroll-xtask-no-such-tool"), None);
    }

    #[test]
    fn pins_this_workspace() {
        // The real Cargo.lock (when it exists) must lock exactly one wasm-bindgen.
        let lock = crate::util::repo_root().join("Cargo.lock");
        if let Ok(text) = fs::read_to_string(lock) {
            if text.contains("name = \"wasm-bindgen\"") {
                assert_eq!(lockfile::versions(&text, WASM_BINDGEN_CRATE).len(), 1);
            }
        }
    }
}
