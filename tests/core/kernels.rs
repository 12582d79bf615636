//! The fast matrix kernels agree with the naive reference on every shape, stride and mode, with
//! every instruction set this machine has (natively: portable, SSE2 and, where the CPU has it,
//! AVX2+FMA; in the browser: portable and simd128), and never write outside their output block.
//! The sparse products (`cpu::sparse`, for relu states) are checked the same way, with about half
//! of A zero, and against the dense kernels bit for bit.

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

use unroll::engine::cpu::{fast, reference, sparse, Accumulate, Isa, Mat, MatMut};

use crate::common::{assert_close, rng, uniform_vec};

type Kernel = fn(Mat, Mat, &mut MatMut, Accumulate);
type KernelWith = fn(Isa, Mat, Mat, &mut MatMut, Accumulate);

#[derive(Clone, Copy, Debug, PartialEq)]
enum Op {
    Nn,
    Nt,
    Tn,
    /// `gemm_nn_sparse`: A is relu'd (about half zeros).
    SparseNn,
    /// `gemm_tn_sparse`: A is relu'd.
    SparseTn,
}

impl Op {
    /// (fast with the best instruction set, fast with a given one, reference)
    fn kernels(self) -> (Kernel, KernelWith, Kernel) {
        match self {
            Op::Nn => (fast::gemm_nn, fast::gemm_nn_with, reference::gemm_nn),
            Op::Nt => (fast::gemm_nt, fast::gemm_nt_with, reference::gemm_nt),
            Op::Tn => (fast::gemm_tn, fast::gemm_tn_with, reference::gemm_tn),
            Op::SparseNn => (sparse::gemm_nn_sparse, sparse::gemm_nn_sparse_with, reference::gemm_nn),
            Op::SparseTn => (sparse::gemm_tn_sparse, sparse::gemm_tn_sparse_with, reference::gemm_tn),
        }
    }
    fn is_sparse(self) -> bool {
        matches!(self, Op::SparseNn | Op::SparseTn)
    }
    /// Shapes of A and B as stored, for `C[m, n]` with inner dimension `k`.
    fn shapes(self, m: usize, k: usize, n: usize) -> ((usize, usize), (usize, usize)) {
        match self {
            Op::Nn | Op::SparseNn => ((m, k), (k, n)),
            Op::Nt => ((m, k), (n, k)),
            Op::Tn | Op::SparseTn => ((k, m), (k, n)),
        }
    }
}

/// A `rows × cols` block at column `off` of a wider random matrix with rows `cols + pad` apart
/// (`off <= pad`), as the GRU's `U[:, 2H..3H]` is.
struct Block {
    buf: Vec<f32>,
    off: usize,
    rows: usize,
    cols: usize,
    ld: usize,
}

impl Block {
    fn new(r: &mut rand_chacha::ChaCha8Rng, (rows, cols): (usize, usize), pad: usize, off: usize) -> Self {
        let ld = cols + pad;
        Block { buf: uniform_vec(r, rows * ld, -1.0, 1.0), off, rows, cols, ld }
    }
    fn view(&self) -> Mat<'_> {
        Mat::strided(&self.buf[self.off.min(self.buf.len())..], self.rows, self.cols, self.ld)
    }
}

