//! `cargo xtask pretrained`: trains the news lesson's pretrained model with `unroll train` and
//! writes it to `public/models/` (committed), so the headline box works the moment the page opens.
//!
//! A bidirectional GRU small enough to ship (about 333,000 weights, under 2 MB as a model file):
//! Embedding(10000, 32, mask_zero) → Bidirectional(GRU(32, dropout 0.3, recurrent_dropout 0.3)) →
//! Dense(4), 3 epochs on `../shared/data/ag_news/train.csv`, the weights of the epoch with the best
//! validation accuracy. One thread and a fixed seed: the same build on the same machine writes the
//! same file.

use std::path::Path;
use std::process::Command;

use crate::util::{err, header, run, Result};

/// Where the model goes, relative to the repository root.
pub const OUT: &str = "public/models/agnews-bigru.json";

/// The `unroll train` flags (after `train`).
pub const FLAGS: &[&str] = &[
    "--task",
    "agnews",
    "--preset",
    "gru",
    // The rate the model was trained with (the `gru` preset has since moved to 2e-3 with a
    // cosine decay).
    "--lr",
    "0.001",
    "--lr-schedule",
    "constant",
    "--bidirectional",
    "true",
    "--vocab",
    "10000",
    "--embed-dim",
    "32",
    "--units",
    "32",
    "--dropout",
    "0.3",
    "--recurrent-dropout",
    "0.3",
    "--epochs",
    "3",
    "--seed",
    "1",
    "--threads",
    "1",
];

pub fn build(root: &Path) -> Result {
    let out = root.join(OUT);
    std::fs::create_dir_all(out.parent().expect("has a folder")).map_err(|e| err(format!("mkdir: {e}")))?;
    header("pretrained", format!("unroll train {} --save {OUT}", FLAGS.join(" ")));
    run(Command::new("cargo")
        .args(["run", "--quiet", "--release", "--bin", "unroll", "--", "train", "--data", "../shared/data/ag_news"])
        .args(FLAGS)
        .arg("--save")
        .arg(&out)
        .current_dir(root))?;
    let size = std::fs::metadata(&out).map_err(|e| err(format!("{OUT}: {e}")))?.len();
    println!("  {OUT}: {size} bytes");
    Ok(())
}
