//! Register-blocked micro-kernels, one per instruction set, and the choice between them.
//!
//! A micro-kernel computes a tile `C[0..mr, 0..nr] (+)= Σ_p A(r, p)·B(p, j)` with the whole tile
//! held in vector registers for the length of the `p` loop (the BLIS/GotoBLAS design): per step
//! of `p` it loads one row of `NR` values of B, broadcasts `MR` values of A, and does `MR·NR`
//! multiply-adds; then it adds the tile to C or stores it. One call does a row of such tiles
//! (one dispatch per row of tiles, not per tile). The driver in `fast.rs` packs B and walks the
//! tiles. Edge tiles use the same code with fewer rows (a constant, so still registers) and half
//! the vectors where at most half the columns are left.
//!
//! | instruction set | where | tile `MR × NR` | accumulators |
//! |---|---|---|---|
//! | [`Isa::Avx2Fma`] | x86_64 with AVX2 and FMA (detected at run time, once) | 6 × 16 | 12 `__m256` |
//! | [`Isa::Sse2`] | every x86_64 (the fallback there) | 4 × 8 | 8 `__m128` |
//! | [`Isa::Simd128`] | wasm32 built with `+simd128` | 4 × 8 | 8 `v128` |
//! | [`Isa::Portable`] | everywhere (the compiler vectorises it as it can) | 4 × 8 | 32 `f32` |
//!
//! Summation order per output element is fixed (`p` ascending, one accumulator), so results are
//! deterministic for a given build and CPU; with FMA they differ from the others in rounding only.
//! Wider tiles were measured and lost: `6 × 8` and `5 × 8` in wasm run at about 60% of `4 × 8`
//! (V8 spills them: it compiles to the sixteen XMM registers), and an unrolled k loop did too.

#[cfg(target_arch = "wasm32")]
mod wasm32;
#[cfg(target_arch = "x86_64")]
mod x86;

/// An instruction set the CPU kernels can use.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Isa {
    /// Plain Rust loops (any target).
    Portable,
    /// x86_64's baseline 128-bit vectors (any x86_64 CPU).
    Sse2,
    /// x86_64 256-bit vectors with fused multiply-add (Haswell, Zen and later).
    Avx2Fma,
    /// WebAssembly's 128-bit SIMD (every current browser).
    Simd128,
}

impl Isa {
    /// Every instruction set, in order of preference (best last).
    pub const ALL: [Isa; 4] = [Isa::Portable, Isa::Sse2, Isa::Simd128, Isa::Avx2Fma];

    /// Whether this build can run kernels for `self` on this CPU.
    pub fn is_available(self) -> bool {
        match self {
            Isa::Portable => true,
            Isa::Sse2 => cfg!(target_arch = "x86_64"),
            Isa::Simd128 => cfg!(all(target_arch = "wasm32", target_feature = "simd128")),
            Isa::Avx2Fma => avx2_fma(),
        }
    }

    /// The instruction sets available here, best last.
    pub fn available() -> Vec<Isa> {
        Isa::ALL.into_iter().filter(|i| i.is_available()).collect()
    }

    /// The best instruction set available here (what `gemm_nn` and friends use); detected once.
    pub fn best() -> Isa {
        if avx2_fma() {
            Isa::Avx2Fma
        } else if cfg!(target_arch = "x86_64") {
            Isa::Sse2
        } else if cfg!(all(target_arch = "wasm32", target_feature = "simd128")) {
            Isa::Simd128
        } else {
            Isa::Portable
        }
    }

    /// The micro-kernel for `self`, or the portable one where `self` is not available.
    pub(crate) fn kernel(self) -> &'static Kernel {
        match self {
            #[cfg(target_arch = "x86_64")]
            Isa::Avx2Fma if avx2_fma() => &x86::AVX2_FMA,
            #[cfg(target_arch = "x86_64")]
            Isa::Sse2 => &x86::SSE2,
            #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
            Isa::Simd128 => &wasm32::SIMD128,
            _ => &PORTABLE,
        }
    }
}