/// Runs every fast variant and the reference on the same random operands (blocks of wider
/// matrices) and compares, in both accumulation modes; checks that nothing outside C's block moved.
fn check(op: Op, (m, k, n): (usize, usize, usize), pad: usize, off: usize, seed: u64) {
    let mut r = rng(seed);
    let (a_shape, b_shape) = op.shapes(m, k, n);
    // Different strides for the three operands.
    let mut a = Block::new(&mut r, a_shape, pad, off);
    if op.is_sparse() {
        a.buf.iter_mut().for_each(|v| *v = v.max(0.0));
    }
    let b = Block::new(&mut r, b_shape, 2 * pad, off);
    let c0 = Block::new(&mut r, (m, n), pad + 1, off);
    let (fast_best, fast_with, ref_k) = op.kernels();
    let ld = c0.ld;
    // The view ends at its last element, so a write past the block would be out of bounds.
    let (start, end) = if m == 0 { (0, 0) } else { (off, off + (m - 1) * ld + n) };
    fn view(buf: &mut [f32], range: std::ops::Range<usize>, m: usize, n: usize, ld: usize) -> MatMut<'_> {
        MatMut::strided(&mut buf[range], m, n, ld)
    }
    let mut isas: Vec<Option<Isa>> = Isa::available().into_iter().map(Some).collect();
    isas.push(None);
    for acc in [Accumulate::Overwrite, Accumulate::Add] {
        let mut c_ref = c0.buf.clone();
        ref_k(a.view(), b.view(), &mut view(&mut c_ref, start..end, m, n, ld), acc);
        for isa in &isas {
            let mut c_fast = c0.buf.clone();
            match isa {
                Some(isa) => fast_with(*isa, a.view(), b.view(), &mut view(&mut c_fast, start..end, m, n, ld), acc),
                None => fast_best(a.view(), b.view(), &mut view(&mut c_fast, start..end, m, n, ld), acc),
            }
            let what = format!("{op:?} m={m} k={k} n={n} pad={pad} off={off} {acc:?} {isa:?}");
            assert_close(&what, &c_fast, &c_ref, 1e-5 * k as f32, 1e-5);
            for (i, (x, y)) in c_fast.iter().zip(&c0.buf).enumerate() {
                let (row, col) = (i / c0.ld, i % c0.ld);
                let inside = row < m && col >= off && col < off + n;
                if !inside {
                    assert_eq!(x.to_bits(), y.to_bits(), "{what}: wrote outside its block at row {row}, column {col}");
                }
            }
        }
    }
}

const SIZES: &[usize] = &[1, 2, 3, 4, 5, 7, 8, 9, 16, 17, 33];

#[test]
fn gemm_nn_matches_reference() {
    let mut seed = 0;
    for &m in SIZES {
        for &k in &[1, 3, 8, 13] {
            for &n in &[1, 4, 9, 24] {
                seed += 1;
                check(Op::Nn, (m, k, n), (seed % 3) as usize, 0, seed);
            }
        }
    }
}

#[test]
fn sparse_products_match_reference() {
    let mut seed = 700;
    for op in [Op::SparseNn, Op::SparseTn] {
        for &m in SIZES {
            for &k in &[1, 3, 8, 13] {
                // Widths that leave every run length of vectors and every scalar tail.
                for &n in &[1, 4, 9, 24, 37, 68, 100, 131] {
                    seed += 1;
                    let pad = (seed % 3) as usize;
                    check(op, (m, k, n), pad, pad.min((seed % 2) as usize), seed);
                }
            }
        }
    }
}

#[test]
fn sparse_products_large_and_odd_shapes_match_reference() {
    check_large(Op::SparseNn, 800);
    check_large(Op::SparseTn, 900);
}

#[test]
fn sparse_products_give_the_dense_kernels_bits() {
    // Leaving out zero terms changes no sum (blocks of k as the dense kernels take them).
    let mut r = rng(13);
    for (m, k, n) in [(32, 100, 100), (100, 928, 100), (5, 7, 3), (32, 1, 100), (7, 513, 17), (33, 300, 13)] {
        for isa in Isa::available() {
            for (dense, sparse_with, (ar, ac)) in [
                (fast::gemm_nn_with as KernelWith, sparse::gemm_nn_sparse_with as KernelWith, (m, k)),
                (fast::gemm_tn_with, sparse::gemm_tn_sparse_with, (k, m)),
            ] {
                let mut a = uniform_vec(&mut r, m * k, -1.0, 1.0);
                a.iter_mut().for_each(|v| *v = v.max(0.0));
                let b = uniform_vec(&mut r, k * n, -1.0, 1.0);
                let c0 = uniform_vec(&mut r, m * n, -1.0, 1.0);
                for acc in [Accumulate::Overwrite, Accumulate::Add] {
                    let (mut c1, mut c2) = (c0.clone(), c0.clone());
                    dense(isa, Mat::new(&a, ar, ac), Mat::new(&b, k, n), &mut MatMut::new(&mut c1, m, n), acc);
                    sparse_with(isa, Mat::new(&a, ar, ac), Mat::new(&b, k, n), &mut MatMut::new(&mut c2, m, n), acc);
                    let same = c1.iter().zip(&c2).all(|(x, y)| x == y);
                    assert!(same, "{isa:?} m={m} k={k} n={n} {acc:?}: sparse and dense differ");
                }
            }
        }
    }
}

