//! The kernels the engine runs: a cache-blocked, register-blocked GEMM (the GotoBLAS/BLIS design)
//! over the micro-kernels in `simd/` (AVX2+FMA or SSE2 natively, `simd128` on wasm32, plain loops
//! elsewhere). Same contracts as `reference`; the summation order differs, so results agree to
//! rounding, not bit for bit, but they are deterministic for a given build and CPU (one thread, a
//! fixed order: `p` ascending within a block of `KC`, blocks in order).
//!
//! `C (+)= op(A)·op(B)`, with `op(A)` `[m, k]` and `op(B)` `[k, n]` (NN, NT and TN are the same
//! code with different strides), runs as
//!
//! ```text
//! for each block of NC = 512 columns of C:
//!   for each block of KC = 256 steps of k:         (blocks after the first add to C)
//!     pack op(B)[KC, NC] into panels of NR columns, p-major, zero-padded     (stays in L2)
//!     for each tile of MR rows of C:
//!       for each panel: micro-kernel on one MR × NR tile of C  (A's MR × KC rows stay in L1)
//! ```
//!
//! A is never packed: the kernel broadcasts `A(r, p)` straight from the operand (NN: `MR` rows
//! read side by side; TN: `MR` neighbours in row `p`), which measured faster than packing it at
//! these sizes. B is packed, which turns gemm_nt's `B[n, k]` into the same panels (8 × 8 or 4 × 4
//! register transposes) and keeps each panel contiguous (the rows of `U[H, 4H]` are a power of
//! two apart and would otherwise fight over a few L1 sets). With one batch of rows (`m <= 32`)
//! a row-major B is read in place instead: each panel serves too few row tiles to pay for the copy.
//! The packed buffer is thread-local and grows to the largest block seen, so the steady state
//! allocates nothing. `k = 1` (one input feature) is an outer product, done row by row.
//!
//! `gemm_*_with` take the instruction set explicitly, so that tests and benchmarks can run every
//! kernel this machine has; the engine calls `gemm_nn`, `gemm_nt` and `gemm_tn` ([`Isa::best`]).

use std::cell::Cell;

use super::simd::{Isa, Kernel, Tile};
use super::{Accumulate, Mat, MatMut};

/// `C[m,n] (+)= A[m,k] · B[k,n]`
pub fn gemm_nn(a: Mat, b: Mat, c: &mut MatMut, acc: Accumulate) {
    gemm_nn_with(Isa::best(), a, b, c, acc)
}

/// `C[m,n] (+)= A[m,k] · B[n,k]ᵀ`
pub fn gemm_nt(a: Mat, b: Mat, c: &mut MatMut, acc: Accumulate) {
    gemm_nt_with(Isa::best(), a, b, c, acc)
}

/// `C[m,n] (+)= A[k,m]ᵀ · B[k,n]`
pub fn gemm_tn(a: Mat, b: Mat, c: &mut MatMut, acc: Accumulate) {
    gemm_tn_with(Isa::best(), a, b, c, acc)
}

/// [`gemm_nn`] with the given instruction set (the portable one where `isa` is not available).
pub fn gemm_nn_with(isa: Isa, a: Mat, b: Mat, c: &mut MatMut, acc: Accumulate) {
    assert_eq!(a.cols, b.rows, "gemm_nn inner dimension");
    assert_eq!((c.rows, c.cols), (a.rows, b.cols), "gemm_nn output shape");
    gemm(isa, a.cols, Operand::rows(&a), Operand::rows(&b), c, acc);
}

/// [`gemm_nt`] with the given instruction set (the portable one where `isa` is not available).
pub fn gemm_nt_with(isa: Isa, a: Mat, b: Mat, c: &mut MatMut, acc: Accumulate) {
    assert_eq!(a.cols, b.cols, "gemm_nt inner dimension");
    assert_eq!((c.rows, c.cols), (a.rows, b.rows), "gemm_nt output shape");
    gemm(isa, a.cols, Operand::rows(&a), Operand::cols(&b), c, acc);
}

