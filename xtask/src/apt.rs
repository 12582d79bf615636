//! System packages: chromium, chromium-driver, mesa-vulkan-drivers and (when missing) nodejs/npm,
//! installed with apt-get as root, or named in a `sudo apt-get` line otherwise.

use std::process::Command;

use crate::install::TAG;
use crate::needs::Needs;
use crate::pins::*;
use crate::util::{capture, confirm, err, header, on_path, run, Result};

/// The apt packages `needs` lists, missing ones first installed (as root) or named (otherwise).
pub fn ensure(needs: Needs) -> Result {
    let mut wanted: Vec<&str> = Vec::new();
    if needs.browser {
        wanted.extend(APT_BROWSER);
    }
    if needs.vulkan {
        wanted.extend(APT_VULKAN);
    }
    let mut missing = Vec::new();
    if !wanted.is_empty() {
        if !on_path("dpkg-query") {
            header(TAG, format!("apt {}: cannot check (no dpkg-query); assuming installed", wanted.join(" ")));
        } else {
            for pkg in wanted {
                let ok = dpkg_installed(pkg);
                header(TAG, format!("apt {pkg}: {}", if ok { "present" } else { "missing" }));
                if !ok {
                    missing.push(pkg);
                }
            }
        }
    }
    if needs.node {
        for (cmd, pkg) in [("node", APT_NODE), ("npm", APT_NPM)] {
            let ok = on_path(cmd);
            let state = if ok { "present".to_string() } else { format!("missing (apt package {pkg})") };
            header(TAG, format!("{cmd}: {state}"));
            if !ok {
                missing.push(pkg);
            }
        }
    }
    if missing.is_empty() {
        return Ok(());
    }
    let list = missing.join(" ");
    let install = format!("DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends {list}");
    if capture("id", &["-u"]).map(|s| s.trim() == "0") != Some(true) {
        return Err(err(format!(
            "missing apt packages: {list}. Install them with:\n    sudo apt-get update && sudo {install}\nthen run this again."
        )));
    }
    header(TAG, format!("apt-get install {list}"));
    confirm(&format!("Install the apt packages {list}?"))?;
    run(Command::new("apt-get").arg("update"))?;
    run(Command::new("apt-get").args(["install", "-y", "--no-install-recommends"]).args(&missing).env("DEBIAN_FRONTEND", "noninteractive"))
}

fn dpkg_installed(pkg: &str) -> bool {
    capture("dpkg-query", &["-W", "-f=${Status}", pkg]).is_some_and(|s| s.trim() == "install ok installed")
}

/// `v20.20.2` → (20, 20).
pub fn parse_node_version(s: &str) -> Option<(u32, u32)> {
    let mut it = s.trim().trim_start_matches('v').split('.');
    Some((it.next()?.parse().ok()?, it.next()?.parse().ok()?))
}

pub fn node_version() -> Result {
    let raw = capture("node", &["--version"]).unwrap_or_default();
    let (want_major, want_minor) = MIN_NODE;
    match parse_node_version(&raw) {
        Some(v) if v >= MIN_NODE => {
            header(TAG, format!("node {}: present (>= {want_major}.{want_minor})", raw.trim()));
            Ok(())
        }
        _ => Err(err(format!(
            "node {} is too old: the end-to-end tests need Node >= {want_major}.{want_minor} (playwright-core, \
             `node --test --test-concurrency`). Debian 12's own nodejs is 18; install Node 20 or newer \
             (e.g. NodeSource's nodejs package) and run this again.",
            if raw.trim().is_empty() { "(unknown version)" } else { raw.trim() }
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_node_versions() {
        assert_eq!(parse_node_version("v20.20.2\n"), Some((20, 20)));
        assert_eq!(parse_node_version("v18.20.4"), Some((18, 20)));
        assert_eq!(parse_node_version("garbage"), None);
        assert!(parse_node_version("v20.9.0").unwrap() < MIN_NODE);
        assert!(parse_node_version("v22.1.0").unwrap() >= MIN_NODE);
    }
}
