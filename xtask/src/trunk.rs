//! `cargo xtask serve` and `cargo xtask dist`: Trunk, offline, with the tools the install put in
//! the cargo bin folder (so a plain `trunk serve` works the same way).

use std::path::Path;
use std::process::Command;

use crate::install;
use crate::needs::Needs;
use crate::pins::{DIST_DIR, SERVE_ADDRESS, SERVE_PORT};
use crate::util::{header, run, Result};

/// `trunk <sub> --release --offline` in the repository root.
pub fn command(root: &Path, sub: &str) -> Command {
    let mut cmd = Command::new("trunk");
    cmd.args([sub, "--release", "--offline"]).current_dir(root);
    cmd
}

/// `trunk build --release --offline` into `dist/`.
pub fn build(root: &Path) -> Result {
    run(&mut command(root, "build"))
}

pub fn serve(root: &Path, skip_install: bool) -> Result {
    if !skip_install {
        install::ensure(root, Needs::WEB)?;
    }
    header("serve", format!("http://{SERVE_ADDRESS}:{SERVE_PORT}/  (Ctrl-C stops)"));
    run(command(root, "serve").args(["--address", SERVE_ADDRESS, "--port", SERVE_PORT]))
}

pub fn dist(root: &Path, skip_install: bool) -> Result {
    if !skip_install {
        install::ensure(root, Needs::WEB)?;
    }
    header("dist", "trunk build --release --offline");
    build(root)?;
    header("dist", format!("built {}", root.join(DIST_DIR).display()));
    Ok(())
}
