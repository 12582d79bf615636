//! Principal component analysis onto two dimensions.
//!
//! The rows are centred, their `[dim, dim]` covariance is accumulated in `f64`, and all its
//! eigenpairs are found with Householder tridiagonalisation followed by the implicit QL method
//! (EISPACK `tred2` / `tql2`, as JAMA's `EigenvalueDecomposition` writes them). Why this way:
//! - the project has no linear-algebra crate, and one (nalgebra and its tree) for a single
//!   symmetric eigenproblem of at most 256 × 256 is not worth its weight in the worker's wasm;
//! - the covariance costs `n·dim²/2` multiply-adds (20,000 × 64 words: 41 M), the eigenproblem
//!   about `4·dim³` (64: 1 M; 256: 70 M), so a few tens of milliseconds for an embedding table;
//! - unlike power iteration with deflation, QL does not slow down or mix the two directions when
//!   the first two eigenvalues are close (embedding clouds are often nearly round), it has no
//!   random start, and it always gives the same vectors for the same rows.
//!
//! Each component's sign is fixed so that its largest-magnitude entry is positive (the first such
//! entry on a tie), so a model's map does not flip between runs.

use super::{count_rows, AnalysisError};

/// Two principal components of a set of rows, and the rows projected onto them.
#[derive(Clone, Debug, PartialEq)]
pub struct Pca {
    /// `[n, 2]` each centred row's coordinates along the two components.
    pub positions: Vec<f32>,
    /// `[2][dim]` the unit component directions (all zero for a second component of 1-wide rows).
    pub components: [Vec<f32>; 2],
    /// Share of the total variance along each component, in `[0, 1]` (0 when every row is equal).
    pub explained: [f32; 2],
    /// `[dim]` the mean row that was subtracted.
    pub mean: Vec<f32>,
}

/// Projects the rows `points` (`[n, dim]`, row-major) onto their first two principal components.
pub fn pca2(points: &[f32], dim: usize) -> Result<Pca, AnalysisError> {
    let n = count_rows(points, dim)?;
    if n == 0 {
        return Err(AnalysisError::TooFew { n, min: 1 });
    }
    let mut mean = vec![0.0f64; dim];
    for row in points.chunks_exact(dim) {
        mean.iter_mut().zip(row).for_each(|(m, &v)| *m += v as f64);
    }
    mean.iter_mut().for_each(|m| *m /= n as f64);
    // Upper triangle of Σ (x − μ)(x − μ)ᵀ; the scale (1/n or 1/(n−1)) does not change the
    // directions or the shares, so it is left out. Rows go in blocks of four, so that each pass
    // over the covariance adds four rows (the last block is padded with centred rows of zeros,
    // which add nothing).
    const BLOCK: usize = 4;
    let mut cov = vec![0.0f64; dim * dim];
    let mut block = vec![0.0f64; BLOCK * dim];
    for rows in points.chunks(BLOCK * dim) {
        block.fill(0.0);
        for (c, row) in block.chunks_exact_mut(dim).zip(rows.chunks_exact(dim)) {
            c.iter_mut().zip(row).zip(&mean).for_each(|((c, &v), m)| *c = v as f64 - m);
        }
        let (c0, rest) = block.split_at(dim);
        let (c1, rest) = rest.split_at(dim);
        let (c2, c3) = rest.split_at(dim);
        for a in 0..dim {
            let (a0, a1, a2, a3) = (c0[a], c1[a], c2[a], c3[a]);
            let out = &mut cov[a * dim + a..(a + 1) * dim];
            for ((((o, &b0), &b1), &b2), &b3) in out.iter_mut().zip(&c0[a..]).zip(&c1[a..]).zip(&c2[a..]).zip(&c3[a..]) {
                *o += a0 * b0 + a1 * b1 + a2 * b2 + a3 * b3;
            }
        }
    }
    for a in 0..dim {
        for b in 0..a {
            cov[a * dim + b] = cov[b * dim + a];
        }
    }
    let total: f64 = (0..dim).map(|a| cov[a * dim + a]).sum();
    let (values, vectors) = symmetric_eigen(cov, dim);
    // Descending order of eigenvalue (the solver returns them ascending).
    let mut components: [Vec<f32>; 2] = [vec![0.0; dim], vec![0.0; dim]];
    let mut explained = [0.0f32; 2];
    let mut dirs = [vec![0.0f64; dim], vec![0.0f64; dim]];
    for k in 0..2.min(dim) {
        let col = dim - 1 - k;
        let mut v: Vec<f64> = (0..dim).map(|r| vectors[r * dim + col]).collect();
        let biggest = v.iter().enumerate().fold(0, |best, (i, x)| if x.abs() > v[best].abs() { i } else { best });
        if v[biggest] < 0.0 {
            v.iter_mut().for_each(|x| *x = -*x);
        }
        explained[k] = if total > 0.0 { (values[col].max(0.0) / total).min(1.0) as f32 } else { 0.0 };
        components[k] = v.iter().map(|&x| x as f32).collect();
        dirs[k] = v;
    }
    let mut positions = Vec::with_capacity(2 * n);
    for row in points.chunks_exact(dim) {
        for dir in &dirs {
            let p: f64 = row.iter().zip(&mean).zip(dir).map(|((&v, m), d)| (v as f64 - m) * d).sum();
            positions.push(p as f32);
        }
    }
    Ok(Pca { positions, components, explained, mean: mean.into_iter().map(|m| m as f32).collect() })
}