/// [`gemm_tn`] with the given instruction set (the portable one where `isa` is not available).
pub fn gemm_tn_with(isa: Isa, a: Mat, b: Mat, c: &mut MatMut, acc: Accumulate) {
    assert_eq!(a.rows, b.rows, "gemm_tn inner dimension");
    assert_eq!((c.rows, c.cols), (a.cols, b.cols), "gemm_tn output shape");
    gemm(isa, a.rows, Operand::cols(&a), Operand::rows(&b), c, acc);
}

/// Steps of k per block: a row tile's `MR × KC` of A (6 KiB) stays in L1 (128 and 512 measured
/// the same on the shapes that have more).
pub(super) const KC: usize = 256;
/// Columns of C per block: a packed `KC × NC` block of B (512 KiB) stays in L2.
const NC: usize = 512;
/// Up to this many rows of C (one batch), B is read where it is rather than packed: it is reused
/// by too few row tiles to pay for the copy.
const DIRECT_B_MAX_M: usize = 32;

/// An operand as the GEMM sees it, `X(i, p) = data[i·rs + p·cs]`, whatever the layout of the
/// matrix behind it (`rs` or `cs` is 1 for a row-major matrix or its transpose).
#[derive(Clone, Copy)]
struct Operand<'a> {
    data: &'a [f32],
    rows: usize,
    cols: usize,
    rs: usize,
    cs: usize,
}

impl<'a> Operand<'a> {
    /// The matrix itself.
    fn rows(m: &Mat<'a>) -> Self {
        check_view("operand", m.data.len(), m.rows, m.cols, m.ld);
        Operand { data: m.data, rows: m.rows, cols: m.cols, rs: m.ld, cs: 1 }
    }
    /// Its transpose.
    fn cols(m: &Mat<'a>) -> Self {
        check_view("operand", m.data.len(), m.rows, m.cols, m.ld);
        Operand { data: m.data, rows: m.cols, cols: m.rows, rs: 1, cs: m.ld }
    }
    /// Pointer to `X(i, p)`, which must exist.
    #[inline]
    fn ptr(&self, i: usize, p: usize) -> *const f32 {
        debug_assert!(i < self.rows && p < self.cols);
        self.data[i * self.rs + p * self.cs..].as_ptr()
    }
}

/// The kernels read and write through raw pointers: a view that does not fit its slice must stop
/// here, not there.
pub(super) fn check_view(what: &str, len: usize, rows: usize, cols: usize, ld: usize) {
    if rows > 0 && cols > 0 {
        let need = (rows - 1).checked_mul(ld).and_then(|v| v.checked_add(cols));
        assert!(need.is_some_and(|need| need <= len), "{what} view {rows}x{cols} (ld {ld}) out of bounds of {len} values");
    }
}

