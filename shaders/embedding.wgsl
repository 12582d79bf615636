// The Embedding layer: rows of the table gathered for each token, and the table's gradient.
//
//   gather:  x0[r, :] = E[tok[r], :]                 r = t·B + b (time-major), tok [T·B]
//   scatter: dE[v, :] = Σ_{r: tok[r] = v} dx0[r, :]  for each distinct token v of the batch, from a
//            list built on the CPU (which has the ids): ids[u] (distinct tokens), start[u]..start[u+1]
//            into rows[] (the positions r), so no two workgroups write one row and no atomics are needed.

struct Embed {
    count: u32, dim: u32, table_off: u32, unique: u32,   // count = T·B rows; unique = distinct tokens
    start_off: u32, rows_off: u32, pad0: u32, pad1: u32,
}

@group(0) @binding(0) var<uniform> p: Embed;
@group(0) @binding(1) var<storage, read> ids: array<u32>;        // gather: tok [T·B]; scatter: ids | start | rows
@group(0) @binding(2) var<storage, read> src: array<f32>;        // gather: weights; scatter: dx0
@group(0) @binding(3) var<storage, read_write> dst: array<f32>;  // gather: x0; scatter: gradients

@compute @workgroup_size(64)
fn gather(@builtin(global_invocation_id) gid: vec3<u32>) {
    let i = gid.x + gid.y * 65535u * 64u;
    if (i >= p.count * p.dim) { return; }
    let r = i / p.dim;
    let c = i % p.dim;
    dst[i] = src[p.table_off + ids[r] * p.dim + c];
}

@compute @workgroup_size(64)
fn scatter(@builtin(local_invocation_index) li: u32, @builtin(workgroup_id) wid: vec3<u32>) {
    let u = wid.x + wid.y * 65535u;
    if (u >= p.unique) { return; }
    let v = ids[u];
    let lo = ids[p.start_off + u];
    let hi = ids[p.start_off + u + 1u];
    for (var c = li; c < p.dim; c += 64u) {
        var acc = 0.0;
        for (var k = lo; k < hi; k++) {
            acc += src[ids[p.rows_off + k] * p.dim + c];
        }
        dst[p.table_off + v * p.dim + c] = acc;
    }
}