/// Eigenvalues (ascending) and eigenvectors of the symmetric `[n, n]` row-major matrix `a`:
/// column `k` of the returned `[n, n]` row-major matrix is the unit eigenvector of value `k`.
/// Householder tridiagonalisation (`tred2`) then implicit QL (`tql2`), after JAMA (public domain).
pub fn symmetric_eigen(a: Vec<f64>, n: usize) -> (Vec<f64>, Vec<f64>) {
    assert_eq!(a.len(), n * n, "symmetric_eigen: a must be [n, n]");
    if n == 0 {
        return (Vec::new(), Vec::new());
    }
    let mut v = a;
    let mut d = vec![0.0f64; n];
    let mut e = vec![0.0f64; n];
    tred2(&mut v, &mut d, &mut e, n);
    tql2(&mut v, &mut d, &mut e, n);
    (d, v)
}

/// Householder reduction of the symmetric `v` to tridiagonal form: diagonal `d`, sub-diagonal `e`
/// (`e[1..]`), and `v` the accumulated orthogonal transformation.
fn tred2(v: &mut [f64], d: &mut [f64], e: &mut [f64], n: usize) {
    let at = |r: usize, c: usize| r * n + c;
    for j in 0..n {
        d[j] = v[at(n - 1, j)];
    }
    for i in (1..n).rev() {
        let scale: f64 = d[..i].iter().map(|x| x.abs()).sum();
        let mut h = 0.0;
        if scale == 0.0 {
            e[i] = d[i - 1];
            for j in 0..i {
                d[j] = v[at(i - 1, j)];
                v[at(i, j)] = 0.0;
                v[at(j, i)] = 0.0;
            }
        } else {
            for x in &mut d[..i] {
                *x /= scale;
                h += *x * *x;
            }
            let mut f = d[i - 1];
            let mut g = h.sqrt();
            if f > 0.0 {
                g = -g;
            }
            e[i] = scale * g;
            h -= f * g;
            d[i - 1] = f - g;
            e[..i].fill(0.0);
            for j in 0..i {
                f = d[j];
                v[at(j, i)] = f;
                g = e[j] + v[at(j, j)] * f;
                for k in j + 1..i {
                    g += v[at(k, j)] * d[k];
                    e[k] += v[at(k, j)] * f;
                }
                e[j] = g;
            }
            f = 0.0;
            for j in 0..i {
                e[j] /= h;
                f += e[j] * d[j];
            }
            let hh = f / (h + h);
            for j in 0..i {
                e[j] -= hh * d[j];
            }
            for j in 0..i {
                f = d[j];
                g = e[j];
                for k in j..i {
                    v[at(k, j)] -= f * e[k] + g * d[k];
                }
                d[j] = v[at(i - 1, j)];
                v[at(i, j)] = 0.0;
            }
        }
        d[i] = h;
    }
    for i in 0..n - 1 {
        v[at(n - 1, i)] = v[at(i, i)];
        v[at(i, i)] = 1.0;
        let h = d[i + 1];
        if h != 0.0 {
            for k in 0..=i {
                d[k] = v[at(k, i + 1)] / h;
            }
            for j in 0..=i {
                let g: f64 = (0..=i).map(|k| v[at(k, i + 1)] * v[at(k, j)]).sum();
                for k in 0..=i {
                    v[at(k, j)] -= g * d[k];
                }
            }
        }
        for k in 0..=i {
            v[at(k, i + 1)] = 0.0;
        }
    }
    for j in 0..n {
        d[j] = v[at(n - 1, j)];
        v[at(n - 1, j)] = 0.0;
    }
    v[at(n - 1, n - 1)] = 1.0;
    e[0] = 0.0;
}