/// `C[m, n] (+)= A[m, k]·B[k, n]` for operands of any layout.
fn gemm(isa: Isa, k: usize, a: Operand, b: Operand, c: &mut MatMut, acc: Accumulate) {
    let (m, n) = (c.rows, c.cols);
    debug_assert_eq!((a.rows, a.cols, b.rows, b.cols), (m, k, k, n));
    check_view("output", c.data.len(), m, n, c.ld);
    if m == 0 || n == 0 {
        return;
    }
    if k == 0 {
        if acc == Accumulate::Overwrite {
            (0..m).for_each(|i| c.row_mut(i).fill(0.0));
        }
        return;
    }
    if k == 1 {
        return with_scratch(|scratch| outer_product(a, b, c, acc, scratch));
    }
    let kern = isa.kernel();
    let (mr, nr) = (kern.mr, kern.nr);
    let ldc = c.ld;
    let c_ptr = c.data.as_mut_ptr();
    with_scratch(|scratch| {
        for jc in (0..n).step_by(NC) {
            let nc = NC.min(n - jc);
            let (full, rest) = (nc / nr, nc % nr);
            for pc in (0..k).step_by(KC) {
                let kc = KC.min(k - pc);
                let add = acc == Accumulate::Add || pc > 0;
                // Full panels of B: read in place, or packed. A last, partial panel is always
                // packed (zero-padded), so that the kernel can read whole panels.
                let direct_b = b.cs == 1 && m <= DIRECT_B_MAX_M;
                let first_packed = if direct_b { full } else { 0 };
                let packed = grow(scratch, (nc - first_packed * nr).div_ceil(nr) * kc * nr);
                pack_b(kern, &b, pc, kc, jc + first_packed * nr, nc - first_packed * nr, packed);
                let (b_full, b_rs, b_next) = if direct_b { (b.ptr(pc, jc), b.rs, nr) } else { (packed.as_ptr(), nr, kc * nr) };
                let b_rest = packed[(full - first_packed) * kc * nr..].as_ptr();
                for (i, h) in row_tiles(m, mr) {
                    let tile = Tile {
                        k: kc,
                        a: a.ptr(i, pc),
                        a_rs: a.rs,
                        a_cs: a.cs,
                        b: b_full,
                        b_rs,
                        b_next,
                        panels: full,
                        // SAFETY: (i, jc) is inside the output view, checked above.
                        c: unsafe { c_ptr.add(i * ldc + jc) },
                        ldc,
                        mr: h,
                        nr,
                        add,
                    };
                    // SAFETY (both calls): the tile's rows of A exist in the operand; its panels
                    // of B exist in full (in the operand, or packed and padded); its part of C is
                    // inside the output view; and `Isa::kernel` handed out a kernel this CPU runs.
                    if full > 0 {
                        unsafe { (kern.run)(&tile) };
                    }
                    if rest > 0 {
                        let c = unsafe { c_ptr.add(i * ldc + jc + full * nr) };
                        unsafe { (kern.run)(&Tile { b: b_rest, b_rs: nr, panels: 1, c, nr: rest, ..tile }) };
                    }
                }
            }
        }
    });
}

/// `C (+)= A·B` for `k = 1`, an outer product (the sine lesson's one input feature): row by row,
/// where the tile kernel's fixed work per tile would outweigh its one multiply-add (twice as slow
/// in wasm). Rounds exactly as the reference does.
fn outer_product(a: Operand, b: Operand, c: &mut MatMut, acc: Accumulate, scratch: &mut Vec<Line>) {
    let n = c.cols;
    // The one row of op(B), contiguous.
    let b_row: &[f32] = if b.cs == 1 {
        &b.data[..n]
    } else {
        let row = grow(scratch, n);
        row.iter_mut().enumerate().for_each(|(j, v)| *v = b.data[j * b.cs]);
        row
    };
    for i in 0..c.rows {
        let x = a.data[i * a.rs];
        let c_row = c.row_mut(i);
        // `0.0 + x·b` is the reference's sum of one product (it turns -0 into +0).
        match acc {
            Accumulate::Overwrite => c_row.iter_mut().zip(b_row).for_each(|(c, &b)| *c = 0.0 + x * b),
            Accumulate::Add => c_row.iter_mut().zip(b_row).for_each(|(c, &b)| *c += 0.0 + x * b),
        }
    }
}

/// Splits `m` rows into tiles of at most `mr` rows, `(first row, rows)`, top to bottom. A short
/// last tile keeps too few accumulators busy to hide the latency of a multiply-add (two rows of
/// the AVX2 kernel: 4 accumulators where 8 must be in flight), so it is merged with the one before
/// and the two are split evenly: 32 rows in tiles of 6 are 6, 6, 6, 6, 4, 4, not 6, 6, 6, 6, 6, 2.
fn row_tiles(m: usize, mr: usize) -> impl Iterator<Item = (usize, usize)> {
    let (full, rest) = (m / mr, m % mr);
    let (plain, tail) =
        if full > 0 && rest > 0 && rest <= mr / 2 { (full - 1, [(mr + rest).div_ceil(2), (mr + rest) / 2]) } else { (full, [rest, 0]) };
    let mut start = 0;
    (0..plain).map(move |_| mr).chain(tail).filter(|&h| h > 0).map(move |h| {
        start += h;
        (start - h, h)
    })
}