#[test]
fn gemm_nt_matches_reference() {
    let mut seed = 100;
    for &m in SIZES {
        for &k in &[1, 3, 8, 13, 40] {
            for &n in &[1, 4, 9] {
                seed += 1;
                check(Op::Nt, (m, k, n), (seed % 3) as usize, 0, seed);
            }
        }
    }
}

#[test]
fn gemm_tn_matches_reference() {
    let mut seed = 200;
    for &m in SIZES {
        for &k in &[1, 3, 8, 13] {
            for &n in &[1, 4, 9, 24] {
                seed += 1;
                check(Op::Tn, (m, k, n), (seed % 3) as usize, 0, seed);
            }
        }
    }
}

/// The engine's shapes (batch 32; hidden 16 to 128; gate widths 1, 3, 4), and shapes that cross
/// every edge of the blocked kernels: tile edges in m (tiles of 4 or 6 rows) and n (8 or 16
/// columns), one row or column, k = 1, k past one and two blocks of 256, n past one and two blocks
/// of 512, m at and past the 32 rows up to which B is read in place, column blocks of wider
/// matrices. `(m, k, n)`, with `op(A)` `[m, k]` and `op(B)` `[k, n]`.
const LARGE: &[(usize, usize, usize)] = &[
    (32, 64, 256),
    (32, 100, 100),
    (32, 16, 48),
    (32, 128, 128),
    (32, 256, 64),
    (64, 32, 256),
    (100, 32, 100),
    (1, 1, 1),
    (1, 300, 1),
    (1, 1, 300),
    (300, 1, 1),
    (300, 1, 300),
    (1, 257, 300),
    (300, 257, 1),
    (7, 513, 17),
    (3, 5, 1030),
    (97, 31, 1030),
    (33, 300, 7),
    (31, 6, 290),
    (200, 300, 45),
    (250, 270, 290),
];

fn check_large(op: Op, seed: u64) {
    for (i, &shape) in LARGE.iter().enumerate() {
        let pad = [0, 1, 3, 5][i % 4];
        check(op, shape, pad, pad.min(i % 3), seed + i as u64);
    }
}

#[test]
fn gemm_nn_large_and_odd_shapes_match_reference() {
    check_large(Op::Nn, 300);
}

#[test]
fn gemm_nt_large_and_odd_shapes_match_reference() {
    check_large(Op::Nt, 400);
}

#[test]
fn gemm_tn_large_and_odd_shapes_match_reference() {
    check_large(Op::Tn, 500);
}

#[test]
fn gemm_with_empty_inner_dimension_overwrites_with_zeros_or_adds_nothing() {
    for op in [Op::Nn, Op::Nt, Op::Tn] {
        for (m, n) in [(3, 5), (0, 4), (4, 0), (33, 17)] {
            check(op, (m, 0, n), 2, 1, 600);
        }
    }
}

#[test]
fn gemm_with_one_inner_step_rounds_as_the_reference() {
    // k = 1 (one input feature) takes its own path, which rounds exactly as the reference does.
    for op in [Op::Nn, Op::Nt, Op::Tn] {
        let (m, n) = (37, 29);
        let mut r = rng(11);
        let (a_shape, b_shape) = op.shapes(m, 1, n);
        let a = uniform_vec(&mut r, a_shape.0 * a_shape.1, -1.0, 1.0);
        let b = uniform_vec(&mut r, b_shape.0 * b_shape.1, -1.0, 1.0);
        let c0 = uniform_vec(&mut r, m * n, -1.0, 1.0);
        let (fast_k, _, ref_k) = op.kernels();
        for acc in [Accumulate::Overwrite, Accumulate::Add] {
            let (mut c1, mut c2) = (c0.clone(), c0.clone());
            let (am, bm) = (Mat::new(&a, a_shape.0, a_shape.1), Mat::new(&b, b_shape.0, b_shape.1));
            fast_k(am, bm, &mut MatMut::new(&mut c1, m, n), acc);
            ref_k(am, bm, &mut MatMut::new(&mut c2, m, n), acc);
            assert!(c1.iter().zip(&c2).all(|(x, y)| x.to_bits() == y.to_bits()), "{op:?} {acc:?}");
        }
    }
}

