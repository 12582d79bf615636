//! `unroll train`: the page's training run, from the command line. Flags are the page's settings
//! (`unroll::settings::FIELDS`), with the same names, defaults and ranges.

use std::time::Instant;

use unroll::lesson::SeriesLesson;
use unroll::settings::{Part, Settings, Task, FIELDS};

use super::news;

pub fn run(args: &[String]) -> i32 {
    if args.iter().any(|a| a == "--help" || a == "-h") {
        print_help();
        return 0;
    }
    let mut pairs: Vec<(String, String)> = Vec::new();
    let (mut losses_path, mut save_path, mut data_dir, mut threads) = (None, None, None, 1usize);
    let mut i = 0;
    while i < args.len() {
        let Some(key) = args[i].strip_prefix("--") else {
            eprintln!("unroll train: expected --FLAG VALUE, got `{}` (see unroll train --help)", args[i]);
            return 2;
        };
        let (key, value) = match key.split_once('=') {
            Some((k, v)) => (k.to_string(), v.to_string()),
            None => {
                i += 1;
                match args.get(i) {
                    Some(v) => (key.to_string(), v.clone()),
                    None => {
                        eprintln!("unroll train: --{key} needs a value");
                        return 2;
                    }
                }
            }
        };
        match key.as_str() {
            "losses" => losses_path = Some(value),
            "save" => save_path = Some(value),
            "data" => data_dir = Some(value),
            "threads" => match value.parse::<usize>() {
                Ok(n @ 1..=64) => threads = n,
                _ => {
                    eprintln!("unroll train: --threads takes a number from 1 to 64");
                    return 2;
                }
            },
            _ => pairs.push((key, value)),
        }
        i += 1;
    }
    // The page's rule: task first, then the news preset, then the other fields, whatever the order.
    let mut settings = Settings::default();
    if let Some(e) = settings.apply_pairs(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str()))).first() {
        eprintln!("unroll train: --{e}");
        return 2;
    }
    if let Err(e) = settings.validate() {
        eprintln!("unroll train: --{e}");
        return 2;
    }
    // A flag the lesson does not read is a mistake, not something to ignore in silence.
    let ignored = |k: &str| Part::of(k).is_some() && !settings.task.reads(k);
    if let Some((k, _)) = pairs.iter().find(|(k, _)| ignored(k)) {
        let reader = match Part::of(k) {
            Some(_) if k == "series" => "--task typed",
            Some(Part::News) => "--task agnews",
            _ => "--task sine or --task typed",
        };
        eprintln!("unroll train: --{k} is not read by the {} lesson (it is for {reader})", settings.task);
        return 2;
    }
    if (data_dir.is_some() || threads > 1) && settings.task != Task::Agnews {
        let flag = if data_dir.is_some() { "--data" } else { "--threads" };
        eprintln!("unroll train: {flag} is not read by the {} lesson (it is for --task agnews)", settings.task);
        return 2;
    }
    if !settings.data_url.is_empty() {
        eprintln!("unroll train: --data-url is the page's (it downloads the file); give the command line a folder with --data DIR");
        return 2;
    }
    if settings.task == Task::Agnews {
        let dir = data_dir.unwrap_or_else(|| "../shared/data/ag_news".to_string());
        return news::run(&settings, &dir, threads, save_path.as_deref());
    }
    let mut lesson = match SeriesLesson::new(&settings) {
        Ok(l) => l,
        Err(e) => {
            eprintln!("unroll train: {e}");
            return 2;
        }
    };
    let info = lesson.info().clone();
    println!(
        "model: {} ({} weights; estimated {}); data: {} values, training on the first {}, windows of {} steps, batch {}",
        info.model,
        info.params,
        info.estimate.text(),
        info.values.len(),
        info.train_end,
        info.window,
        settings.batch
    );
    let steps = settings.steps;
    let report_every = (steps / 10).max(1);
    let mut losses = Vec::with_capacity(steps as usize);
    let mut train_time = 0.0f64;
    for _ in 0..steps {
        let t0 = Instant::now();
        let out = match lesson.train_step() {
            Ok(o) => o,
            Err(e) => {
                eprintln!("unroll train: {e}");
                return 1;
            }
        };
        train_time += t0.elapsed().as_secs_f64();
        losses.push(out.stats.loss);
        if let Some(msg) = out.diverged {
            eprintln!("{msg}");
            return 1;
        }
        if out.step % report_every == 0 || out.step == steps {
            let eval = match lesson.evaluate() {
                Ok(e) => e,
                Err(e) => {
                    eprintln!("unroll train: {e}");
                    return 1;
                }
            };
            println!(
                "step {:>7}/{steps}  loss {:.4e}  held-out loss {:.4e}  {:.3} ms/step",
                out.step,
                out.stats.loss,
                eval.heldout_loss,
                1e3 * train_time / out.step as f64
            );
        }
    }
    let eval = match lesson.evaluate() {
        Ok(e) => e,
        Err(e) => {
            eprintln!("unroll train: {e}");
            return 1;
        }
    };
    if let Some(path) = losses_path {
        let json = serde_json::to_string(&losses).expect("floats serialise");
        if let Err(e) = std::fs::write(&path, json) {
            eprintln!("unroll train: cannot write {path}: {e}");
            return 1;
        }
    }
    if let Some(path) = save_path {
        let file = unroll::model_file::ModelFile::from_model(&lesson.model(), false);
        if let Err(e) = std::fs::write(&path, file.to_json()) {
            eprintln!("unroll train: cannot write {path}: {e}");
            return 1;
        }
        println!("saved the model to {path}");
    }
    println!("held-out next-step MSE: {:.4e}", eval.heldout_mse);
    match eval.gen_mse {
        Some(m) => println!("generation MSE: {m:.4e} ({} free-running steps)", eval.gen_pred.len().min(eval.gen_truth.len())),
        None => println!("generation MSE: n/a (no known continuation)"),
    }
    let next: Vec<String> = eval.gen_pred.iter().take(10).map(|v| format!("{v:.3}")).collect();
    println!("generated next: {}", next.join(", "));
    println!("ms/step: {:.3}", 1e3 * train_time / steps as f64);
    0
}

fn print_help() {
    let d = Settings::default();
    let defaults: std::collections::HashMap<_, _> = d.pairs().into_iter().collect();
    println!("unroll train [--FLAG VALUE]...   (flags are the page's settings, same names and defaults)\n");
    for (key, help) in FIELDS {
        if *key == "v" {
            continue;
        }
        let def = defaults.get(key).map(String::as_str).unwrap_or("");
        let def = if def.is_empty() { String::new() } else { format!(" [default: {def}]") };
        println!("  --{key:<12} {help}{def}");
    }
    println!("  --{:<12} write the training loss of every step to FILE as JSON", "losses FILE");
    println!("  --{:<12} save the trained model to FILE (the model-file format, see README)", "save FILE");
    println!("  --{:<12} (task agnews) the folder with train.csv and test.csv [default: ../shared/data/ag_news]", "data DIR");
    println!("  --{:<12} (task agnews) threads per training step [default: 1]", "threads N");
    println!("\nSeries lessons only: --{}", Part::Series.keys().collect::<Vec<_>>().join(", --"));
    println!("News lesson (--task agnews) only: --{}", Part::News.keys().collect::<Vec<_>>().join(", --"));
}
