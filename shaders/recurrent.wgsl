// The recurrence of one direction of a recurrent layer, as persistent kernels: one dispatch runs
// the whole time loop, each workgroup for `rows` rows of the batch, so the number of dispatches
// per training step does not grow with the sequence length. A very long sequence is cut into
// chunks of steps [s_begin, s_end) of the processing order, one dispatch (and submission) each,
// so no GPU watchdog fires: a forward chunk starts from the state the one before left in `cache`,
// a backward chunk from the gradients the one before carried into `cache` at `carry_off`. The equations are the CPU cells'
// (`src/engine/cells/{simple_rnn,lstm,gru}.rs`, where they are written out); this file follows
// them line by line.
//
// Layouts (time in natural order for both directions; a reversed direction runs t = T-1 .. 0):
//   xw     [T, B, G·H]   x_t·W + b, the input side, from one matmul before this kernel; the
//                        forward pass overwrites it with the activated gates (each thread reads
//                        its units' inputs of a step before it writes their gates), which the
//                        backward pass reads (SimpleRNN: its output before masking)
//   cache  h  [T+2, B, H]  row t+1 = state after step t; rows 0 and T+1 stay zero, so the state
//                          before step t is row t (forward) or row t+2 (reversed)
//          c  [T+2, B, H]  LSTM cell states, as h
//          aux [T, B, H]   LSTM tanh(c_t); reset-after GRU r_h = h·U_h + b_rec_h; reset-before GRU r∘h_{t-1}
//   backward: dh_out [T, B, H] gradient reaching each output h_t from above;
//             grads dz [T, B, G·H] gradient w.r.t. x·W + b (also the recurrent side but for the
//             reset-after GRU, whose recurrent side dr [T, B, G·H] has dz_h∘r in the h block);
//             pt [T, B, 3H] peephole terms (d_i∘c_{t-1}, d_f∘c_{t-1}, d_o∘c_t), summed later;
//             carry [2, B, H] (in `cache`) the gradients carried to h and c between two chunks.
// Pairs (row r, unit j) of a workgroup are spread over its 256 threads, at most 8 per thread
// (rows·H ≤ 2048).

struct Rec {
    batch: u32, time: u32, units: u32, rows: u32,
    cell: u32, act: u32, reverse: u32, has_mask: u32,
    u_off: u32, brec_off: u32, peep_off: u32, has_peep: u32,
    h_off: u32, c_off: u32, aux_off: u32, spare: u32,
    dz_off: u32, dr_off: u32, pt_off: u32, rdrop: u32,   // rdrop: recurrent dropout masks (0 none, 1 shared, G per gate)
    s_begin: u32, s_end: u32, carry_off: u32, pad: u32,  // the chunk of steps, in processing order
}

const SIMPLE: u32 = 0u;
const LSTM: u32 = 1u;
const GRU_AFTER: u32 = 2u;
const GRU_BEFORE: u32 = 3u;
const WG: u32 = 256u;
const MAXP: u32 = 8u;

@group(0) @binding(0) var<uniform> p: Rec;
@group(0) @binding(1) var<storage, read> w: array<f32>;        // the model's weights (U, b_rec, peepholes)
@group(0) @binding(2) var<storage, read_write> xw: array<f32>; // x·W + b, then the gates
@group(0) @binding(3) var<storage, read> mask: array<f32>;     // [T, B]
@group(0) @binding(4) var<storage, read_write> cache: array<f32>;
@group(0) @binding(5) var<storage, read> dh_out: array<f32>;   // backward only
@group(0) @binding(6) var<storage, read_write> grads: array<f32>; // backward only
@group(0) @binding(7) var<storage, read> ut: array<f32>;       // backward only: Uᵀ [G·H, H]
@group(0) @binding(8) var<storage, read> rmask: array<f32>;    // recurrent dropout [rdrop, B, H]: scales h_{t-1} where it meets U

var<workgroup> hsh: array<f32, 2048>;   // forward: h_{t-1};  backward: the gradient carried to h_{t-1}
var<workgroup> ash: array<f32, 2048>;   // reset-before GRU: r∘h_{t-1} (forward), d(r∘h) (backward)