/// AVX2 and FMA both present: compiled in, or detected at run time (once; the answer is cached).
#[cfg(target_arch = "x86_64")]
fn avx2_fma() -> bool {
    if cfg!(all(target_feature = "avx2", target_feature = "fma")) {
        return true;
    }
    use std::sync::atomic::{AtomicU8, Ordering};
    // 0: not asked yet, 1: no, 2: yes.
    static DETECTED: AtomicU8 = AtomicU8::new(0);
    match DETECTED.load(Ordering::Relaxed) {
        0 => {
            let yes = std::arch::is_x86_feature_detected!("avx2") && std::arch::is_x86_feature_detected!("fma");
            DETECTED.store(if yes { 2 } else { 1 }, Ordering::Relaxed);
            yes
        }
        v => v == 2,
    }
}

#[cfg(not(target_arch = "x86_64"))]
fn avx2_fma() -> bool {
    false
}

/// A row of `panels` micro-tiles side by side: tile `q` is
/// `C(r, q·NR + j) (+)= Σ_{p<k} A(r, p)·B_q(p, j)` for `r < mr`, `j < nr`, where
/// `A(r, p) = a[r·a_rs + p·a_cs]`, `B_q(p, j) = b[q·b_next + p·b_rs + j]` and
/// `C(r, j) = c[r·ldc + j]`. All tiles share the rows of A (kept in L1) and have the same width.
///
/// The caller guarantees (this is what makes calling [`Kernel::run`] sound): `1 <= mr <= MR`,
/// `1 <= nr <= NR`, `nr == NR` when `panels > 1`, `k >= 1`; `A(r, p)` readable for `r < mr`,
/// `p < k`; `B_q(p, j)` readable for `q < panels`, `p < k` and every `j < NR` (a full panel, even
/// when `nr < NR`); `C(r, q·NR + j)` writable for `r < mr`, `q < panels`, `j < nr`. Nothing else of
/// C is read or written. `add`: `C += ·` rather than `C = ·`.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Tile {
    pub k: usize,
    pub a: *const f32,
    pub a_rs: usize,
    pub a_cs: usize,
    pub b: *const f32,
    pub b_rs: usize,
    pub b_next: usize,
    pub panels: usize,
    pub c: *mut f32,
    pub ldc: usize,
    pub mr: usize,
    pub nr: usize,
    pub add: bool,
}

/// A micro-kernel and its tile size.
pub(crate) struct Kernel {
    /// Rows of the full tile.
    pub mr: usize,
    /// Columns of the full tile (the width of a packed B panel).
    pub nr: usize,
    /// Computes a row of tiles; see [`Tile`] for what the caller must guarantee.
    pub run: unsafe fn(&Tile),
    /// `transpose(src, ld, rows, cols, dst, dst_ld)`: `dst[p·dst_ld + j] = src[j·ld + p]` for
    /// `j < rows`, `p < cols` (packing `gemm_nt`'s B). The caller guarantees that these elements
    /// are readable and writable.
    pub transpose: unsafe fn(*const f32, usize, usize, usize, *mut f32, usize),
    /// Computes rows of C from the nonzeros of rows of A; see [`SparseRows`].
    pub sparse_rows: unsafe fn(&SparseRows),
}

/// One nonzero of a row of A: its value, and where the row of B it multiplies starts.
#[derive(Clone, Copy, Debug)]
#[repr(C)]
pub(crate) struct Nonzero {
    /// Offset of `B(p, 0)` in B's data, for this entry's `p`.
    pub off: u32,
    pub v: f32,
}

