//! `cargo xtask news-data`: the AG News bundle the page fetches, built from `../shared/data/ag_news`
//! into `public/data/ag_news/` (committed): both splits gzip-compressed (`gzip -9 -n`: no name or
//! time stamp, so the same input gives the same bytes), `classes.txt`, and `ATTRIBUTION.md` with
//! the data set's origin, terms of use and the checksums of the uncompressed files.

use std::path::Path;
use std::process::Command;

use crate::util::{err, header, Result};

/// The bundle may not grow beyond this (issue 5: "at most 4 MB").
pub const MAX_BYTES: u64 = 4_000_000;
const FILES: [&str; 2] = ["train.csv", "test.csv"];

pub fn build(root: &Path) -> Result {
    let src = root.join("../shared/data/ag_news");
    let out = root.join("public/data/ag_news");
    header("news-data", format!("{} -> {}", src.display(), out.display()));
    std::fs::create_dir_all(&out).map_err(|e| err(format!("mkdir {}: {e}", out.display())))?;
    let mut total = 0;
    let mut sums = Vec::new();
    for name in FILES {
        let input = src.join(name);
        let bytes = std::fs::read(&input).map_err(|e| err(format!("{}: {e}", input.display())))?;
        let gz = Command::new("gzip")
            .args(["-9", "-n", "-c"])
            .arg(&input)
            .output()
            .map_err(|e| err(format!("gzip: {e} (Debian: apt-get install gzip)")))?;
        if !gz.status.success() {
            return Err(err(format!("gzip {}: {}", input.display(), String::from_utf8_lossy(&gz.stderr))));
        }
        let dest = out.join(format!("{name}.gz"));
        std::fs::write(&dest, &gz.stdout).map_err(|e| err(format!("{}: {e}", dest.display())))?;
        total += gz.stdout.len() as u64;
        let sha = Command::new("sha256sum").arg(&input).output().map_err(|e| err(format!("sha256sum: {e}")))?;
        let sha = String::from_utf8_lossy(&sha.stdout).split_whitespace().next().unwrap_or("?").to_string();
        let rows = bytes.iter().filter(|&&b| b == b'\n').count();
        sums.push(format!("| `{name}.gz` | {rows} | {} | {} | `{sha}` |", bytes.len(), gz.stdout.len()));
        println!("  {name}: {} bytes -> {} bytes gzip", bytes.len(), gz.stdout.len());
    }
    let classes = std::fs::read(src.join("classes.txt")).map_err(|e| err(format!("classes.txt: {e}")))?;
    std::fs::write(out.join("classes.txt"), classes).map_err(|e| err(format!("classes.txt: {e}")))?;
    std::fs::write(out.join("ATTRIBUTION.md"), attribution(&sums)).map_err(|e| err(format!("ATTRIBUTION.md: {e}")))?;
    if total > MAX_BYTES {
        return Err(err(format!("the bundle is {total} bytes, over the {MAX_BYTES}-byte limit")));
    }
    println!("  total {total} bytes (limit {MAX_BYTES})");
    Ok(())
}

fn attribution(rows: &[String]) -> String {
    let head = [
        "# AG News, as bundled with Unroll",
        "",
        "Built by `cargo xtask news-data` from the copy described in `../shared/data/ag_news/README.md`:",
        "the complete official test split (7,600 rows) and a 21,699-row part of the official 120,000-row",
        "training split (the full file could not be obtained; it is not in the official order). Same CSV",
        "format as the original: `\"class index\",\"title\",\"description\"`, classes 1–4 = World, Sports,",
        "Business, Sci/Tech (`classes.txt`).",
        "",
        "| file | rows | bytes (uncompressed) | bytes (gzip) | sha256 of the uncompressed file |",
        "|---|---:|---:|---:|---|",
    ];
    let terms = [
        "",
        "## Origin and terms of use",
        "",
        "* The underlying corpus, \"AG's corpus of news articles\" (A. Gulli, ComeToMyHead news search",
        "  engine), \"is provided by the academic community for research purposes in data mining",
        "  (clustering, classification, etc), information retrieval (ranking, search, etc), xml, data",
        "  compression, data streaming, and any other non-commercial activity\" (from the data set's own",
        "  readme.txt). Use it for research or non-commercial purposes only. No formal licence is",
        "  attached.",
        "* The CSV topic-classification version was built by Xiang Zhang and introduced in: Xiang Zhang,",
        "  Junbo Zhao, Yann LeCun. *Character-level Convolutional Networks for Text Classification*.",
        "  Advances in Neural Information Processing Systems 28 (NIPS 2015). Cite it when reporting",
        "  results.",
        "* Unroll only redistributes the data, for teaching; it grants no further rights.",
    ];
    let mut lines: Vec<String> = head.iter().map(|s| s.to_string()).collect();
    lines.extend(rows.iter().cloned());
    lines.extend(terms.iter().map(|s| s.to_string()));
    lines.join("\n") + "\n"
}
