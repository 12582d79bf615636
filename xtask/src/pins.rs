//! Every tool version, system package, path and browser flag the project depends on.
//! Nothing else in the repository names these (Trunk.toml only repeats the tool pins Trunk checks).

/// The workspace package whose library and tests run in the browser.
pub const APP_PACKAGE: &str = "unroll";

/// Rust target of the web build.
pub const WASM_TARGET: &str = "wasm32-unknown-unknown";

/// Trunk, installed with `cargo install --locked trunk --version TRUNK_VERSION`.
/// (`--locked` without a version picks a release that needs a newer rustc.)
pub const TRUNK_VERSION: &str = "0.21.14";

/// Binaryen's `wasm-opt` for Trunk, from npm's `binaryen` package (Debian's binaryen 108 yields a
/// wasm that crashes at load). Installed with `npm install --global --prefix $CARGO_HOME`, so it
/// lands in `~/.cargo/bin` beside `trunk` and `wasm-bindgen`, and a plain `trunk serve` finds it.
pub const BINARYEN_VERSION: &str = "132.0.0";
/// What Trunk.toml's `[tools] wasm_opt` pins, and what `wasm-opt --version` shows in brackets.
pub const WASM_OPT_VERSION: &str = "version_132";

/// The crate whose version in Cargo.lock pins `wasm-bindgen-cli` (installed without `--locked`:
/// its own lockfile wants crates the registry mirror lacks).
pub const WASM_BINDGEN_CRATE: &str = "wasm-bindgen";

/// Debian packages for the headless browser tests (wasm-bindgen-test and end-to-end).
pub const APT_BROWSER: &[&str] = &["chromium", "chromium-driver"];
/// Debian package for native GPU tests: the lavapipe Vulkan driver.
pub const APT_VULKAN: &[&str] = &["mesa-vulkan-drivers"];
/// Debian packages installed only when the `node` / `npm` commands are missing.
pub const APT_NODE: &str = "nodejs";
pub const APT_NPM: &str = "npm";

/// playwright-core 1.65.1 needs Node 20; `node --test --test-concurrency` needs 20.10.
pub const MIN_NODE: (u32, u32) = (20, 10);

pub const CHROMIUM: &str = "/usr/bin/chromium";
pub const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

/// Flags for every headless Chromium we start. `--enable-unsafe-webgpu` is the one WebGPU needs;
/// the rest keep Chromium off the network. Never add `--use-vulkan`/`--use-angle=vulkan`: with
/// lavapipe installed, `requestAdapter()` then never resolves.
pub const CHROMIUM_FLAGS: &[&str] = &[
    "--no-sandbox",
    "--enable-unsafe-webgpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
];

/// Seconds wasm-bindgen-test-runner waits for a browser test run.
pub const WASM_BINDGEN_TEST_TIMEOUT_S: &str = "300";

/// `cargo xtask serve` address.
pub const SERVE_ADDRESS: &str = "127.0.0.1";
pub const SERVE_PORT: &str = "8080";

/// Trunk's output folder (its default), relative to the repository root.
pub const DIST_DIR: &str = "dist";
/// End-to-end tests (`*.test.mjs`, run by `node --test`) and where they leave screenshots.
pub const E2E_DIR: &str = "tests/e2e";
pub const E2E_SCREENSHOTS_DIR: &str = "tests/e2e/screenshots";
/// Where `cargo xtask test` writes the output of the site build it runs beside the wasm stage.
pub const SITE_BUILD_LOG: &str = "target/site-build.log";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trunk_toml_pins_the_same_tools() {
        let toml = std::fs::read_to_string(crate::util::repo_root().join("Trunk.toml")).expect("Trunk.toml");
        assert!(toml.contains(&format!("wasm_opt = \"{WASM_OPT_VERSION}\"")), "Trunk.toml's wasm_opt is {WASM_OPT_VERSION}");
        let major = BINARYEN_VERSION.split('.').next().unwrap();
        assert_eq!(WASM_OPT_VERSION, format!("version_{major}"), "binaryen {BINARYEN_VERSION} is wasm-opt {WASM_OPT_VERSION}");
        let lock = std::fs::read_to_string(crate::util::repo_root().join("Cargo.lock")).expect("Cargo.lock");
        let bindgen = crate::lockfile::versions(&lock, WASM_BINDGEN_CRATE);
        assert!(toml.contains(&format!("wasm_bindgen = \"{}\"", bindgen[0])), "Trunk.toml's wasm_bindgen is Cargo.lock's {bindgen:?}");
    }
}
