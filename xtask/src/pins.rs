//! Every tool version, system package, path and browser flag the project depends on.
//! Nothing else in the repository names these (Trunk.toml only repeats the tool pins Trunk checks).

/// The workspace package whose library and tests run in the browser.
pub const APP_PACKAGE: &str = "unroll";

/// Rust target of the web build.
pub const WASM_TARGET: &str = "wasm32-unknown-unknown";

/// Trunk, installed with `cargo install --locked trunk --version TRUNK_VERSION`.
/// (`--locked` without a version picks a release that needs a newer rustc.)
pub const TRUNK_VERSION: &str = "0.21.14";

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
