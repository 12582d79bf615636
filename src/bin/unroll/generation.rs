//! `unroll bench --generation [--seeds N] [--steps N] [--cell rnn|lstm|gru]... [--set KEY=VALUE]... [--json]`: the sine
//! lesson at the page's defaults trained `--steps` steps with each seed and cell, then the held-out
//! next-step MSE and the free-running generation MSE (200 steps from the last training window, as
//! the page's chart) per seed: the figures issue 16's targets are stated in (generation MSE ≤ 0.05
//! on 9 of 10 seeds for every cell; predicting 0 scores about 0.48), for three recipes: the
//! course's (teacher forcing, every step scored, plain Adam), the page's (teacher forcing after a
//! warm-up of 15 steps, AMSGrad) and free-running training (every step scored, plain Adam); or
//! only the one `--set training=`, `warmup=`, `amsgrad=` and `optimizer=` make. `--set KEY=VALUE` changes any setting from the defaults, as a
//! link would.

use std::time::Instant;

use unroll::lesson::twin::Recipe;
use unroll::lesson::SeriesLesson;
use unroll::settings::{Cell, Settings, Training};

/// A generation MSE at or below this counts as a generation that holds.
const HOLDS: f32 = 0.05;

struct Run {
    cell: &'static str,
    seed: u64,
    recipe: Recipe,
    heldout_mse: f32,
    gen_mse: f32,
    ms_per_step: f64,
}

