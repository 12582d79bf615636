//! Products whose left operand is mostly zeros, for the states of a ReLU SimpleRNN: in the sine
//! lesson's SimpleRNN(100, relu) about 44 % of `h` is exactly 0 (a quarter of the units are off
//! for the whole batch), and so is the same share of the gradient `dz = δ ∘ relu'(h)`. Skipping
//! those terms skips that share of the recurrent products, which are most of a training step.
//!
//! `C (+)= A·B`: the nonzeros of each row of A are listed (value, and where the row of B they
//! multiply starts), and the ISA's [`SparseRows`] kernel sums them into C, a few vectors of
//! columns at a time. The sum per element is the tile kernels' (from 0, `p` ascending, added to C
//! once per block of `KC` steps of k) with the zero terms left out, and a zero term adds exactly
//! nothing: the result is the dense kernels' bit for bit, unless B holds an infinity or NaN
//! (`0·∞` is NaN there). Tested against `reference`, and against the dense kernels bit for bit, in
//! `tests/core/kernels.rs`.
//!
//! B must be row-major (`B(p, j) = b[p·ld + j]`): the transposed products use a transposed copy.

use std::cell::Cell;

use super::fast::{check_view, KC};
use super::simd::{Isa, Nonzero, SparseRows};
use super::{Accumulate, Mat, MatMut};

/// Whether skipping zeros beats the dense kernels with this build's best instruction set.
/// Measured on the sine lesson's SimpleRNN(100, relu) (44 % zeros), ms per training step, on an
/// AMD EPYC core: in Chromium (simd128) 1.70–1.74 skipping them vs 1.97–2.00 dense; natively
/// with AVX2+FMA 1.11 vs 0.92 (there the dense tile kernel runs near the core's peak, sharing each
/// loaded vector of B among 6 rows of C, where the sparse one loads it again for every row). With
/// SSE2 or portable code, as with simd128, there is no FMA and the dense kernel is the slower one.
pub fn sparse_pays_off() -> bool {
    Isa::best() != Isa::Avx2Fma
}

/// `C[m,n] (+)= A[m,k] · B[k,n]`, skipping the zeros of A.
pub fn gemm_nn_sparse(a: Mat, b: Mat, c: &mut MatMut, acc: Accumulate) {
    gemm_nn_sparse_with(Isa::best(), a, b, c, acc)
}

/// `C[m,n] (+)= A[k,m]ᵀ · B[k,n]`, skipping the zeros of A.
pub fn gemm_tn_sparse(a: Mat, b: Mat, c: &mut MatMut, acc: Accumulate) {
    gemm_tn_sparse_with(Isa::best(), a, b, c, acc)
}

/// [`gemm_nn_sparse`] with the given instruction set.
pub fn gemm_nn_sparse_with(isa: Isa, a: Mat, b: Mat, c: &mut MatMut, acc: Accumulate) {
    assert_eq!(a.cols, b.rows, "gemm_nn_sparse inner dimension");
    assert_eq!((c.rows, c.cols), (a.rows, b.cols), "gemm_nn_sparse output shape");
    blocks(isa, a.cols, b, c, acc, |pc, kc, list, spans, _| {
        list.resize(a.rows * kc + 1, ZERO);
        // Branch-free: every value is written, and the cursor moves past the nonzero ones
        // (about half are zero, in no pattern a branch predictor could learn).
        let mut len = 0;
        for i in 0..a.rows {
            let begin = len;
            for (p, &v) in a.row(i)[pc..pc + kc].iter().enumerate() {
                list[len] = Nonzero { off: ((pc + p) * b.ld) as u32, v };
                len += usize::from(v != 0.0);
            }
            spans.push((begin as u32, len as u32));
        }
    })
}

