//! `unroll train --task agnews --data DIR [--preset NAME] [--epochs N] ...`: the news lesson from
//! the command line: reports the rows it could not read, progress while training, each epoch's
//! figures, and finally the test set's accuracy, confusion matrix and per-class precision/recall.

use std::time::Instant;

use unroll::data::ag_news::BadRow;
use unroll::engine::model::summary::thousands;
use unroll::lesson::news::{NewsData, NewsLesson};
use unroll::settings::Settings;

/// Bad rows listed one by one, at most (the rest are counted).
const LIST_BAD: usize = 10;

fn report_bad(file: &str, bad: &[BadRow]) {
    if bad.is_empty() {
        return;
    }
    eprintln!("{file}: skipped {} malformed row{}:", bad.len(), if bad.len() == 1 { "" } else { "s" });
    for b in bad.iter().take(LIST_BAD) {
        eprintln!("  {file}:{b}");
    }
    if bad.len() > LIST_BAD {
        eprintln!("  ... and {} more", bad.len() - LIST_BAD);
    }
}

pub fn run(settings: &Settings, dir: &str, threads: usize, save: Option<&str>) -> i32 {
    let read = |name: &str| {
        let path = format!("{dir}/{name}");
        std::fs::read(&path).map_err(|e| format!("cannot read {path}: {e} (--data DIR must hold train.csv and test.csv)"))
    };
    let (train_csv, test_csv) = match (read("train.csv"), read("test.csv")) {
        (Ok(a), Ok(b)) => (a, b),
        (Err(e), _) | (_, Err(e)) => {
            eprintln!("unroll train: {e}");
            return 2;
        }
    };
    let (data, bad_train, bad_test) = NewsData::ag_news(&train_csv, &test_csv);
    report_bad("train.csv", &bad_train);
    report_bad("test.csv", &bad_test);
    let t_setup = Instant::now();
    let mut lesson = match NewsLesson::new(settings, &data) {
        Ok(l) => l,
        Err(e) => {
            eprintln!("unroll train: {e}");
            return 2;
        }
    };
    lesson.set_threads(threads);
    let info = lesson.info().clone();
    println!("preset: {}; model: {} ({} weights; estimated {})", settings.preset, info.model, thousands(info.params), info.estimate.text());
    println!(
        "data: {} training rows, {} validation, {} test; vocabulary {} tokens (from the training rows' {}); setup {:.1} s",
        info.train_rows,
        info.val_rows,
        info.test_rows,
        info.vocabulary_size,
        if settings.text == unroll::settings::TextFields::Title { "titles" } else { "titles + descriptions" },
        t_setup.elapsed().as_secs_f64()
    );
    let start = Instant::now();
    let mut epoch_start = Instant::now();
    let report_every = (info.batches_per_epoch / 10).max(1);
    loop {
        let p = match lesson.train_batch() {
            Ok(p) => p,
            Err(e) => {
                eprintln!("unroll train: {e}");
                return 1;
            }
        };
        if !p.loss.is_finite() {
            eprintln!("unroll train: the loss is {} at epoch {}, batch {}: lower --lr or set --clip-norm", p.loss, p.epoch, p.batch);
            return 1;
        }
        let secs = epoch_start.elapsed().as_secs_f64();
        if p.batch % report_every == 0 && p.batch < p.batches {
            let left = secs / p.batch as f64 * (p.batches - p.batch) as f64;
            eprintln!(
                "epoch {}/{}  batch {:>5}/{}  loss {:.4}  accuracy {:.4}  {:.0} samples/s  {:.0} s left in this epoch",
                p.epoch,
                info.epochs,
                p.batch,
                p.batches,
                p.loss,
                p.accuracy,
                p.samples as f64 / secs,
                left
            );
        }
        if let Some(r) = &p.epoch_end {
            let val = match (r.val_loss, r.val_accuracy) {
                (Some(l), Some(a)) => format!("  val_loss {l:.4}  val_accuracy {a:.4}"),
                _ => String::new(),
            };
            println!(
                "epoch {}/{}: loss {:.4}  accuracy {:.4}{val}  ({:.1} s, {:.0} samples/s, {:.0} tokens/s)",
                r.epoch,
                info.epochs,
                r.train_loss,
                r.train_accuracy,
                secs,
                p.samples as f64 / secs,
                p.tokens as f64 / secs
            );
            epoch_start = Instant::now();
        }
        if p.done {
            break;
        }
    }
    let train_secs = start.elapsed().as_secs_f64();
    if settings.average_last > 1 {
        println!("averaged the weights of the last {} epochs", settings.average_last.min(settings.epochs));
    } else if settings.restore_best {
        if let Some(e) = lesson.best_epoch() {
            println!("restored the weights of epoch {e} (best validation accuracy)");
        }
    }
    let eval = lesson.evaluate_test(0);
    println!("\nconfusion matrix (rows: true class, columns: predicted)");
    let names = &info.classes;
    println!("{:>10} {}", "", names.iter().map(|n| format!("{n:>9}")).collect::<String>());
    for (name, row) in names.iter().zip(&eval.confusion) {
        println!("{name:>10} {}", row.iter().map(|v| format!("{v:>9}")).collect::<String>());
    }
    println!("\n{:>10} {:>9} {:>9}", "class", "precision", "recall");
    for (k, name) in names.iter().enumerate() {
        let f = |v: Option<f32>| v.map_or("-".to_string(), |v| format!("{v:.3}"));
        println!("{name:>10} {:>9} {:>9}", f(eval.precision[k]), f(eval.recall[k]));
    }
    if let Some(path) = save {
        let mut file = lesson.to_file();
        file.about = Some(format!(
            "Trained by `unroll train` (Unroll {}) on {} rows of {dir}/train.csv, {} epochs{} (settings: {}); test accuracy {:.4} on the {} rows of test.csv.",
            env!("CARGO_PKG_VERSION"),
            info.train_rows,
            info.epochs,
            if settings.average_last > 1 {
                format!(", weights averaged over the last {} epochs", settings.average_last.min(settings.epochs))
            } else {
                lesson.best_epoch().filter(|_| settings.restore_best).map_or(String::new(), |e| format!(", weights of epoch {e} (best validation accuracy)"))
            },
            settings.to_query(),
            eval.accuracy,
            eval.rows
        ));
        if let Err(e) = std::fs::write(path, file.to_json()) {
            eprintln!("unroll train: cannot write {path}: {e}");
            return 1;
        }
        println!("saved the model and its vectorizer to {path}");
    }
    println!("training time: {train_secs:.1} s ({} epochs)", info.epochs);
    println!("test loss: {:.4}", eval.loss);
    println!("test accuracy: {:.4} ({} rows)", eval.accuracy, eval.rows);
    0
}
