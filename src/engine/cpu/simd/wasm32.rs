//! The WebAssembly micro-kernel: `simd128`, `4 × 8` tiles (`4 × 4` where at most 4 columns are left).
//!
//! WebAssembly has no fused multiply-add in `simd128`, so it is a multiply then an add. Eight
//! accumulators, two vectors of B and one broadcast of A fit the sixteen XMM registers that V8
//! compiles to on x86 (a `6 × 8` tile spills there).

use core::arch::wasm32::*;

use super::{by_const, by_rows, store_rows, transpose_scalar, Kernel, SparseRows, Tile};

/// `simd128`: `4 × 8` tiles.
pub(crate) static SIMD128: Kernel =
    Kernel { mr: 4, nr: 8, run: simd128_run, transpose: simd128_transpose, sparse_rows: simd128_sparse_rows };

/// # Safety
/// The caller keeps the promises of [`Tile`].
unsafe fn simd128_run(t: &Tile) {
    if t.nr <= 4 {
        by_rows!(t, [1, 2, 3, 4], |MR| simd128_tile::<MR, 1>(t))
    } else {
        by_rows!(t, [1, 2, 3, 4], |MR| simd128_tile::<MR, 2>(t))
    }
}

#[inline(always)]
unsafe fn simd128_tile<const MR: usize, const NV: usize>(t: &Tile) {
    for q in 0..t.panels {
        let c0 = t.c.add(q * 8);
        let mut acc = [[f32x4_splat(0.0); NV]; MR];
        let (mut a, mut b) = (t.a, t.b.add(q * t.b_next));
        for _ in 0..t.k {
            let mut bv = [f32x4_splat(0.0); NV];
            for (v, x) in bv.iter_mut().enumerate() {
                *x = v128_load(b.add(4 * v) as *const v128);
            }
            for (r, row) in acc.iter_mut().enumerate() {
                let av = v128_load32_splat(a.add(r * t.a_rs) as *const u32);
                for (x, &y) in row.iter_mut().zip(&bv) {
                    *x = f32x4_add(*x, f32x4_mul(av, y));
                }
            }
            a = a.add(t.a_cs);
            b = b.add(t.b_rs);
        }
        if t.nr == 4 * NV {
            for (r, row) in acc.iter().enumerate() {
                let c = c0.add(r * t.ldc);
                for (v, &x) in row.iter().enumerate() {
                    let c = c.add(4 * v) as *mut v128;
                    v128_store(c, if t.add { f32x4_add(v128_load(c), x) } else { x });
                }
            }
        } else {
            let mut tile = [[0.0f32; 8]; MR];
            for (row, out) in acc.iter().zip(tile.iter_mut()) {
                for (v, &x) in row.iter().enumerate() {
                    v128_store(out.as_mut_ptr().add(4 * v) as *mut v128, x);
                }
            }
            store_rows(t, c0, &tile);
        }
    }
}

/// [`super::Kernel::transpose`] in `4 × 4` blocks of `v128` registers.
///
/// # Safety
/// The elements named are readable and writable.
unsafe fn simd128_transpose(src: *const f32, ld: usize, rows: usize, cols: usize, dst: *mut f32, dst_ld: usize) {
    let (rows4, cols4) = (rows / 4 * 4, cols / 4 * 4);
    for j in (0..rows4).step_by(4) {
        for p in (0..cols4).step_by(4) {
            let s = src.add(j * ld + p);
            let r: [v128; 4] = core::array::from_fn(|i| v128_load(s.add(i * ld) as *const v128));
            let t0 = i32x4_shuffle::<0, 4, 1, 5>(r[0], r[1]);
            let t1 = i32x4_shuffle::<0, 4, 1, 5>(r[2], r[3]);
            let t2 = i32x4_shuffle::<2, 6, 3, 7>(r[0], r[1]);
            let t3 = i32x4_shuffle::<2, 6, 3, 7>(r[2], r[3]);
            let out = [
                i64x2_shuffle::<0, 2>(t0, t1),
                i64x2_shuffle::<1, 3>(t0, t1),
                i64x2_shuffle::<0, 2>(t2, t3),
                i64x2_shuffle::<1, 3>(t2, t3),
            ];
            let d = dst.add(p * dst_ld + j);
            for (i, &o) in out.iter().enumerate() {
                v128_store(d.add(i * dst_ld) as *mut v128, o);
            }
        }
    }
    transpose_scalar(src, ld, 0..rows4, cols4..cols, dst, dst_ld);
    transpose_scalar(src, ld, rows4..rows, 0..cols, dst, dst_ld);
}

/// [`super::SparseRows`] in runs of up to 8 `v128` accumulators.
///
/// # Safety
/// The caller keeps the promises of [`SparseRows`].
unsafe fn simd128_sparse_rows(r: &SparseRows) {
    let end = r.vector_runs(4, |j, nv| by_const!(nv, [1, 2, 3, 4, 5, 6, 7, 8], |NV| simd128_sparse_run::<NV>(r, j)));
    for j in end..r.n {
        r.scalar_column(j, |a, b, s| s + a * b);
    }
}

#[inline(always)]
unsafe fn simd128_sparse_run<const NV: usize>(r: &SparseRows, j: usize) {
    for i in 0..r.spans.len() {
        let mut acc = [f32x4_splat(0.0); NV];
        for e in r.row(i) {
            let (v, b) = (f32x4_splat(e.v), r.b.add(e.off as usize + j));
            for (q, x) in acc.iter_mut().enumerate() {
                *x = f32x4_add(*x, f32x4_mul(v, v128_load(b.add(4 * q) as *const v128)));
            }
        }
        for (q, &x) in acc.iter().enumerate() {
            let c = r.c.add(i * r.ldc + j + 4 * q) as *mut v128;
            v128_store(c, if r.add { f32x4_add(v128_load(c), x) } else { x });
        }
    }
}