#[test]
fn gemm_is_deterministic() {
    // Same inputs, same bits, call after call (the packing buffers are reused between calls).
    let mut r = rng(9);
    let a = uniform_vec(&mut r, 40 * 70, -1.0, 1.0);
    let b = uniform_vec(&mut r, 70 * 90, -1.0, 1.0);
    let run = || {
        let mut c = vec![0.0; 40 * 90];
        fast::gemm_nn(Mat::new(&a, 40, 70), Mat::new(&b, 70, 90), &mut MatMut::new(&mut c, 40, 90), Accumulate::Overwrite);
        c
    };
    let first = run();
    let mut other = vec![0.0; 33 * 33];
    fast::gemm_tn(Mat::new(&a[..33 * 33], 33, 33), Mat::new(&b[..33 * 33], 33, 33), &mut MatMut::new(&mut other, 33, 33), Accumulate::Add);
    let again = run();
    assert!(first.iter().zip(&again).all(|(x, y)| x.to_bits() == y.to_bits()), "two calls gave different bits");
}

#[test]
fn every_instruction_set_is_usable() {
    let available = Isa::available();
    assert!(available.contains(&Isa::Portable));
    assert!(available.contains(&Isa::best()), "{:?} not in {available:?}", Isa::best());
    #[cfg(target_arch = "wasm32")]
    assert_eq!(Isa::best(), Isa::Simd128, "the wasm build has simd128 (.cargo/config.toml)");
    #[cfg(target_arch = "x86_64")]
    assert!(available.contains(&Isa::Sse2));
    // An instruction set this machine lacks falls back to the portable kernel instead of crashing.
    for isa in Isa::ALL {
        let (a, b) = ([1.0, 2.0, 3.0, 4.0], [5.0, 6.0, 7.0, 8.0]);
        let mut c = [0.0; 4];
        fast::gemm_nn_with(isa, Mat::new(&a, 2, 2), Mat::new(&b, 2, 2), &mut MatMut::new(&mut c, 2, 2), Accumulate::Overwrite);
        assert_eq!(c, [19.0, 22.0, 43.0, 50.0], "{isa:?}");
    }
}

#[test]
fn gemm_tn_with_zero_rows_matches_reference() {
    // Zero entries of A (relu states) change nothing.
    let mut r = rng(7);
    let mut a = uniform_vec(&mut r, 6 * 5, -1.0, 1.0);
    for v in a.iter_mut().step_by(2) {
        *v = 0.0;
    }
    let b = uniform_vec(&mut r, 6 * 4, -1.0, 1.0);
    let (mut c1, mut c2) = (vec![0.0; 20], vec![0.0; 20]);
    fast::gemm_tn(Mat::new(&a, 6, 5), Mat::new(&b, 6, 4), &mut MatMut::new(&mut c1, 5, 4), Accumulate::Overwrite);
    reference::gemm_tn(Mat::new(&a, 6, 5), Mat::new(&b, 6, 4), &mut MatMut::new(&mut c2, 5, 4), Accumulate::Overwrite);
    assert_close("gemm_tn with zeros", &c1, &c2, 1e-6, 1e-6);
}

