// The losses (`src/engine/train/loss.rs`), in one workgroup: the gradient with respect to the
// Dense head's outputs and the loss, summed into stats[0].
//
//   mse: logits, targets [rows, units], weights [rows] (mask × warm-up; all 1 without),
//        L = Σ_r w_r Σ_c (ŷ-y)² · inv,  ∂L/∂ŷ = 2 w_r (ŷ-y) · inv,  inv = 1 / (units · Σ w) (0 if Σ w = 0)
//   softmax cross-entropy: logits [batch, classes], labels [batch] (u32 bits in `targets`),
//        L = mean_b(logsumexp(z_b) - z_b[y_b]),  ∂L/∂z = (softmax(z) - onehot(y)) / batch

struct Loss {
    rows: u32, units: u32, kind: u32, pad: u32,   // kind 0 mse, 1 cross-entropy
    inv: f32, pad1: u32, pad2: u32, pad3: u32,
}

@group(0) @binding(0) var<uniform> p: Loss;
@group(0) @binding(1) var<storage, read> logits: array<f32>;
@group(0) @binding(2) var<storage, read> targets: array<f32>;
@group(0) @binding(3) var<storage, read> weights: array<f32>;
@group(0) @binding(4) var<storage, read_write> dlogits: array<f32>;
@group(0) @binding(5) var<storage, read_write> stats: array<f32>;   // [loss, grad norm, skipped]

var<workgroup> part: array<f32, 256>;

@compute @workgroup_size(256)
fn loss(@builtin(local_invocation_index) li: u32) {
    var acc = 0.0;
    let u = p.units;
    if (p.kind == 0u) {
        for (var i = li; i < p.rows * u; i += 256u) {
            let w = weights[i / u];
            let e = logits[i] - targets[i];
            acc += w * e * e;
            dlogits[i] = 2.0 * w * e * p.inv;
        }
        acc *= p.inv;
    } else {
        for (var b = li; b < p.rows; b += 256u) {
            let y = bitcast<u32>(targets[b]);
            var mx = logits[b * u];
            for (var c = 1u; c < u; c++) { mx = max(mx, logits[b * u + c]); }
            var s = 0.0;
            for (var c = 0u; c < u; c++) { s += exp(logits[b * u + c] - mx); }
            acc += mx + log(s) - logits[b * u + y];
            for (var c = 0u; c < u; c++) {
                let pr = exp(logits[b * u + c] - mx) / s;
                dlogits[b * u + c] = (pr - select(0.0, 1.0, c == y)) / f32(p.rows);
            }
        }
        acc /= f32(p.rows);
    }
    part[li] = acc;
    workgroupBarrier();
    for (var s = 128u; s > 0u; s >>= 1u) {
        if (li < s) { part[li] += part[li + s]; }
        workgroupBarrier();
    }
    if (li == 0u) { stats[0] = part[0]; }
}
