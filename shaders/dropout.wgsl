// Dropout masks applied to a whole sequence: `out[i] (+)= x[i] · m[i mod period]`, with the mask
// `[batch, features]` (period = batch·features) reused at every time step, as Keras reuses a
// layer's masks (`src/engine/model/dropout.rs`). The input side multiplies x by a mask before
// x·W; the backward pass multiplies the gradient flowing back to x, and masks h_{t-1} for the
// recurrent weights' gradient.

struct Apply {
    count: u32, period: u32, accumulate: u32, pad: u32,
    x_off: u32, m_off: u32, out_off: u32, pad1: u32,
}

@group(0) @binding(0) var<uniform> p: Apply;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read> m: array<f32>;
@group(0) @binding(3) var<storage, read_write> out: array<f32>;

@compute @workgroup_size(256)
fn apply(@builtin(global_invocation_id) gid: vec3<u32>) {
    let i = gid.x + gid.y * 65535u * 256u;
    if (i >= p.count) { return; }
    var v = x[p.x_off + i] * m[p.m_off + i % p.period];
    if (p.accumulate == 1u) { v += out[p.out_off + i]; }
    out[p.out_off + i] = v;
}
