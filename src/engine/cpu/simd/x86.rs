//! x86_64 micro-kernels: AVX2 + FMA (`6 × 16`, chosen at run time) and SSE2 (`4 × 8`, always there).
//!
//! The AVX2 tile keeps twelve accumulators, two vectors of B and one broadcast value of A in the
//! sixteen YMM registers: per step of k, 2 loads and 6 broadcasts feed 12 FMAs, and twelve
//! independent accumulators hide the FMA latency. SSE2 has no FMA; a `6 × 8` tile measured
//! slower than `4 × 8` there.

use std::arch::x86_64::*;

use super::{by_const, by_rows, store_rows, transpose_scalar, Kernel, SparseRows, Tile};

/// AVX2 + FMA: `6 × 16` tiles (`6 × 8` where at most 8 columns are left).
pub(crate) static AVX2_FMA: Kernel = Kernel { mr: 6, nr: 16, run: avx2_run, transpose: avx2_transpose, sparse_rows: avx2_sparse_rows };

/// SSE2: `4 × 8` tiles (`4 × 4` where at most 4 columns are left).
pub(crate) static SSE2: Kernel = Kernel { mr: 4, nr: 8, run: sse2_run, transpose: sse2_transpose, sparse_rows: sse2_sparse_rows };

/// # Safety
/// The CPU has AVX2 and FMA ([`super::Isa::kernel`] hands this kernel out only then), and the
/// caller keeps the promises of [`Tile`].
unsafe fn avx2_run(t: &Tile) {
    if t.nr <= 8 {
        by_rows!(t, [1, 2, 3, 4, 5, 6], |MR| avx2_tile::<MR, 1>(t))
    } else {
        by_rows!(t, [1, 2, 3, 4, 5, 6], |MR| avx2_tile::<MR, 2>(t))
    }
}

#[target_feature(enable = "avx2,fma")]
unsafe fn avx2_tile<const MR: usize, const NV: usize>(t: &Tile) {
    for q in 0..t.panels {
        let c0 = t.c.add(q * 16);
        let mut acc = [[_mm256_setzero_ps(); NV]; MR];
        let (mut a, mut b) = (t.a, t.b.add(q * t.b_next));
        for _ in 0..t.k {
            let mut bv = [_mm256_setzero_ps(); NV];
            for (v, x) in bv.iter_mut().enumerate() {
                *x = _mm256_loadu_ps(b.add(8 * v));
            }
            for (r, row) in acc.iter_mut().enumerate() {
                let av = _mm256_broadcast_ss(&*a.add(r * t.a_rs));
                for (x, &y) in row.iter_mut().zip(&bv) {
                    *x = _mm256_fmadd_ps(av, y, *x);
                }
            }
            a = a.add(t.a_cs);
            b = b.add(t.b_rs);
        }
        if t.nr == 8 * NV {
            for (r, row) in acc.iter().enumerate() {
                let c = c0.add(r * t.ldc);
                for (v, &x) in row.iter().enumerate() {
                    let c = c.add(8 * v);
                    _mm256_storeu_ps(c, if t.add { _mm256_add_ps(_mm256_loadu_ps(c), x) } else { x });
                }
            }
        } else {
            let mut tile = [[0.0f32; 16]; MR];
            for (row, out) in acc.iter().zip(tile.iter_mut()) {
                for (v, &x) in row.iter().enumerate() {
                    _mm256_storeu_ps(out.as_mut_ptr().add(8 * v), x);
                }
            }
            store_rows(t, c0, &tile);
        }
    }
}

/// # Safety
/// The caller keeps the promises of [`Tile`] (SSE2 is part of x86_64).
unsafe fn sse2_run(t: &Tile) {
    if t.nr <= 4 {
        by_rows!(t, [1, 2, 3, 4], |MR| sse2_tile::<MR, 1>(t))
    } else {
        by_rows!(t, [1, 2, 3, 4], |MR| sse2_tile::<MR, 2>(t))
    }
}

