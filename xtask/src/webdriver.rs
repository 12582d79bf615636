//! The WebDriver capabilities wasm-bindgen-test-runner hands to chromedriver.

use std::path::{Path, PathBuf};
use std::{env, fs};

use crate::pins::CHROMIUM_FLAGS;
use crate::util::{err, json_array, Result};

/// Chromium flags in chromedriver's form (no leading dashes). The runner adds `headless`,
/// `no-sandbox` and `disable-dev-shm-usage` itself.
pub fn chrome_args() -> Vec<&'static str> {
    CHROMIUM_FLAGS.iter().map(|f| f.trim_start_matches("--")).filter(|f| *f != "no-sandbox").collect()
}

/// `{"goog:chromeOptions":{"args":[...]}}`
pub fn capabilities_json() -> String {
    format!("{{\"goog:chromeOptions\":{{\"args\":{}}}}}\n", json_array(&chrome_args()))
}

/// Cargo's target folder: `$CARGO_TARGET_DIR`, else `<repo>/target`.
pub fn target_dir(root: &Path) -> PathBuf {
    match env::var_os("CARGO_TARGET_DIR") {
        Some(dir) => root.join(dir), // join keeps an absolute dir as it is
        None => root.join("target"),
    }
}

/// Writes `<target>/xtask/webdriver.json` and returns its absolute path.
pub fn write(root: &Path) -> Result<PathBuf> {
    let dir = target_dir(root).join("xtask");
    let path = dir.join("webdriver.json");
    fs::create_dir_all(&dir)
        .and_then(|()| fs::write(&path, capabilities_json()))
        .map_err(|e| err(format!("writing {}: {e}", path.display())))?;
    Ok(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn capabilities() {
        let json = capabilities_json();
        assert!(json.starts_with(r#"{"goog:chromeOptions":{"args":["enable-unsafe-webgpu","#), "{json}");
        assert!(json.contains(r#""disable-background-networking""#));
        assert!(!json.contains("--"), "chromedriver args carry no dashes: {json}");
        assert!(!json.contains("no-sandbox"), "the runner adds it: {json}");
        assert!(json.trim_end().ends_with("]}}"));
    }
}
