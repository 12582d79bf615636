// Bidirectional layers: the two directions' states merged into the layer's output (Keras
// `merge_mode`), and the gradient of that output split back onto each direction's states.
//
//   out   [rows, D]   rows = T·B (return_sequences) or B (the final states); D = 2H for concat, else H
//   fwd, bwd: the directions' caches, whose states for output row r start at f_off + r·H, b_off + r·H
//   (natural time for both: the backward direction's output at t is its state after step t)
//   d_fwd, d_bwd: dh_out of each direction [T, B, H], written at df_off, db_off

struct Merge {
    rows: u32, units: u32, mode: u32, has_mask: u32,   // mode 0 concat, 1 sum, 2 ave, 3 mul
    f_off: u32, b_off: u32, df_off: u32, db_off: u32,
}

@group(0) @binding(0) var<uniform> p: Merge;
@group(0) @binding(1) var<storage, read> fwd: array<f32>;
@group(0) @binding(2) var<storage, read> bwd: array<f32>;
@group(0) @binding(3) var<storage, read> mask: array<f32>;      // [T, B], rows of a sequence output
@group(0) @binding(4) var<storage, read_write> out: array<f32>; // forward: out; backward: d_out (read)
@group(0) @binding(5) var<storage, read_write> d_fwd: array<f32>;
@group(0) @binding(6) var<storage, read_write> d_bwd: array<f32>;

fn keep(r: u32) -> f32 {
    // Keras zeroes a bidirectional sequence output at masked steps.
    if (p.has_mask == 1u) { return mask[r]; }
    return 1.0;
}

@compute @workgroup_size(256)
fn merge(@builtin(global_invocation_id) gid: vec3<u32>) {
    let i = gid.x + gid.y * 65535u * 256u;
    let h = p.units;
    let width = select(h, 2u * h, p.mode == 0u);
    if (i >= p.rows * width) { return; }
    let r = i / width;
    let c = i % width;
    var v = 0.0;
    if (p.mode == 0u) {
        v = select(bwd[p.b_off + r * h + c - h], fwd[p.f_off + r * h + c], c < h);
    } else {
        let f = fwd[p.f_off + r * h + c];
        let b = bwd[p.b_off + r * h + c];
        switch p.mode {
            case 1u: { v = f + b; }
            case 2u: { v = 0.5 * (f + b); }
            default: { v = f * b; }
        }
    }
    out[i] = v * keep(r);
}

@compute @workgroup_size(256)
fn split(@builtin(global_invocation_id) gid: vec3<u32>) {
    let i = gid.x + gid.y * 65535u * 256u;
    let h = p.units;
    if (i >= p.rows * h) { return; }
    let r = i / h;
    let c = i % h;
    let width = select(h, 2u * h, p.mode == 0u);
    let k = keep(r);
    var df = 0.0;
    var db = 0.0;
    switch p.mode {
        case 0u: { df = out[r * width + c]; db = out[r * width + h + c]; }
        case 1u: { df = out[r * width + c]; db = df; }
        case 2u: { df = 0.5 * out[r * width + c]; db = df; }
        default: {
            let d = out[r * width + c];
            df = d * bwd[p.b_off + i];
            db = d * fwd[p.f_off + i];
        }
    }
    d_fwd[p.df_off + i] = k * df;
    d_bwd[p.db_off + i] = k * db;
}