#[inline(always)]
unsafe fn sse2_tile<const MR: usize, const NV: usize>(t: &Tile) {
    for q in 0..t.panels {
        let c0 = t.c.add(q * 8);
        let mut acc = [[_mm_setzero_ps(); NV]; MR];
        let (mut a, mut b) = (t.a, t.b.add(q * t.b_next));
        for _ in 0..t.k {
            let mut bv = [_mm_setzero_ps(); NV];
            for (v, x) in bv.iter_mut().enumerate() {
                *x = _mm_loadu_ps(b.add(4 * v));
            }
            for (r, row) in acc.iter_mut().enumerate() {
                let av = _mm_load1_ps(a.add(r * t.a_rs));
                for (x, &y) in row.iter_mut().zip(&bv) {
                    *x = _mm_add_ps(*x, _mm_mul_ps(av, y));
                }
            }
            a = a.add(t.a_cs);
            b = b.add(t.b_rs);
        }
        if t.nr == 4 * NV {
            for (r, row) in acc.iter().enumerate() {
                let c = c0.add(r * t.ldc);
                for (v, &x) in row.iter().enumerate() {
                    let c = c.add(4 * v);
                    _mm_storeu_ps(c, if t.add { _mm_add_ps(_mm_loadu_ps(c), x) } else { x });
                }
            }
        } else {
            let mut tile = [[0.0f32; 8]; MR];
            for (row, out) in acc.iter().zip(tile.iter_mut()) {
                for (v, &x) in row.iter().enumerate() {
                    _mm_storeu_ps(out.as_mut_ptr().add(4 * v), x);
                }
            }
            store_rows(t, c0, &tile);
        }
    }
}

/// [`super::SparseRows`] in runs of up to 8 `__m256` accumulators, then one `__m128` where 4 to 7
/// columns are left, fused multiply-adds throughout, as the tile kernel's.
///
/// # Safety
/// The CPU has AVX2 and FMA; the caller keeps the promises of [`SparseRows`].
#[target_feature(enable = "avx2,fma")]
unsafe fn avx2_sparse_rows(r: &SparseRows) {
    let mut end = r.vector_runs(8, |j, nv| by_const!(nv, [1, 2, 3, 4, 5, 6, 7, 8], |NV| avx2_sparse_run::<NV>(r, j)));
    if r.n - end >= 4 {
        for i in 0..r.spans.len() {
            let mut acc = _mm_setzero_ps();
            for e in r.row(i) {
                acc = _mm_fmadd_ps(_mm_set1_ps(e.v), _mm_loadu_ps(r.b.add(e.off as usize + end)), acc);
            }
            let c = r.c.add(i * r.ldc + end);
            _mm_storeu_ps(c, if r.add { _mm_add_ps(_mm_loadu_ps(c), acc) } else { acc });
        }
        end += 4;
    }
    for j in end..r.n {
        r.scalar_column(j, |a, b, s| a.mul_add(b, s));
    }
}

#[target_feature(enable = "avx2,fma")]
unsafe fn avx2_sparse_run<const NV: usize>(r: &SparseRows, j: usize) {
    for i in 0..r.spans.len() {
        let mut acc = [_mm256_setzero_ps(); NV];
        for e in r.row(i) {
            let (v, b) = (_mm256_set1_ps(e.v), r.b.add(e.off as usize + j));
            for (q, x) in acc.iter_mut().enumerate() {
                *x = _mm256_fmadd_ps(v, _mm256_loadu_ps(b.add(8 * q)), *x);
            }
        }
        for (q, &x) in acc.iter().enumerate() {
            let c = r.c.add(i * r.ldc + j + 8 * q);
            _mm256_storeu_ps(c, if r.add { _mm256_add_ps(_mm256_loadu_ps(c), x) } else { x });
        }
    }
}

/// [`super::SparseRows`] in runs of up to 8 `__m128` accumulators.
///
/// # Safety
/// The caller keeps the promises of [`SparseRows`].
unsafe fn sse2_sparse_rows(r: &SparseRows) {
    let end = r.vector_runs(4, |j, nv| by_const!(nv, [1, 2, 3, 4, 5, 6, 7, 8], |NV| sse2_sparse_run::<NV>(r, j)));
    for j in end..r.n {
        r.scalar_column(j, |a, b, s| s + a * b);
    }
}

#[inline(always)]
unsafe fn sse2_sparse_run<const NV: usize>(r: &SparseRows, j: usize) {
    for i in 0..r.spans.len() {
        let mut acc = [_mm_setzero_ps(); NV];
        for e in r.row(i) {
            let (v, b) = (_mm_set1_ps(e.v), r.b.add(e.off as usize + j));
            for (q, x) in acc.iter_mut().enumerate() {
                *x = _mm_add_ps(*x, _mm_mul_ps(v, _mm_loadu_ps(b.add(4 * q))));
            }
        }
        for (q, &x) in acc.iter().enumerate() {
            let c = r.c.add(i * r.ldc + j + 4 * q);
            _mm_storeu_ps(c, if r.add { _mm_add_ps(_mm_loadu_ps(c), x) } else { x });
        }
    }
}