/// Packs columns `j0..j0+w` of `B[pc..pc+kc, ·]` as panels of `nr` (the kernel's) columns, `p`-major,
/// zero-padded to whole panels: `B(pc+p, j0+q·nr+j)` goes to `out[q·kc·nr + p·nr + j]`.
fn pack_b(kern: &Kernel, b: &Operand, pc: usize, kc: usize, j0: usize, w: usize, out: &mut [f32]) {
    let nr = kern.nr;
    for (q, panel) in out.chunks_exact_mut(kc * nr).take(w.div_ceil(nr)).enumerate() {
        let j0 = j0 + q * nr;
        let w = nr.min(w - q * nr);
        if b.cs == 1 {
            // Rows of B are contiguous: copy NR at a time.
            for (p, dst) in panel.chunks_exact_mut(nr).enumerate() {
                let row = (pc + p) * b.rs + j0;
                copy_padded(&b.data[row..row + w], dst);
            }
        } else {
            // Columns of B are contiguous (gemm_nt's B, `Operand::cols`, so `rs == 1`): transpose.
            debug_assert_eq!(b.rs, 1);
            if w < nr {
                panel.fill(0.0);
            }
            let start = pc + j0 * b.cs;
            let src = &b.data[start..start + (w - 1) * b.cs + kc];
            // SAFETY: `src` holds B(pc + p, j0 + j) = src[j·cs + p] for j < w, p < kc, and
            // `panel` has kc rows of nr >= w.
            unsafe { (kern.transpose)(src.as_ptr(), b.cs, w, kc, panel.as_mut_ptr(), nr) };
        }
    }
}

/// `dst = src`, then zeros to the end of `dst` (one row of a packed panel). For the kernels'
/// panel widths the copy has a fixed size, so neither it nor the few floats of a partial panel
/// become calls to `memcpy`/`memset` (narrow panels, such as the 4-column one every SimpleRNN(100)
/// product ends in, are otherwise dominated by those calls).
#[inline(always)]
fn copy_padded(src: &[f32], dst: &mut [f32]) {
    match dst.len() {
        8 => copy_padded_fixed::<8>(src, dst.try_into().expect("8 floats")),
        16 => copy_padded_fixed::<16>(src, dst.try_into().expect("16 floats")),
        _ => {
            dst[..src.len()].copy_from_slice(src);
            dst[src.len()..].fill(0.0);
        }
    }
}

#[inline(always)]
fn copy_padded_fixed<const N: usize>(src: &[f32], dst: &mut [f32; N]) {
    if let Ok(full) = <&[f32; N]>::try_from(src) {
        *dst = *full;
    } else {
        for (j, d) in dst.iter_mut().enumerate() {
            *d = src.get(j).copied().unwrap_or(0.0);
        }
    }
}

/// Scratch memory in cache-line-aligned chunks.
#[derive(Clone, Copy)]
#[repr(C, align(64))]
struct Line([f32; 16]);

thread_local! {
    /// This thread's packed B; it grows to the largest block seen and stays.
    static SCRATCH: Cell<Vec<Line>> = const { Cell::new(Vec::new()) };
}

/// Runs `f` with this thread's packing buffer (taken out and put back, so a nested call, which
/// does not happen, would merely allocate).
fn with_scratch<R>(f: impl FnOnce(&mut Vec<Line>) -> R) -> R {
    let mut b = SCRATCH.with(Cell::take);
    let r = f(&mut b);
    SCRATCH.with(|s| s.set(b));
    r
}

/// The first `len` floats of `buf`, growing it if needed.
fn grow(buf: &mut Vec<Line>, len: usize) -> &mut [f32] {
    let lines = len.div_ceil(16);
    if buf.len() < lines {
        buf.resize(lines, Line([0.0; 16]));
    }
    // SAFETY: `Line` is `repr(C)` over `[f32; 16]` with no padding, and `buf` holds `16·lines >= len` floats.
    unsafe { std::slice::from_raw_parts_mut(buf.as_mut_ptr().cast::<f32>(), len) }
}