/// Implicit QL on the tridiagonal `d`, `e`, accumulating into `v`; leaves the eigenvalues in `d`
/// (ascending) and the eigenvectors in `v`'s columns.
fn tql2(v: &mut [f64], d: &mut [f64], e: &mut [f64], n: usize) {
    /// QL sweeps per eigenvalue before it is taken as it stands (it converges in a few).
    const MAX_SWEEPS: usize = 64;
    let at = |r: usize, c: usize| r * n + c;
    for i in 1..n {
        e[i - 1] = e[i];
    }
    e[n - 1] = 0.0;
    let mut f = 0.0;
    let mut tst1 = 0.0f64;
    let eps = f64::EPSILON;
    for l in 0..n {
        tst1 = tst1.max(d[l].abs() + e[l].abs());
        let mut m = l;
        while m < n - 1 && e[m].abs() > eps * tst1 {
            m += 1;
        }
        if m > l {
            for _ in 0..MAX_SWEEPS {
                let mut g = d[l];
                let mut p = (d[l + 1] - g) / (2.0 * e[l]);
                let mut r = p.hypot(1.0);
                if p < 0.0 {
                    r = -r;
                }
                d[l] = e[l] / (p + r);
                d[l + 1] = e[l] * (p + r);
                let dl1 = d[l + 1];
                let mut h = g - d[l];
                for x in &mut d[l + 2..n] {
                    *x -= h;
                }
                f += h;
                p = d[m];
                let (mut c, mut c2, mut c3) = (1.0f64, 1.0f64, 1.0f64);
                let el1 = e[l + 1];
                let (mut s, mut s2) = (0.0f64, 0.0f64);
                for i in (l..m).rev() {
                    c3 = c2;
                    c2 = c;
                    s2 = s;
                    g = c * e[i];
                    h = c * p;
                    r = p.hypot(e[i]);
                    e[i + 1] = s * r;
                    s = e[i] / r;
                    c = p / r;
                    p = c * d[i] - s * g;
                    d[i + 1] = h + s * (c * g + s * d[i]);
                    for k in 0..n {
                        h = v[at(k, i + 1)];
                        v[at(k, i + 1)] = s * v[at(k, i)] + c * h;
                        v[at(k, i)] = c * v[at(k, i)] - s * h;
                    }
                }
                p = -s * s2 * c3 * el1 * e[l] / dl1;
                e[l] = s * p;
                d[l] = c * p;
                if e[l].abs() <= eps * tst1 {
                    break;
                }
            }
        }
        d[l] += f;
        e[l] = 0.0;
    }
    // Ascending order (selection sort, swapping columns).
    for i in 0..n.saturating_sub(1) {
        let k = (i..n).fold(i, |best, j| if d[j] < d[best] { j } else { best });
        if k != i {
            d.swap(i, k);
            for r in 0..n {
                v.swap(at(r, i), at(r, k));
            }
        }
    }
}