pub fn run(args: &[String]) -> i32 {
    let (mut seeds, mut steps, mut json, mut cells) = (10u64, 2000u64, false, Vec::new());
    let mut extra: Vec<(String, String)> = Vec::new();
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--generation" => {}
            "--json" => json = true,
            "--seeds" => seeds = it.next().and_then(|v| v.parse().ok()).unwrap_or(0),
            "--steps" => steps = it.next().and_then(|v| v.parse().ok()).unwrap_or(0),
            "--set" => match it.next().and_then(|kv| kv.split_once('=')) {
                Some((k, v)) => extra.push((k.to_string(), v.to_string())),
                None => {
                    eprintln!("unroll bench --generation: --set takes KEY=VALUE (a setting, as in a link)");
                    return 2;
                }
            },
            "--cell" => match it.next().map(String::as_str) {
                Some("rnn") => cells.push(Cell::Rnn),
                Some("lstm") => cells.push(Cell::Lstm),
                Some("gru") => cells.push(Cell::Gru),
                other => {
                    eprintln!("unroll bench --generation: --cell takes rnn, lstm or gru, not {other:?}");
                    return 2;
                }
            },
            other => {
                eprintln!("unroll bench --generation: unknown argument `{other}` (--seeds N, --steps N, --cell rnn|lstm|gru, --set KEY=VALUE, --json)");
                return 2;
            }
        }
    }
    if !(1..=100).contains(&seeds) || !(1..=1_000_000).contains(&steps) {
        eprintln!("unroll bench --generation: --seeds takes 1 to 100, --steps 1 to 1000000");
        return 2;
    }
    if cells.is_empty() {
        cells = vec![Cell::Rnn, Cell::Lstm, Cell::Gru];
    }
    // The defaults with the `--set` pairs (each checked per run below).
    let set = {
        let mut s = Settings::default();
        extra.iter().for_each(|(k, v)| drop(s.set(k, v)));
        s
    };
    // The course's recipe, the page's and free-running training, unless one is set.
    let modes: Vec<Recipe> = if extra.iter().any(|(k, _)| ["training", "warmup", "amsgrad", "optimizer"].contains(&k.as_str())) {
        vec![Recipe::of(&set)]
    } else {
        vec![Recipe::COURSE, Recipe::of(&Settings::default()), Recipe { training: Training::Free, ..Recipe::COURSE }]
    };
    let mut runs = Vec::new();
    for &cell in &cells {
        let name = match cell {
            Cell::Rnn => "SimpleRNN",
            Cell::Lstm => "LSTM",
            Cell::Gru => "GRU",
        };
        for seed in 1..=seeds {
            for &recipe in &modes {
                // The page's defaults, with this cell (LSTM and GRU keep the default 100 units).
                let mut s = Settings { cell, seed, steps, ..Settings::default() };
                for (k, v) in &extra {
                    if let Err(e) = s.set(k, v) {
                        eprintln!("unroll bench --generation: {e}");
                        return 2;
                    }
                }
                let s = recipe.apply(&s);
                if !json {
                    eprintln!("{name}, seed {seed}, {}: training {steps} steps ...", short(recipe));
                }
                match train(&s) {
                    Ok((heldout_mse, gen_mse, ms_per_step)) => {
                        runs.push(Run { cell: name, seed, recipe, heldout_mse, gen_mse, ms_per_step })
                    }
                    Err(e) => {
                        eprintln!("unroll bench --generation: {name}, seed {seed}: {e}");
                        return 1;
                    }
                }
            }
        }
    }
    let free_steps = format!("the last {} steps", unroll::lesson::series::free_steps(set.free_steps, set.seq_len));
    if json {
        let rows: Vec<_> = runs
            .iter()
            .map(|r| {
                serde_json::json!({ "cell": r.cell, "seed": r.seed, "training": r.recipe.training.as_str(), "warmup": r.recipe.warmup, "amsgrad": r.recipe.amsgrad, "heldout_mse": r.heldout_mse, "generation_mse": r.gen_mse, "ms_per_step": r.ms_per_step })
            })
            .collect();
        let set: Vec<String> = extra.iter().map(|(k, v)| format!("{k}={v}")).collect();
        println!("{}", serde_json::json!({ "bench": "generation", "steps": steps, "set": set, "free_running": free_steps, "rows": rows }));
        return 0;
    }
    let d = Settings::default();
    println!(
        "\nsine lesson at the page's defaults ({} units, T {}, batch {}, Adam {}, {steps} steps{}); natively, one thread per part",
        d.units,
        d.seq_len,
        d.batch,
        d.lr,
        extra.iter().map(|(k, v)| format!(", {k}={v}")).collect::<String>()
    );
    println!(
        "course = teacher forcing, every step scored (the course's recipe); warm-up N = teacher forcing, the first N steps of each window not scored; +ams = Adam's AMSGrad variant (the page's default: warm-up {}+ams); free = free-running training ({free_steps} of each window read the model's own predictions)",
        d.warmup
    );
    println!("cell        seed  recipe          held-out MSE   generation MSE ({} steps)   ms/step", d.gen_steps);
    for r in &runs {
        let mark = if r.gen_mse <= HOLDS { "" } else { "  ✗" };
        println!(
            "{:<10}{:>6}  {:<14}{:>15.2e}{:>17.3e}{mark:<4}{:>18.2}",
            r.cell,
            r.seed,
            short(r.recipe),
            r.heldout_mse,
            r.gen_mse,
            r.ms_per_step
        );
    }
    for cell in ["SimpleRNN", "LSTM", "GRU"] {
        for &recipe in &modes {
            let mine: Vec<&Run> = runs.iter().filter(|r| r.cell == cell && r.recipe == recipe).collect();
            if mine.is_empty() {
                continue;
            }
            let holds = mine.iter().filter(|r| r.gen_mse <= HOLDS).count();
            let med = |f: fn(&Run) -> f32| {
                let mut v: Vec<f32> = mine.iter().map(|r| f(r)).collect();
                v.sort_by(f32::total_cmp);
                v[v.len() / 2]
            };
            let ms = mine.iter().map(|r| r.ms_per_step).sum::<f64>() / mine.len() as f64;
            println!(
                "{cell} {}: generation MSE ≤ {HOLDS} on {holds} of {} seeds; median generation MSE {:.3e}, median held-out MSE {:.2e}, {ms:.2} ms/step",
                short(recipe),
                mine.len(),
                med(|r| r.gen_mse),
                med(|r| r.heldout_mse)
            );
        }
    }
    0
}

/// A recipe in a table's few letters.
fn short(r: Recipe) -> String {
    let how = match (r.training, r.warmup) {
        (Training::Teacher, 0) => "course".to_string(),
        (Training::Teacher, w) => format!("warm-up {w}"),
        (Training::Free, 0) => "free".into(),
        (Training::Free, w) => format!("free, w-u {w}"),
    };
    if r.amsgrad {
        format!("{how}+ams")
    } else {
        how
    }
}

/// Trains `s.steps` steps; the held-out MSE, generation MSE and milliseconds per step.
fn train(s: &Settings) -> Result<(f32, f32, f64), String> {
    let mut lesson = SeriesLesson::new(s).map_err(|e| e.to_string())?;
    let t0 = Instant::now();
    for _ in 0..s.steps {
        let out = lesson.train_step().map_err(|e| e.to_string())?;
        if out.diverged.is_some() {
            break;
        }
    }
    let ms = t0.elapsed().as_secs_f64() * 1000.0 / s.steps as f64;
    let e = lesson.evaluate().map_err(|e| e.to_string())?;
    Ok((e.heldout_mse, e.gen_mse.unwrap_or(f32::NAN), ms))
}