/// [`super::Kernel::transpose`] in `8 × 8` blocks of AVX registers.
///
/// # Safety
/// The CPU has AVX2; the elements named are readable and writable.
#[target_feature(enable = "avx2,fma")]
unsafe fn avx2_transpose(src: *const f32, ld: usize, rows: usize, cols: usize, dst: *mut f32, dst_ld: usize) {
    let (rows8, cols8) = (rows / 8 * 8, cols / 8 * 8);
    for j in (0..rows8).step_by(8) {
        for p in (0..cols8).step_by(8) {
            let s = src.add(j * ld + p);
            let r: [__m256; 8] = std::array::from_fn(|i| _mm256_loadu_ps(s.add(i * ld)));
            let t0 = _mm256_unpacklo_ps(r[0], r[1]);
            let t1 = _mm256_unpackhi_ps(r[0], r[1]);
            let t2 = _mm256_unpacklo_ps(r[2], r[3]);
            let t3 = _mm256_unpackhi_ps(r[2], r[3]);
            let t4 = _mm256_unpacklo_ps(r[4], r[5]);
            let t5 = _mm256_unpackhi_ps(r[4], r[5]);
            let t6 = _mm256_unpacklo_ps(r[6], r[7]);
            let t7 = _mm256_unpackhi_ps(r[6], r[7]);
            let u0 = _mm256_shuffle_ps::<0x44>(t0, t2);
            let u1 = _mm256_shuffle_ps::<0xEE>(t0, t2);
            let u2 = _mm256_shuffle_ps::<0x44>(t1, t3);
            let u3 = _mm256_shuffle_ps::<0xEE>(t1, t3);
            let u4 = _mm256_shuffle_ps::<0x44>(t4, t6);
            let u5 = _mm256_shuffle_ps::<0xEE>(t4, t6);
            let u6 = _mm256_shuffle_ps::<0x44>(t5, t7);
            let u7 = _mm256_shuffle_ps::<0xEE>(t5, t7);
            let out = [
                _mm256_permute2f128_ps::<0x20>(u0, u4),
                _mm256_permute2f128_ps::<0x20>(u1, u5),
                _mm256_permute2f128_ps::<0x20>(u2, u6),
                _mm256_permute2f128_ps::<0x20>(u3, u7),
                _mm256_permute2f128_ps::<0x31>(u0, u4),
                _mm256_permute2f128_ps::<0x31>(u1, u5),
                _mm256_permute2f128_ps::<0x31>(u2, u6),
                _mm256_permute2f128_ps::<0x31>(u3, u7),
            ];
            let d = dst.add(p * dst_ld + j);
            for (i, &o) in out.iter().enumerate() {
                _mm256_storeu_ps(d.add(i * dst_ld), o);
            }
        }
    }
    transpose_scalar(src, ld, 0..rows8, cols8..cols, dst, dst_ld);
    transpose_scalar(src, ld, rows8..rows, 0..cols, dst, dst_ld);
}

/// [`super::Kernel::transpose`] in `4 × 4` blocks of SSE registers.
///
/// # Safety
/// The elements named are readable and writable.
unsafe fn sse2_transpose(src: *const f32, ld: usize, rows: usize, cols: usize, dst: *mut f32, dst_ld: usize) {
    let (rows4, cols4) = (rows / 4 * 4, cols / 4 * 4);
    for j in (0..rows4).step_by(4) {
        for p in (0..cols4).step_by(4) {
            let s = src.add(j * ld + p);
            let r: [__m128; 4] = std::array::from_fn(|i| _mm_loadu_ps(s.add(i * ld)));
            let t0 = _mm_unpacklo_ps(r[0], r[1]);
            let t1 = _mm_unpacklo_ps(r[2], r[3]);
            let t2 = _mm_unpackhi_ps(r[0], r[1]);
            let t3 = _mm_unpackhi_ps(r[2], r[3]);
            let out = [_mm_movelh_ps(t0, t1), _mm_movehl_ps(t1, t0), _mm_movelh_ps(t2, t3), _mm_movehl_ps(t3, t2)];
            let d = dst.add(p * dst_ld + j);
            for (i, &o) in out.iter().enumerate() {
                _mm_storeu_ps(d.add(i * dst_ld), o);
            }
        }
    }
    transpose_scalar(src, ld, 0..rows4, cols4..cols, dst, dst_ld);
    transpose_scalar(src, ld, rows4..rows, 0..cols, dst, dst_ld);
}
