//! Naive reference kernels: the specification the fast kernels are tested against.
//! Triple loops, one output element at a time, f32 accumulation in index order.

use super::{Accumulate, Mat, MatMut};

/// `C[m,n] (+)= A[m,k] · B[k,n]`
pub fn gemm_nn(a: Mat, b: Mat, c: &mut MatMut, acc: Accumulate) {
    assert_eq!(a.cols, b.rows, "gemm_nn inner dimension");
    assert_eq!((c.rows, c.cols), (a.rows, b.cols), "gemm_nn output shape");
    for i in 0..a.rows {
        for j in 0..b.cols {
            let mut s = 0.0f32;
            for p in 0..a.cols {
                s += a.data[i * a.ld + p] * b.data[p * b.ld + j];
            }
            store(c, i, j, s, acc);
        }
    }
}

/// `C[m,n] (+)= A[m,k] · B[n,k]ᵀ`
pub fn gemm_nt(a: Mat, b: Mat, c: &mut MatMut, acc: Accumulate) {
    assert_eq!(a.cols, b.cols, "gemm_nt inner dimension");
    assert_eq!((c.rows, c.cols), (a.rows, b.rows), "gemm_nt output shape");
    for i in 0..a.rows {
        for j in 0..b.rows {
            let mut s = 0.0f32;
            for p in 0..a.cols {
                s += a.data[i * a.ld + p] * b.data[j * b.ld + p];
            }
            store(c, i, j, s, acc);
        }
    }
}

/// `C[m,n] (+)= A[k,m]ᵀ · B[k,n]`
pub fn gemm_tn(a: Mat, b: Mat, c: &mut MatMut, acc: Accumulate) {
    assert_eq!(a.rows, b.rows, "gemm_tn inner dimension");
    assert_eq!((c.rows, c.cols), (a.cols, b.cols), "gemm_tn output shape");
    for i in 0..a.cols {
        for j in 0..b.cols {
            let mut s = 0.0f32;
            for p in 0..a.rows {
                s += a.data[p * a.ld + i] * b.data[p * b.ld + j];
            }
            store(c, i, j, s, acc);
        }
    }
}

fn store(c: &mut MatMut, i: usize, j: usize, s: f32, acc: Accumulate) {
    let v = &mut c.data[i * c.ld + j];
    match acc {
        Accumulate::Overwrite => *v = s,
        Accumulate::Add => *v += s,
    }
}
