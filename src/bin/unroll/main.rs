//! `unroll`: the native command-line trainer, benchmark, model tool and golden checker; `USAGE`
//! below lists the commands, and every command answers `--help`.

#[cfg(not(target_arch = "wasm32"))]
mod bench;
#[cfg(not(target_arch = "wasm32"))]
mod check_golden;
#[cfg(not(target_arch = "wasm32"))]
mod generation;

#[cfg(not(target_arch = "wasm32"))]
#[global_allocator]
static ALLOC: bench::Counting = bench::Counting;
#[cfg(not(target_arch = "wasm32"))]
mod model;
#[cfg(not(target_arch = "wasm32"))]
mod news;
#[cfg(not(target_arch = "wasm32"))]
mod train;

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let rest = args.get(1..).unwrap_or_default();
    let wants_help = rest.iter().any(|a| a == "--help" || a == "-h");
    let code = match args.first().map(String::as_str) {
        // Every command answers --help (train lists the page's settings itself).
        Some(cmd @ ("check-golden" | "model" | "bench")) if wants_help => {
            print!("{}", command_help(cmd));
            0
        }
        Some("check-golden") => check_golden::run(&args[1..]),
        Some("gpu") => match unroll::engine::gpu::adapter_summary() {
            Ok(a) => {
                println!("WebGPU adapter: {a}");
                0
            }
            Err(why) => {
                println!("no WebGPU adapter: {why}");
                1
            }
        },
        Some("train") => train::run(&args[1..]),
        Some("model") => model::run(&args[1..]),
        Some("bench") if rest.iter().any(|a| a == "--generation") => generation::run(rest),
        Some("bench") => bench::run(&args[1..]),
        Some("help" | "--help" | "-h") | None => {
            print!("{}", USAGE);
            if args.is_empty() {
                2
            } else {
                0
            }
        }
        Some("--version" | "-V") => {
            println!("unroll {}", env!("CARGO_PKG_VERSION"));
            0
        }
        Some(other) => {
            eprintln!("unroll: unknown command `{other}`\n\n{USAGE}");
            2
        }
    };
    std::process::exit(code);
}

#[cfg(not(target_arch = "wasm32"))]
const USAGE: &str = "\
unroll: train recurrent networks and check them against Keras

USAGE:
    unroll check-golden [--path fast|reference|both] [--backend cpu|gpu] FILE...
                                    compare forward values, states, loss and gradients with golden
                                    files, on the fast engine (default) or the naive reference
                                    (exit 0: all agree; 1: a mismatch; 2: unsupported/unreadable)
    unroll train [--FLAG VALUE]...  train the sine lesson (or --task typed --series \"1,2,3,...\", or
                                    --task agnews --data DIR --preset NAME: news classification);
                                    `unroll train --help` lists the flags, the page's settings
    unroll gpu                      the WebGPU adapter the GPU engine would use (exit 1: none)
    unroll model summary FILE       Keras-style summary of a model file
    unroll model verify FILE        load a model file and compare its outputs with the check it carries
    unroll bench [--json] [--news] [--profile] [--only NAME]... [--samples N] [--repeat N]
                 [--threads N] [--data DIR]
                                    speed benchmarks (see src/bench.rs), each with its peak memory:
                                    the engine configurations, or with --news one epoch of each news
                                    preset; --repeat N keeps the fastest of N runs; DIR holds AG
                                    News's train.csv [default: ../shared/data/ag_news]
    unroll bench --generation [--seeds N] [--steps N] [--cell rnn|lstm|gru]... [--json]
                                    the sine lesson at the page's defaults for each seed and cell:
                                    held-out next-step MSE and 200-step generation MSE per seed
    unroll help                     this text
";

/// USAGE's paragraph on `unroll CMD` (the lines from `    unroll CMD` to the next command).
#[cfg(not(target_arch = "wasm32"))]
fn command_help(cmd: &str) -> String {
    let start = format!("    unroll {cmd} ");
    let mut out = String::from("USAGE:\n");
    let mut inside = false;
    for line in USAGE.lines() {
        if line.starts_with("    unroll ") {
            inside = line.starts_with(&start);
        }
        if inside {
            out.push_str(line);
            out.push('\n');
        }
    }
    out
}

#[cfg(target_arch = "wasm32")]
fn main() {}
