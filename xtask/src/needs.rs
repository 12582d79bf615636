//! What each command needs installed.

/// What a command needs installed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Needs {
    /// chromium + chromium-driver (apt).
    pub browser: bool,
    /// mesa-vulkan-drivers (apt), for native GPU tests.
    pub vulkan: bool,
    /// `node` and `npm` (apt nodejs/npm when missing).
    pub node: bool,
    /// Node new enough for playwright-core and `--test-concurrency`.
    pub node_for_e2e: bool,
    /// rustup target wasm32-unknown-unknown.
    pub wasm_target: bool,
    pub trunk: bool,
    pub wasm_bindgen: bool,
    /// `npm ci` from package-lock.json (playwright-core).
    pub npm_deps: bool,
    /// Every crate in Cargo.lock in the crate cache (`cargo fetch`), for every target and feature:
    /// Trunk builds offline, and the page's crates (the `app` feature) are built by nothing else.
    pub crates: bool,
}

impl Needs {
    /// Trunk builds (`serve`, `dist`): wasm-opt comes from npm, so node but not chromium.
    pub const WEB: Needs = Needs {
        browser: false,
        vulkan: false,
        node: true,
        node_for_e2e: false,
        wasm_target: true,
        trunk: true,
        wasm_bindgen: true,
        npm_deps: true,
        crates: true,
    };
    pub const NATIVE: Needs = Needs { vulkan: true, crates: true, ..Needs::NONE };
    /// wasm-bindgen-test: Chromium through chromedriver; node for tests not configured for a browser.
    pub const WASM: Needs = Needs { browser: true, node: true, wasm_target: true, wasm_bindgen: true, crates: true, ..Needs::NONE };
    pub const E2E: Needs = Needs { browser: true, node_for_e2e: true, ..Needs::WEB };
    pub const ALL: Needs = Needs::NATIVE.or(Needs::WASM).or(Needs::E2E);
    pub const NONE: Needs = Needs {
        browser: false,
        vulkan: false,
        node: false,
        node_for_e2e: false,
        wasm_target: false,
        trunk: false,
        wasm_bindgen: false,
        npm_deps: false,
        crates: false,
    };

    pub const fn or(self, o: Needs) -> Needs {
        Needs {
            browser: self.browser || o.browser,
            vulkan: self.vulkan || o.vulkan,
            node: self.node || o.node,
            node_for_e2e: self.node_for_e2e || o.node_for_e2e,
            wasm_target: self.wasm_target || o.wasm_target,
            trunk: self.trunk || o.trunk,
            wasm_bindgen: self.wasm_bindgen || o.wasm_bindgen,
            npm_deps: self.npm_deps || o.npm_deps,
            crates: self.crates || o.crates,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const _: () = assert!(!Needs::WEB.browser, "serve and dist need no Chromium");
    const _: () = assert!(Needs::E2E.node && Needs::WASM.node);
    const _: () = assert!(Needs::WEB.crates && Needs::E2E.crates, "Trunk builds offline: the crates come first");

    #[test]
    fn needs_combine() {
        let e2e = Needs::NONE.or(Needs::E2E);
        assert!(e2e.node && e2e.node_for_e2e && e2e.browser && e2e.trunk && !e2e.vulkan);
        assert_eq!(Needs::NATIVE.or(Needs::NONE), Needs::NATIVE);
        let all = Needs::ALL;
        assert!(all.browser && all.vulkan && all.node && all.wasm_target);
        assert!(all.trunk && all.wasm_bindgen && all.npm_deps && all.node_for_e2e && all.crates);
    }
}