/// Rows of C from sparse rows of A (`sparse.rs`): `C(i, j) (+)= Σ_e v_e·b[off_e + j]` for every
/// row `i < spans.len()` and `j < n`, over the entries `e` of `nz[spans[i].0..spans[i].1]` in
/// order, summed from 0 in one accumulator per element and then added to C (or stored): the order
/// of the tile kernels, which makes the result the one they give for the same rows with their
/// zeros in place (a zero term adds exactly nothing).
///
/// The kernels go through the columns a run of vectors at a time, and through every row for each
/// run: the run's slice of B (a few hundred bytes per row) then stays in L1 from one row of C to
/// the next, where row by row the whole of B would be fetched again for each (measured: half
/// the speed in wasm with B a 100 × 100 matrix, 40 KB).
///
/// The caller guarantees: the spans lie in `nz`; `b[off_e + j]` readable for every entry and
/// `j < n`; `c[i·ldc + j]` writable for every row and `j < n`. `add`: `C += ·` rather than `C = ·`.
pub(crate) struct SparseRows<'a> {
    pub nz: &'a [Nonzero],
    pub spans: &'a [(u32, u32)],
    pub b: *const f32,
    pub c: *mut f32,
    pub ldc: usize,
    pub n: usize,
    pub add: bool,
}

impl SparseRows<'_> {
    /// Row `i`'s nonzeros.
    #[inline(always)]
    pub(crate) fn row(&self, i: usize) -> &[Nonzero] {
        let (begin, end) = self.spans[i];
        &self.nz[begin as usize..end as usize]
    }

    /// Column `j` of every row by plain scalar arithmetic, `fma` choosing fused (AVX2) or separate
    /// rounding: the tails the vector loops leave.
    ///
    /// # Safety
    /// As [`SparseRows`], for this `j < n`.
    #[inline(always)]
    pub(crate) unsafe fn scalar_column(&self, j: usize, fma: impl Fn(f32, f32, f32) -> f32) {
        for i in 0..self.spans.len() {
            let mut s = 0.0f32;
            for e in self.row(i) {
                s = fma(e.v, *self.b.add(e.off as usize + j), s);
            }
            let c = self.c.add(i * self.ldc + j);
            *c = if self.add { *c + s } else { s };
        }
    }

    /// Splits the whole vectors of `lanes` columns into runs of at most 8 (8 accumulators, a
    /// broadcast and a load fit 16 registers; the last two runs share evenly, so that neither is
    /// left with one latency-bound accumulator) and calls `run(first column, vectors)` for each;
    /// returns where the whole vectors end.
    #[inline(always)]
    pub(crate) fn vector_runs(&self, lanes: usize, mut run: impl FnMut(usize, usize)) -> usize {
        let (mut j, mut left) = (0, self.n / lanes);
        while left > 0 {
            let nv = if left >= 16 {
                8
            } else if left > 8 {
                left.div_ceil(2)
            } else {
                left
            };
            run(j, nv);
            j += nv * lanes;
            left -= nv;
        }
        j
    }
}

/// Expands to a `match` on `$n`, one arm per listed size, each calling `$call` with the constant
/// `$c` set to that size.
macro_rules! by_const {
    ($n:expr, [$($v:literal),+], |$c:ident| $call:expr) => {
        match $n {
            $($v => {
                const $c: usize = $v;
                $call
            })+
            n => unreachable!("no arm for {n}"),
        }
    };
}
pub(crate) use by_const;

/// The scalar [`Kernel::transpose`], and the edges of the vector ones: `dst[p·dst_ld + j] =
/// src[j·ld + p]` for `j` in `rows`, `p` in `cols`.
///
/// # Safety
/// Those elements are readable in `src` and writable in `dst`.
#[inline(always)]
pub(crate) unsafe fn transpose_scalar(
    src: *const f32,
    ld: usize,
    rows: std::ops::Range<usize>,
    cols: std::ops::Range<usize>,
    dst: *mut f32,
    dst_ld: usize,
) {
    for p in cols {
        for j in rows.clone() {
            *dst.add(p * dst_ld + j) = *src.add(j * ld + p);
        }
    }
}