fn gates_of(cell: u32) -> u32 {
    switch cell {
        case 0u: { return 1u; }
        case 1u: { return 4u; }
        default: { return 3u; }
    }
}

fn sigmoid(x: f32) -> f32 { return 1.0 / (1.0 + exp(-x)); }
fn tanh_(x: f32) -> f32 { return tanh(clamp(x, -20.0, 20.0)); }

// SimpleRNN activations (cells/mod.rs `Activation`): tanh, relu, leaky_relu (0.2), elu, linear.
fn activate(x: f32) -> f32 {
    switch p.act {
        case 0u: { return tanh_(x); }
        case 1u: { return max(x, 0.0); }
        case 2u: { return select(0.2 * x, x, x > 0.0); }
        case 3u: { return select(exp(x) - 1.0, x, x > 0.0); }
        default: { return x; }
    }
}

fn activate_grad(y: f32) -> f32 {
    switch p.act {
        case 0u: { return 1.0 - y * y; }
        case 1u: { return select(0.0, 1.0, y > 0.0); }
        case 2u: { return select(0.2, 1.0, y > 0.0); }
        case 3u: { return select(y + 1.0, 1.0, y > 0.0); }
        default: { return 1.0; }
    }
}

fn mask_at(t: u32, b: u32) -> f32 {
    if (p.has_mask == 0u) { return 1.0; }
    return mask[t * p.batch + b];
}

// Row of the state buffers holding the state before natural step t.
fn prev_row(t: u32) -> u32 { return select(t, t + 2u, p.reverse == 1u); }

// The recurrent dropout mask of gate block g, batch row b, unit k (1 without).
fn drop_at(g: u32, b: u32, k: u32) -> f32 {
    if (p.rdrop == 0u) { return 1.0; }
    let gg = select(0u, g, p.rdrop > 1u);
    return rmask[(gg * p.batch + b) * p.units + k];
}

// Σ_k s[r·H + k] · U[k, col], s = hsh (h_{t-1}, scaled by the dropout mask of col's gate) or ash
// (which = 1: the reset-before GRU's r∘h_{t-1}, already masked).
fn dot_u(which: u32, r: u32, b: u32, col: u32) -> f32 {
    let h = p.units;
    let gh = gates_of(p.cell) * h;
    var acc = 0.0;
    for (var k = 0u; k < h; k++) {
        var s = ash[r * h + k];
        if (which == 0u) { s = hsh[r * h + k] * drop_at(col / h, b, k); }
        acc += s * w[p.u_off + k * gh + col];
    }
    return acc;
}