/// [`gemm_tn_sparse`] with the given instruction set. A's rows are read in order: the nonzeros
/// of every column are counted, then listed column after column in one buffer.
pub fn gemm_tn_sparse_with(isa: Isa, a: Mat, b: Mat, c: &mut MatMut, acc: Accumulate) {
    assert_eq!(a.rows, b.rows, "gemm_tn_sparse inner dimension");
    assert_eq!((c.rows, c.cols), (a.cols, b.cols), "gemm_tn_sparse output shape");
    let m = a.cols;
    blocks(isa, a.rows, b, c, acc, |pc, kc, list, spans, cursor| {
        // Column i's list begins at cursor[i] + i: one spare slot after each list, which the
        // branch-free fill below writes (and does not count) after a column's last nonzero.
        cursor.clear();
        cursor.resize(m + 1, 0);
        for p in pc..pc + kc {
            for (i, &v) in a.row(p).iter().enumerate() {
                cursor[i + 1] += u32::from(v != 0.0);
            }
        }
        for i in 0..m {
            cursor[i + 1] += cursor[i] + 1;
        }
        list.resize(cursor[m] as usize + 1, ZERO);
        spans.extend(cursor[..m].iter().map(|&c| (c, c)));
        for p in pc..pc + kc {
            for (span, &v) in spans.iter_mut().zip(a.row(p)) {
                list[span.1 as usize] = Nonzero { off: (p * b.ld) as u32, v };
                span.1 += u32::from(v != 0.0);
            }
        }
    })
}

const ZERO: Nonzero = Nonzero { off: 0, v: 0.0 };

/// The blocks of `KC` steps of k, as the dense kernels take them (a block after the first adds to
/// C): `list(pc, kc, list, spans, scratch)` lists each row's nonzeros of the block (`spans` comes
/// empty), then the ISA's kernel runs them.
fn blocks(
    isa: Isa,
    k: usize,
    b: Mat,
    c: &mut MatMut,
    acc: Accumulate,
    mut list: impl FnMut(usize, usize, &mut Vec<Nonzero>, &mut Vec<(u32, u32)>, &mut Vec<u32>),
) {
    check_view("gemm_sparse B", b.data.len(), b.rows, b.cols, b.ld);
    check_view("gemm_sparse output", c.data.len(), c.rows, c.cols, c.ld);
    // Offsets into B are 32 bits (half the lists' memory traffic).
    assert!(b.data.len() <= u32::MAX as usize, "gemm_sparse: B too large for 32-bit offsets");
    if k == 0 && acc == Accumulate::Overwrite {
        (0..c.rows).for_each(|i| c.row_mut(i).fill(0.0));
    }
    if c.rows == 0 || c.cols == 0 {
        return;
    }
    with_lists(|(nz, spans, scratch)| {
        for pc in (0..k).step_by(KC) {
            let kc = KC.min(k - pc);
            spans.clear();
            list(pc, kc, nz, spans, scratch);
            debug_assert_eq!(spans.len(), c.rows);
            let r = SparseRows {
                nz,
                spans,
                b: b.data.as_ptr(),
                c: c.data.as_mut_ptr(),
                ldc: c.ld,
                n: c.cols,
                add: acc == Accumulate::Add || pc > 0,
            };
            // SAFETY: every span lies in `nz`; every offset is `p·ld` for a row p of B, whose
            // `n` columns exist (checked above); rows of C are `ld` apart inside the checked
            // view; `Isa::kernel` hands out a kernel this CPU runs.
            unsafe { (isa.kernel().sparse_rows)(&r) }
        }
    })
}

type Lists = (Vec<Nonzero>, Vec<(u32, u32)>, Vec<u32>);

thread_local! {
    /// This thread's lists of nonzeros; they grow to the largest product seen and stay.
    static LISTS: Cell<Lists> = const { Cell::new((Vec::new(), Vec::new(), Vec::new())) };
}

fn with_lists<R>(f: impl FnOnce(&mut Lists) -> R) -> R {
    let mut lists = LISTS.with(Cell::take);
    let r = f(&mut lists);
    LISTS.with(|s| s.set(lists));
    r
}