/// GFLOP/s of the fast kernels on the engine's hot shapes (batch 32), median of 5 timings after a
/// warm-up pass (the sparse products counted as the dense product they stand in for). A benchmark, run by hand in release: natively
/// `cargo test --release --test core kernels::bench -- --ignored --nocapture` (or
/// `cargo run --release --example gemm_bench`); in Chromium, after `cargo xtask test --only wasm`
/// has written `target/xtask/webdriver.json`:
/// `CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner CHROMEDRIVER=/usr/bin/chromedriver
/// WASM_BINDGEN_TEST_WEBDRIVER_JSON=target/xtask/webdriver.json cargo test --release --target
/// wasm32-unknown-unknown --test core kernels::bench -- --include-ignored --nocapture`.
#[test]
#[ignore = "a benchmark, run by hand"]
fn bench() {
    #[cfg(target_arch = "wasm32")]
    let now = || {
        use wasm_bindgen::JsCast;
        js_sys::global().unchecked_into::<web_sys::WorkerGlobalScope>().performance().map_or(0.0, |p| p.now() / 1e3)
    };
    #[cfg(not(target_arch = "wasm32"))]
    let now = {
        let start = std::time::Instant::now();
        move || start.elapsed().as_secs_f64()
    };
    let shapes: &[(Op, usize, usize, usize)] = &[
        (Op::Nn, 32, 64, 256),
        (Op::Nn, 32, 100, 100),
        (Op::Nn, 32, 32, 128),
        (Op::Nn, 32, 128, 512),
        (Op::Nn, 32, 16, 48),
        (Op::Nt, 32, 256, 64),
        (Op::Nt, 32, 100, 100),
        (Op::Nt, 32, 512, 128),
        (Op::Tn, 64, 32, 256),
        (Op::Tn, 100, 32, 100),
        (Op::Tn, 128, 32, 512),
        (Op::Nn, 3200, 1, 256),
        (Op::Nn, 3200, 64, 256),
        (Op::Nn, 1600, 256, 512),
        (Op::Tn, 64, 3200, 256),
        (Op::Tn, 1, 3200, 256),
        (Op::Nt, 3200, 256, 64),
        (Op::Nn, 3200, 64, 1),
        (Op::Tn, 64, 3200, 1),
        (Op::Nt, 3200, 1, 64),
        (Op::Nn, 256, 256, 256),
        // The sine lesson's SimpleRNN(100, relu): its three products (forward, δh with Uᵀ, dU
        // over 29 steps), dense and skipping the zeros of A (about half, as there).
        (Op::Nn, 32, 100, 100),
        (Op::SparseNn, 32, 100, 100),
        (Op::Tn, 100, 928, 100),
        (Op::SparseTn, 100, 928, 100),
    ];
    let mut r = rng(1);
    // Twice over: the first pass warms up (in the browser, until V8's optimising tier takes over).
    for (pass, &(op, m, k, n)) in shapes.iter().chain(shapes).enumerate() {
        let (a_shape, b_shape) = op.shapes(m, k, n);
        let mut a = uniform_vec(&mut r, a_shape.0 * a_shape.1, -1.0, 1.0);
        if op.is_sparse() || shapes[pass % shapes.len()..].len() <= 4 {
            a.iter_mut().for_each(|v| *v = v.max(0.0));
        }
        let b = uniform_vec(&mut r, b_shape.0 * b_shape.1, -1.0, 1.0);
        let mut c = vec![0.0; m * n];
        let kernel = op.kernels().0;
        let mut call = || {
            kernel(Mat::new(&a, a_shape.0, a_shape.1), Mat::new(&b, b_shape.0, b_shape.1), &mut MatMut::new(&mut c, m, n), Accumulate::Add)
        };
        let start = now();
        call();
        let calls = ((0.02 / (now() - start).max(1e-6)) as usize).clamp(1, 100_000);
        let mut times: Vec<f64> = (0..5)
            .map(|_| {
                let start = now();
                (0..calls).for_each(|_| call());
                (now() - start) / calls as f64
            })
            .collect();
        times.sort_by(f64::total_cmp);
        if pass < shapes.len() {
            continue;
        }
        let line = format!("{op:?} m={m:<5} k={k:<5} n={n:<5} {:>7.2} GFLOP/s", 2.0 * (m * k * n) as f64 / times[2] / 1e9);
        #[cfg(target_arch = "wasm32")]
        wasm_bindgen_test::console_log!("{line}");
        #[cfg(not(target_arch = "wasm32"))]
        println!("{line}");
    }
}

/// `fill_rows` sets every row (whatever the number of rows, one column or many), and `swap_leading`
/// transposes one-feature tensors (its element-by-element path) as it does wider ones.
#[test]
fn bias_rows_and_one_feature_transposes() {
    use unroll::engine::ops::{fill_rows, swap_leading};
    for (rows, row) in [(0, vec![1.0, 2.0]), (1, vec![3.0]), (7, vec![4.0]), (5, vec![1.0, -2.0, 0.5]), (33, vec![9.0, 8.0])] {
        let mut y = vec![f32::NAN; rows * row.len()];
        fill_rows(&mut y, &row);
        assert!(y.chunks_exact(row.len()).all(|r| r == &row[..]), "{rows} rows of {row:?}: {y:?}");
    }
    let (a, b) = (3, 4);
    let x: Vec<f32> = (0..a * b).map(|v| v as f32).collect();
    let (mut one, mut two) = (Vec::new(), Vec::new());
    swap_leading(&x, a, b, 1, &mut one);
    let x2: Vec<f32> = x.iter().flat_map(|&v| [v, -v]).collect();
    swap_leading(&x2, a, b, 2, &mut two);
    assert_eq!(one, two.iter().step_by(2).copied().collect::<Vec<_>>());
    assert_eq!(one[..4], [0.0, 4.0, 8.0, 1.0]);
}