@compute @workgroup_size(256)
fn forward(@builtin(local_invocation_index) li: u32, @builtin(workgroup_id) wid: vec3<u32>) {
    let h = p.units;
    let bsz = p.batch;
    let g = gates_of(p.cell);
    let gh = g * h;
    let npairs = p.rows * h;
    // The state before the chunk's first step (zero before the sequence's first: row 0 or T+1).
    let first = select(p.s_begin, p.time - 1u - p.s_begin, p.reverse == 1u);
    for (var q = li; q < npairs; q += WG) {
        let b = wid.x * p.rows + q / h;
        var h0 = 0.0;
        if (b < bsz) { h0 = cache[p.h_off + (prev_row(first) * bsz + b) * h + q % h]; }
        hsh[q] = h0;
        ash[q] = 0.0;
    }
    workgroupBarrier();
    for (var s = p.s_begin; s < p.s_end; s++) {
        let t = select(s, p.time - 1u - s, p.reverse == 1u);
        let ip = prev_row(t);
        var hn: array<f32, 8>;
        if (p.cell == GRU_BEFORE) {
            // z and r first: the candidate reads r∘h_{t-1} of every unit.
            for (var k = 0u; k < MAXP; k++) {
                let q = li + k * WG;
                let r = q / h;
                let b = wid.x * p.rows + r;
                if (q < npairs && b < bsz) {
                    let j = q % h;
                    let xr = (t * bsz + b) * gh;
                    let z = sigmoid(xw[xr + j] + dot_u(0u, r, b, j));
                    let rr = sigmoid(xw[xr + h + j] + dot_u(0u, r, b, h + j));
                    xw[xr + j] = z;
                    xw[xr + h + j] = rr;
                    let rh = rr * hsh[q] * drop_at(2u, b, j);
                    ash[q] = rh;
                    cache[p.aux_off + (t * bsz + b) * h + j] = rh;
                }
            }
            workgroupBarrier();
        }
        for (var k = 0u; k < MAXP; k++) {
            let q = li + k * WG;
            let r = q / h;
            let b = wid.x * p.rows + r;
            if (q < npairs && b < bsz) {
                let j = q % h;
                let xr = (t * bsz + b) * gh;
                let sr = (t * bsz + b) * h + j;        // [T, B, H] index of (t, b, j)
                let hp = hsh[q];
                let m = mask_at(t, b);
                var h_new = 0.0;
                switch p.cell {
                    case 0u: {
                        h_new = activate(xw[xr + j] + dot_u(0u, r, b, j));
                        xw[xr + j] = h_new;
                    }
                    case 1u: {
                        let cp = cache[p.c_off + (ip * bsz + b) * h + j];
                        var pi = 0.0; var pf = 0.0; var po = 0.0;
                        if (p.has_peep == 1u) {
                            pi = w[p.peep_off + j]; pf = w[p.peep_off + h + j]; po = w[p.peep_off + 2u * h + j];
                        }
                        let i_ = sigmoid(xw[xr + j] + dot_u(0u, r, b, j) + pi * cp);
                        let f_ = sigmoid(xw[xr + h + j] + dot_u(0u, r, b, h + j) + pf * cp);
                        let g_ = tanh_(xw[xr + 2u * h + j] + dot_u(0u, r, b, 2u * h + j));
                        let c_new = f_ * cp + i_ * g_;
                        let o_ = sigmoid(xw[xr + 3u * h + j] + dot_u(0u, r, b, 3u * h + j) + po * c_new);
                        let tc = tanh_(c_new);
                        xw[xr + j] = i_;
                        xw[xr + h + j] = f_;
                        xw[xr + 2u * h + j] = g_;
                        xw[xr + 3u * h + j] = o_;
                        cache[p.aux_off + sr] = tc;
                        cache[p.c_off + ((t + 1u) * bsz + b) * h + j] = m * c_new + (1.0 - m) * cp;
                        h_new = o_ * tc;
                    }
                    case 2u: {
                        let rz = dot_u(0u, r, b, j) + w[p.brec_off + j];
                        let rr = dot_u(0u, r, b, h + j) + w[p.brec_off + h + j];
                        let rh = dot_u(0u, r, b, 2u * h + j) + w[p.brec_off + 2u * h + j];
                        let z = sigmoid(xw[xr + j] + rz);
                        let rg = sigmoid(xw[xr + h + j] + rr);
                        let n = tanh_(xw[xr + 2u * h + j] + rg * rh);
                        xw[xr + j] = z;
                        xw[xr + h + j] = rg;
                        xw[xr + 2u * h + j] = n;
                        cache[p.aux_off + sr] = rh;
                        h_new = z * hp + (1.0 - z) * n;
                    }
                    default: {
                        let z = xw[xr + j];
                        let n = tanh_(xw[xr + 2u * h + j] + dot_u(1u, r, b, 2u * h + j));
                        xw[xr + 2u * h + j] = n;
                        h_new = z * hp + (1.0 - z) * n;
                    }
                }
                hn[k] = m * h_new + (1.0 - m) * hp;
                cache[p.h_off + ((t + 1u) * bsz + b) * h + j] = hn[k];
            }
        }
        workgroupBarrier();
        for (var k = 0u; k < MAXP; k++) {
            let q = li + k * WG;
            if (q < npairs) { hsh[q] = hn[k]; }
        }
        workgroupBarrier();
    }
}

