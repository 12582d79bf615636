// Matrix products and column sums over flat f32 buffers (every operand at an offset, with its own
// row stride, so one weight tensor of the model's flat parameter buffer is read in place).
//
//   matmul:  C[M,N] (+)= op(A)[M,K] · op(B)[K,N] (+ bias[N])     op = identity or transpose
//   colsum:  C[N]   (+)= Σ_i A[i, 0..N]  (i < M)                  bias gradients
//   transpose: C[N,M] = A[M,N]                                    Uᵀ for the backward recurrence
//
// Tiles of 16×16 outputs per workgroup, each thread one output, A and B staged through workgroup
// memory 16 columns of K at a time.

struct Params {
    m: u32, n: u32, k: u32, flags: u32,   // flags: 1 = Aᵀ, 2 = Bᵀ, 4 = accumulate into C, 8 = add bias
    a_off: u32, lda: u32, b_off: u32, ldb: u32,
    c_off: u32, ldc: u32, bias_off: u32, pad: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> a: array<f32>;
@group(0) @binding(2) var<storage, read> b: array<f32>;
@group(0) @binding(3) var<storage, read_write> c: array<f32>;

const TILE: u32 = 16u;
var<workgroup> ta: array<array<f32, 16>, 16>;   // [row of C][k]
var<workgroup> tb: array<array<f32, 16>, 16>;   // [k][column of C]

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
    let i = wid.y * TILE + lid.y;
    let j = wid.x * TILE + lid.x;
    var acc = 0.0;
    let tiles = (p.k + TILE - 1u) / TILE;
    for (var t = 0u; t < tiles; t++) {
        ta[lid.y][lid.x] = load_a(i, t * TILE + lid.x);
        tb[lid.y][lid.x] = load_b(t * TILE + lid.y, j);
        workgroupBarrier();
        for (var q = 0u; q < TILE; q++) {
            acc += ta[lid.y][q] * tb[q][lid.x];
        }
        workgroupBarrier();
    }
    if (i < p.m && j < p.n) {
        let at = p.c_off + i * p.ldc + j;
        if ((p.flags & 8u) != 0u) { acc += b[p.bias_off + j]; }
        if ((p.flags & 4u) != 0u) { acc += c[at]; }
        c[at] = acc;
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
