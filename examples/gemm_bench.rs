//! GFLOP/s of the CPU matrix kernels on the engine's hot shapes (batch 32):
//! `cargo run --release --example gemm_bench [-- REPEATS [portable|sse2|avx2]]`. Each cell is the
//! median of REPEATS (default 7) timings, each of enough calls to last about 20 ms; `best` is the
//! fastest of them. The instruction set is the best one this CPU has unless named.

use std::time::Instant;

use unroll::engine::cpu::{fast, Accumulate, Isa, Mat, MatMut};

/// (what, kernel, m, k, n): `C[m,n] += op(A)·op(B)` with inner dimension k.
const SHAPES: &[(&str, &str, usize, usize, usize)] = &[
    ("LSTM H=64 step   h·U", "nn", 32, 64, 256),
    ("RNN H=100 step   h·U", "nn", 32, 100, 100),
    ("LSTM H=32 step   h·U", "nn", 32, 32, 128),
    ("LSTM H=128 step  h·U", "nn", 32, 128, 512),
    ("GRU H=16 step    h·U", "nn", 32, 16, 48),
    ("LSTM H=64 bwd   dz·Uᵀ", "nt", 32, 256, 64),
    ("RNN H=100 bwd   dz·Uᵀ", "nt", 32, 100, 100),
    ("LSTM H=128 bwd  dz·Uᵀ", "nt", 32, 512, 128),
    ("LSTM H=64 bwd   hᵀ·dz", "tn", 64, 32, 256),
    ("RNN H=100 bwd   hᵀ·dz", "tn", 100, 32, 100),
    ("LSTM H=128 bwd  hᵀ·dz", "tn", 128, 32, 512),
    ("input in=1      X·W", "nn", 3200, 1, 256),
    ("input in=64     X·W", "nn", 3200, 64, 256),
    ("input in=256    X·W", "nn", 1600, 256, 512),
    ("input in=64 bwd Xᵀ·dZ", "tn", 64, 3200, 256),
    ("input in=1 bwd  Xᵀ·dZ", "tn", 1, 3200, 256),
    ("input in=64 bwd dZ·Wᵀ", "nt", 3200, 256, 64),
    ("dense out=1     h·K", "nn", 3200, 64, 1),
    ("dense out=1 bwd hᵀ·dy", "tn", 64, 3200, 1),
    ("dense out=1 bwd dy·Kᵀ", "nt", 3200, 1, 64),
    ("square 256", "nn", 256, 256, 256),
];

fn main() {
    let repeats: usize = std::env::args().nth(1).and_then(|s| s.parse().ok()).unwrap_or(7).max(1);
    let isa = match std::env::args().nth(2).as_deref() {
        None => Isa::best(),
        Some("portable") => Isa::Portable,
        Some("sse2") => Isa::Sse2,
        Some("avx2") => Isa::Avx2Fma,
        Some(other) => panic!("unknown instruction set {other:?}: portable, sse2 or avx2"),
    };
    assert!(isa.is_available(), "{isa:?} is not available on this machine");
    println!("{isa:?}");
    println!("{:<24} {:>4} {:>5} {:>5} {:>5} {:>8} {:>8}", "shape", "op", "m", "k", "n", "GFLOP/s", "best");
    for &(what, op, m, k, n) in SHAPES {
        let (median, best) = measure(isa, op, m, k, n, repeats);
        println!("{what:<24} {op:>4} {m:>5} {k:>5} {n:>5} {median:>8.1} {best:>8.1}");
    }
}

/// GFLOP/s: the median and the best of `repeats` timings.
fn measure(isa: Isa, op: &str, m: usize, k: usize, n: usize, repeats: usize) -> (f64, f64) {
    let (a_shape, b_shape) = match op {
        "nn" => ((m, k), (k, n)),
        "nt" => ((m, k), (n, k)),
        _ => ((k, m), (k, n)),
    };
    let kernel = match op {
        "nn" => fast::gemm_nn_with,
        "nt" => fast::gemm_nt_with,
        _ => fast::gemm_tn_with,
    };
    let fill = |len: usize, s: f32| (0..len).map(|i| (i as f32 * 0.37 + s).sin()).collect::<Vec<f32>>();
    let a = fill(a_shape.0 * a_shape.1, 0.1);
    let b = fill(b_shape.0 * b_shape.1, 0.2);
    let mut c = vec![0.0f32; m * n];
    let mut call = || {
        kernel(
            isa,
            Mat::new(&a, a_shape.0, a_shape.1),
            Mat::new(&b, b_shape.0, b_shape.1),
            &mut MatMut::new(&mut c, m, n),
            Accumulate::Add,
        );
    };
    // Calls per timing: enough for about 20 ms.
    let start = Instant::now();
    call();
    let once = start.elapsed().as_secs_f64().max(1e-7);
    let calls = ((0.02 / once) as usize).clamp(1, 100_000);
    let mut times: Vec<f64> = (0..repeats)
        .map(|_| {
            let start = Instant::now();
            for _ in 0..calls {
                call();
            }
            start.elapsed().as_secs_f64() / calls as f64
        })
        .collect();
    times.sort_by(f64::total_cmp);
    std::hint::black_box(&c);
    let gflops = |t: f64| 2.0 * (m * k * n) as f64 / t / 1e9;
    (gflops(times[times.len() / 2]), gflops(times[0]))
}