// Σ_c d[c] · Uᵀ[c, k] over the gate columns c in [lo, hi) of batch row b (d in `grads` at `at`),
// each times the dropout mask of c's gate when `masked`.
fn dot_ut(at: u32, lo: u32, hi: u32, b: u32, k: u32, masked: bool) -> f32 {
    var acc = 0.0;
    for (var c = lo; c < hi; c++) {
        var v = grads[at + c] * ut[c * p.units + k];
        if (masked) { v *= drop_at(c / p.units, b, k); }
        acc += v;
    }
    return acc;
}

@compute @workgroup_size(256)
fn backward(@builtin(local_invocation_index) li: u32, @builtin(workgroup_id) wid: vec3<u32>) {
    let h = p.units;
    let bsz = p.batch;
    let g = gates_of(p.cell);
    let gh = g * h;
    let npairs = p.rows * h;
    // The gradients carried in from the chunk before (none before the first).
    let carried = p.s_begin > 0u;
    for (var q = li; q < npairs; q += WG) {
        let b = wid.x * p.rows + q / h;
        var d0 = 0.0;
        if (carried && b < bsz) { d0 = cache[p.carry_off + b * h + q % h]; }
        hsh[q] = d0;
        ash[q] = 0.0;
    }
    var dc: array<f32, 8>;          // LSTM: gradient carried to c_{t-1}, per pair
    var direct: array<f32, 8>;      // the part of the gradient into h_{t-1} that skips U
    for (var k = 0u; k < MAXP; k++) {
        let q = li + k * WG;
        let b = wid.x * p.rows + q / h;
        dc[k] = 0.0;
        if (carried && q < npairs && b < bsz) { dc[k] = cache[p.carry_off + (bsz + b) * h + q % h]; }
    }
    workgroupBarrier();
    for (var s = p.s_begin; s < p.s_end; s++) {
        // Reverse processing order: the forward direction from T-1 down, a reversed one from 0 up.
        let t = select(p.time - 1u - s, s, p.reverse == 1u);
        let ip = prev_row(t);
        for (var k = 0u; k < MAXP; k++) {
            let q = li + k * WG;
            let r = q / h;
            let b = wid.x * p.rows + r;
            direct[k] = 0.0;
            if (q < npairs && b < bsz) {
                let j = q % h;
                let xr = (t * bsz + b) * gh;
                let sr = (t * bsz + b) * h + j;
                let m = mask_at(t, b);
                let dh = hsh[q] + dh_out[sr];
                let dhn = m * dh;
                let hp = cache[p.h_off + (ip * bsz + b) * h + j];
                direct[k] = (1.0 - m) * dh;
                switch p.cell {
                    case 0u: {
                        grads[p.dz_off + xr + j] = dhn * activate_grad(xw[xr + j]);
                    }
                    case 1u: {
                        let i_ = xw[xr + j];
                        let f_ = xw[xr + h + j];
                        let g_ = xw[xr + 2u * h + j];
                        let o_ = xw[xr + 3u * h + j];
                        let tc = cache[p.aux_off + sr];
                        let cp = cache[p.c_off + (ip * bsz + b) * h + j];
                        var pi = 0.0; var pf = 0.0; var po = 0.0;
                        if (p.has_peep == 1u) {
                            pi = w[p.peep_off + j]; pf = w[p.peep_off + h + j]; po = w[p.peep_off + 2u * h + j];
                        }
                        let d_o = dhn * tc * o_ * (1.0 - o_);
                        let dct = m * dc[k] + dhn * o_ * (1.0 - tc * tc) + d_o * po;
                        let d_i = dct * g_ * i_ * (1.0 - i_);
                        let d_f = dct * cp * f_ * (1.0 - f_);
                        grads[p.dz_off + xr + j] = d_i;
                        grads[p.dz_off + xr + h + j] = d_f;
                        grads[p.dz_off + xr + 2u * h + j] = dct * i_ * (1.0 - g_ * g_);
                        grads[p.dz_off + xr + 3u * h + j] = d_o;
                        dc[k] = (1.0 - m) * dc[k] + dct * f_ + d_i * pi + d_f * pf;
                        if (p.has_peep == 1u) {
                            let pr = (t * bsz + b) * 3u * h;
                            grads[p.pt_off + pr + j] = d_i * cp;
                            grads[p.pt_off + pr + h + j] = d_f * cp;
                            grads[p.pt_off + pr + 2u * h + j] = d_o * (f_ * cp + i_ * g_);
                        }
                    }
                    case 2u: {
                        let z = xw[xr + j];
                        let rg = xw[xr + h + j];
                        let n = xw[xr + 2u * h + j];
                        let rh = cache[p.aux_off + sr];
                        let dan = dhn * (1.0 - z) * (1.0 - n * n);
                        let daz = dhn * (hp - n) * z * (1.0 - z);
                        let dar = dan * rh * rg * (1.0 - rg);
                        grads[p.dz_off + xr + j] = daz;
                        grads[p.dz_off + xr + h + j] = dar;
                        grads[p.dz_off + xr + 2u * h + j] = dan;
                        grads[p.dr_off + xr + j] = daz;
                        grads[p.dr_off + xr + h + j] = dar;
                        grads[p.dr_off + xr + 2u * h + j] = dan * rg;
                        direct[k] += dhn * z;
                    }
                    default: {
                        let z = xw[xr + j];
                        let n = xw[xr + 2u * h + j];
                        grads[p.dz_off + xr + 2u * h + j] = dhn * (1.0 - z) * (1.0 - n * n);
                        grads[p.dz_off + xr + j] = dhn * (hp - n) * z * (1.0 - z);
                        direct[k] += dhn * z;
                    }
                }
            }
        }
        storageBarrier();
        if (p.cell == GRU_BEFORE) {
            // d(r∘h_{t-1}) = dz_h·U_hᵀ; then dz_r, and its share of the gradient into h_{t-1}.
            for (var k = 0u; k < MAXP; k++) {
                let q = li + k * WG;
                let r = q / h;
                let b = wid.x * p.rows + r;
                if (q < npairs && b < bsz) {
                    let j = q % h;
                    let xr = (t * bsz + b) * gh;
                    let hp = cache[p.h_off + (ip * bsz + b) * h + j];
                    let rg = xw[xr + h + j];
                    // d(r∘hh), hh = h_{t-1}∘drop_h: the mask scales both of its uses.
                    let drh = dot_ut(p.dz_off + xr, 2u * h, 3u * h, b, j, false);
                    let dm = drop_at(2u, b, j);
                    grads[p.dz_off + xr + h + j] = drh * hp * dm * rg * (1.0 - rg);
                    direct[k] += drh * rg * dm;
                }
            }
            storageBarrier();
        }
        var carry: array<f32, 8>;
        for (var k = 0u; k < MAXP; k++) {
            let q = li + k * WG;
            let r = q / h;
            let b = wid.x * p.rows + r;
            carry[k] = 0.0;
            if (q < npairs && b < bsz) {
                let j = q % h;
                let xr = (t * bsz + b) * gh;
                // The recurrent side: dr for the reset-after GRU, dz (its z and r blocks only for
                // the reset-before GRU, whose h block went through r above) for the others.
                var hi = gh;
                if (p.cell == GRU_BEFORE) { hi = 2u * h; }
                var at = p.dz_off + xr;
                if (p.cell == GRU_AFTER) { at = p.dr_off + xr; }
                carry[k] = direct[k] + dot_ut(at, 0u, hi, b, j, true);
            }
        }
        workgroupBarrier();
        for (var k = 0u; k < MAXP; k++) {
            let q = li + k * WG;
            if (q < npairs) { hsh[q] = carry[k]; }
        }
        workgroupBarrier();
    }
    // A chunk before the last: what it carries goes to the next one.
    if (p.s_end < p.time) {
        for (var k = 0u; k < MAXP; k++) {
            let q = li + k * WG;
            let b = wid.x * p.rows + q / h;
            if (q < npairs && b < bsz) {
                cache[p.carry_off + b * h + q % h] = hsh[q];
                cache[p.carry_off + (bsz + b) * h + q % h] = dc[k];
            }
        }
    }
}
