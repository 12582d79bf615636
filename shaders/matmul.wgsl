// Matrix products and column sums over flat f32 buffers (every operand at an offset, with its own
// row stride, so one weight tensor of the model's flat parameter buffer is read in place).
//
//   matmul:  C[M,N] (+)= op(A)[M,K] · op(B)[K,N] (+ bias[N])     op = identity or transpose
//   colsum:  C[N]   (+)= Σ_i A[i, 0..N]  (i < M)                  bias gradients
//   transpose: C[N,M] = A[M,N]                                    Uᵀ for the backward recurrence
//

struct Params {
    m: u32, n: u32, k: u32, flags: u32,   // flags: 1 = Aᵀ, 2 = Bᵀ, 4 = accumulate into C, 8 = add bias
    a_off: u32, lda: u32, b_off: u32, ldb: u32,
    c_off: u32, ldc: u32, bias_off: u32, pad: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> a: array<f32>;
@group(0) @binding(2) var<storage, read> b: array<f32>;
@group(0) @binding(3) var<storage, read_write> c: array<f32>;

// 64×64 outputs per workgroup of 16×16 threads, each thread 4×4 of them (rows lid.y + 16i,
// columns lid.x + 16j, so neighbouring threads write neighbouring columns); A and B staged
// through workgroup memory 16 steps of K at a time, k-major so the inner loop reads broadcasts.
const BM: u32 = 64u;
const BK: u32 = 16u;
var<workgroup> sa: array<f32, 1024>;   // [BK][BM]
var<workgroup> sb: array<f32, 1024>;   // [BK][BN]

fn load_a(i: u32, kk: u32) -> f32 {
    if (i >= p.m || kk >= p.k) { return 0.0; }
    if ((p.flags & 1u) != 0u) { return a[p.a_off + kk * p.lda + i]; }
    return a[p.a_off + i * p.lda + kk];
}

fn load_b(kk: u32, j: u32) -> f32 {
    if (kk >= p.k || j >= p.n) { return 0.0; }
    if ((p.flags & 2u) != 0u) { return b[p.b_off + j * p.ldb + kk]; }
    return b[p.b_off + kk * p.ldb + j];
}

@compute @workgroup_size(16, 16)
fn matmul(@builtin(local_invocation_id) lid: vec3<u32>, @builtin(workgroup_id) wid: vec3<u32>) {
    let row0 = wid.y * BM;
    let col0 = wid.x * BM;
    let tid = lid.y * 16u + lid.x;
    var acc: array<f32, 16>;
    let trans_a = (p.flags & 1u) != 0u;
    for (var kt = 0u; kt < p.k; kt += BK) {
        for (var e = 0u; e < 4u; e++) {
            let idx = tid + e * 256u;
            // Neighbouring threads read neighbouring addresses: along k for A, along rows for Aᵀ.
            var r = idx / BK;
            var kk = idx % BK;
            if (trans_a) { r = idx % BM; kk = idx / BM; }
            sa[kk * BM + r] = load_a(row0 + r, kt + kk);
            let kb = idx / BM;
            let cb = idx % BM;
            sb[kb * BM + cb] = load_b(kt + kb, col0 + cb);
        }
        workgroupBarrier();
        for (var kk = 0u; kk < BK; kk++) {
            var av: array<f32, 4>;
            var bv: array<f32, 4>;
            for (var i = 0u; i < 4u; i++) {
                av[i] = sa[kk * BM + lid.y + 16u * i];
                bv[i] = sb[kk * BM + lid.x + 16u * i];
            }
            for (var i = 0u; i < 4u; i++) {
                for (var j = 0u; j < 4u; j++) {
                    acc[i * 4u + j] += av[i] * bv[j];
                }
            }
        }
        workgroupBarrier();
    }
    for (var i = 0u; i < 4u; i++) {
        for (var j = 0u; j < 4u; j++) {
            let r = row0 + lid.y + 16u * i;
            let col = col0 + lid.x + 16u * j;
            if (r < p.m && col < p.n) {
                let at = p.c_off + r * p.ldc + col;
                var v = acc[i * 4u + j];
                if ((p.flags & 8u) != 0u) { v += b[p.bias_off + col]; }
                if ((p.flags & 4u) != 0u) { v += c[at]; }
                c[at] = v;
            }
        }
    }
}

@compute @workgroup_size(64)
fn colsum(@builtin(global_invocation_id) gid: vec3<u32>) {
    let j = gid.x;
    if (j >= p.n) { return; }
    var acc = 0.0;
    for (var i = 0u; i < p.m; i++) {
        acc += a[p.a_off + i * p.lda + j];
    }
    let at = p.c_off + j;
    if ((p.flags & 4u) != 0u) { acc += c[at]; }
    c[at] = acc;
}

@compute @workgroup_size(16, 16)
fn transpose(@builtin(global_invocation_id) gid: vec3<u32>) {
    let i = gid.y;
    let j = gid.x;
    if (i < p.m && j < p.n) {
        c[p.c_off + j * p.ldc + i] = a[p.a_off + i * p.lda + j];
    }
}