unsafe fn transpose_portable(src: *const f32, ld: usize, rows: usize, cols: usize, dst: *mut f32, dst_ld: usize) {
    transpose_scalar(src, ld, 0..rows, 0..cols, dst, dst_ld)
}

/// Expands to a `match` on the tile's rows `$t.mr`, one arm per listed size, each calling
/// `$call` with the constant `$m` set to that size (the kernels are generic over their rows, so
/// that the accumulators are a fixed set of registers).
macro_rules! by_rows {
    ($t:expr, [$($rows:literal),+], |$m:ident| $call:expr) => {
        match $t.mr {
            $($rows => {
                const $m: usize = $rows;
                $call
            })+
            mr => unreachable!("tile with {mr} rows"),
        }
    };
}
pub(crate) use by_rows;

/// Writes a finished tile held in `tile[r][..]` (at least `nr` columns) to `C` at `c`: the edge
/// tiles, and the portable kernel.
///
/// # Safety
/// `c[r·ldc + j]` writable for `r < mr`, `j < nr` (see [`Tile`]).
#[inline(always)]
pub(crate) unsafe fn store_rows<const W: usize>(t: &Tile, c: *mut f32, tile: &[[f32; W]]) {
    for (r, row) in tile.iter().enumerate().take(t.mr) {
        let c = c.add(r * t.ldc);
        for (j, &v) in row.iter().enumerate().take(t.nr) {
            let c = c.add(j);
            *c = if t.add { *c + v } else { v };
        }
    }
}

const PORTABLE_MR: usize = 4;
const PORTABLE_NR: usize = 8;

/// Plain loops over a `4 × 8` tile of scalars; the compiler keeps it in vector registers where it can.
pub(crate) static PORTABLE: Kernel =
    Kernel { mr: PORTABLE_MR, nr: PORTABLE_NR, run: portable_run, transpose: transpose_portable, sparse_rows: portable_sparse_rows };

unsafe fn portable_run(t: &Tile) {
    by_rows!(t, [1, 2, 3, 4], |MR| portable_tile::<MR>(t))
}

#[inline(always)]
unsafe fn portable_tile<const MR: usize>(t: &Tile) {
    for q in 0..t.panels {
        let mut acc = [[0.0f32; PORTABLE_NR]; MR];
        let (mut a, mut b) = (t.a, t.b.add(q * t.b_next));
        for _ in 0..t.k {
            let bv: [f32; PORTABLE_NR] = *(b as *const [f32; PORTABLE_NR]);
            for (r, row) in acc.iter_mut().enumerate() {
                let av = *a.add(r * t.a_rs);
                for (x, &y) in row.iter_mut().zip(&bv) {
                    *x += av * y;
                }
            }
            a = a.add(t.a_cs);
            b = b.add(t.b_rs);
        }
        store_rows(t, t.c.add(q * PORTABLE_NR), &acc);
    }
}

/// [`SparseRows`] in plain loops over 8 columns at a time.
unsafe fn portable_sparse_rows(r: &SparseRows) {
    let end = r.vector_runs(PORTABLE_NR, |j, nv| {
        for j in (j..j + nv * PORTABLE_NR).step_by(PORTABLE_NR) {
            for i in 0..r.spans.len() {
                let mut acc = [0.0f32; PORTABLE_NR];
                for e in r.row(i) {
                    let b: [f32; PORTABLE_NR] = *(r.b.add(e.off as usize + j) as *const [f32; PORTABLE_NR]);
                    for (x, &y) in acc.iter_mut().zip(&b) {
                        *x += e.v * y;
                    }
                }
                for (q, &v) in acc.iter().enumerate() {
                    let c = r.c.add(i * r.ldc + j + q);
                    *c = if r.add { *c + v } else { v };
                }
            }
        }
    });
    for j in end..r.n {
        r.scalar_column(j, |a, b, s| s + a * b);
    }
}
