// Clipping and the optimisers' updates (`src/engine/train/optimizer.rs`, Keras 3's rules), over the
// flat weight buffer.
//
//   sq_sums: one workgroup per weight tensor k: sums[k] = Σ g² over its range (tensors[2k], [2k+1])
//   finish:  one thread: the global norm → stats[1]; whether to skip the update (loss or norm not
//            finite) → stats[2]; each tensor's clipping factor → sums[K + k]
//   update:  every weight: its gradient clipped, then SGD (momentum, Nesterov), RMSprop (momentum,
//            centred) or Adam (AMSGrad); slots m, v, a as the CPU's

struct Opt {
    count: u32, tensors: u32, kind: u32, clip: u32,   // kind 0 sgd, 1 rmsprop, 2 adam; clip 0 none, 1 value, 2 norm, 3 global
    lr: f32, alpha: f32, beta1: f32, beta2: f32,       // alpha: Adam's step size at this iteration
    epsilon: f32, rho: f32, momentum: f32, clip_value: f32,
    nesterov: u32, centered: u32, amsgrad: u32, pad: u32,
}

@group(0) @binding(0) var<uniform> p: Opt;
@group(0) @binding(1) var<storage, read> grads: array<f32>;
@group(0) @binding(2) var<storage, read> tensors: array<u32>;
@group(0) @binding(3) var<storage, read_write> sums: array<f32>;   // [2K]: squared sums, then factors
@group(0) @binding(4) var<storage, read_write> stats: array<f32>;  // [loss, grad norm, skipped]
@group(0) @binding(5) var<storage, read_write> weights: array<f32>;
@group(0) @binding(6) var<storage, read_write> m: array<f32>;
@group(0) @binding(7) var<storage, read_write> v: array<f32>;
@group(0) @binding(8) var<storage, read_write> a: array<f32>;

var<workgroup> part: array<f32, 256>;

@compute @workgroup_size(256)
fn sq_sums(@builtin(local_invocation_index) li: u32, @builtin(workgroup_id) wid: vec3<u32>) {
    let k = wid.x;
    let lo = tensors[2u * k];
    let len = tensors[2u * k + 1u];
    var acc = 0.0;
    for (var i = li; i < len; i += 256u) {
        let g = grads[lo + i];
        acc += g * g;
    }
    part[li] = acc;
    workgroupBarrier();
    for (var s = 128u; s > 0u; s >>= 1u) {
        if (li < s) { part[li] += part[li + s]; }
        workgroupBarrier();
    }
    if (li == 0u) { sums[k] = part[0]; }
}

fn finite(x: f32) -> bool {
    // An exponent of all ones is ±inf or NaN (read from the bits: a compiler may assume floats
    // are finite in comparisons).
    return (bitcast<u32>(x) & 0x7f800000u) != 0x7f800000u;
}

@compute @workgroup_size(1)
fn finish() {
    var total = 0.0;
    for (var k = 0u; k < p.tensors; k++) { total += sums[k]; }
    let norm = sqrt(total);
    stats[1] = norm;
    stats[2] = select(1.0, 0.0, finite(stats[0]) && finite(norm));
    for (var k = 0u; k < p.tensors; k++) {
        var f = 1.0;
        if (p.clip == 2u) {
            let n = sqrt(sums[k]);
            if (n > p.clip_value && finite(n)) { f = p.clip_value / n; }
        } else if (p.clip == 3u) {
            if (norm > p.clip_value && finite(norm)) { f = p.clip_value / norm; }
        }
        sums[p.tensors + k] = f;
    }
}

// The tensor holding weight i (the table is in increasing order of offset).
fn tensor_of(i: u32) -> u32 {
    var lo = 0u;
    var hi = p.tensors;
    while (hi - lo > 1u) {
        let mid = (lo + hi) / 2u;
        if (tensors[2u * mid] <= i) { lo = mid; } else { hi = mid; }
    }
    return lo;
}

@compute @workgroup_size(256)
fn update(@builtin(global_invocation_id) gid: vec3<u32>) {
    let i = gid.x + gid.y * 65535u * 256u;
    if (i >= p.count || stats[2] != 0.0) { return; }
    var g = grads[i] * sums[p.tensors + tensor_of(i)];
    if (p.clip == 1u) { g = clamp(g, -p.clip_value, p.clip_value); }
    let lr = p.lr;
    switch p.kind {
        case 0u: {
            if (p.momentum == 0.0) {
                weights[i] -= lr * g;
            } else {
                let mm = p.momentum * m[i] - lr * g;
                m[i] = mm;
                weights[i] += select(mm, p.momentum * mm - lr * g, p.nesterov == 1u);
            }
        }
        case 1u: {
            let vv = p.rho * v[i] + (1.0 - p.rho) * g * g;
            v[i] = vv;
            var den = vv + p.epsilon;
            if (p.centered == 1u) {
                let aa = p.rho * a[i] + (1.0 - p.rho) * g;
                a[i] = aa;
                den = vv - aa * aa + p.epsilon;
            }
            let inc = lr * g / sqrt(den);
            if (p.momentum > 0.0) {
                let mm = p.momentum * m[i] + inc;
                m[i] = mm;
                weights[i] -= mm;
            } else {
                weights[i] -= inc;
            }
        }
        default: {
            let mm = m[i] + (g - m[i]) * (1.0 - p.beta1);
            let vv = v[i] + (g * g - v[i]) * (1.0 - p.beta2);
            m[i] = mm;
            v[i] = vv;
            var den = vv;
            if (p.amsgrad == 1u) {
                den = max(a[i], vv);
                a[i] = den;
            }
            weights[i] -= mm * p.alpha / (sqrt(den) + p.epsilon);
        }
    }
}
