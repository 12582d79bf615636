//! `unroll check-golden FILE...`

use unroll::engine::backend::BackendKind;
use unroll::golden::{self, GoldenError, Path, ATOL, RTOL};

pub fn run(args: &[String]) -> i32 {
    let mut paths = vec![Path::FAST];
    let mut files = Vec::new();
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--path" => {
                paths = match it.next().map(String::as_str) {
                    Some("fast") => vec![Path::FAST],
                    Some("reference") => vec![Path::Reference],
                    Some("both") => vec![Path::FAST, Path::Reference],
                    other => {
                        eprintln!("unroll check-golden: --path takes fast, reference or both, not {other:?}");
                        return 2;
                    }
                }
            }
            "--backend" => {
                paths = match it.next().map(String::as_str) {
                    Some("cpu") => vec![Path::FAST],
                    Some("gpu") => vec![Path::Engine(BackendKind::Gpu)],
                    other => {
                        eprintln!("unroll check-golden: --backend takes cpu or gpu, not {other:?}");
                        return 2;
                    }
                }
            }
            f => files.push(f.to_string()),
        }
    }
    if files.is_empty() {
        eprintln!("usage: unroll check-golden [--path fast|reference|both] [--backend cpu|gpu] FILE...");
        return 2;
    }
    let mut worst = 0;
    for path in &files {
        for &p in &paths {
            worst = worst.max(check_one(path, p));
        }
    }
    if files.len() > 1 {
        println!(
            "\n{}",
            match worst {
                0 => "all files agree with the engine",
                1 => "MISMATCH: some values disagree (see above)",
                _ => "some files could not be checked (see above)",
            }
        );
    }
    worst
}

fn check_one(path: &str, engine_path: Path) -> i32 {
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) => {
            println!("{path}: cannot read: {e}");
            return 2;
        }
    };
    match golden::check_with(&text, engine_path) {
        Ok(report) => {
            println!("{path} [{} path]: {} — {}", engine_path.name(), report.case, report.model);
            println!("  {:<40} {:>6} {:>12} {:>12}  result", "tensor", "n", "max abs err", "max rel err");
            for c in &report.comparisons {
                let verdict = if c.ok() { "ok".to_string() } else { format!("FAIL ({} of {} outside tolerance)", c.failures, c.count) };
                println!("  {:<40} {:>6} {:>12.3e} {:>12.3e}  {verdict}", c.name, c.count, c.max_abs, c.max_rel);
            }
            let ok = report.ok();
            println!("  => {} (tolerance |ours - keras| <= {ATOL:e} + {RTOL:e}·|keras|)", if ok { "PASS" } else { "FAIL" });
            i32::from(!ok)
        }
        Err(GoldenError::Unsupported(what)) => {
            println!("{path}: not supported yet: {what}");
            2
        }
        Err(e) => {
            println!("{path}: {e}");
            2
        }
    }
}
