//! One model's buffers for one batch shape, and the dispatches of a step, built once and replayed
//! every step (wgpu's `repeated_compute` habit): a step only uploads its batch and a few
//! parameters, records the same dispatches, and submits once.
//!
//! Layouts are the CPU engine's, time-major: `[T, B, features]` (row `t·B + b`). The weights,
//! gradients and optimiser slots are one flat buffer each, in the model's parameter order, so a
//! kernel reaches a tensor by its offset (`Params`).

use bytemuck::Pod;
use wgpu::util::DeviceExt;

use super::context::Gpu;
use super::free_running::{self, FreeHead, FreeLayer};
use super::kernels::*;
use crate::engine::cells::{Activation, CellKind};
use crate::engine::model::{InputSpec, LossKind, Merge, Model};
use crate::engine::EngineError;

/// Steps of the recurrence one dispatch runs at most: a longer sequence is cut into chunks, each
/// dispatched and submitted on its own, so that no GPU watchdog (about 2 s on some systems) fires
/// on a long persistent kernel. Sequences up to this long keep one dispatch per direction and one
/// submission per step.
pub const CHUNK_STEPS: usize = 256;

/// One recorded dispatch.
#[derive(Clone)]
pub(crate) struct Step {
    pipeline: wgpu::ComputePipeline,
    bind: wgpu::BindGroup,
    groups: (u32, u32, u32),
    /// The work recorded so far is submitted after this dispatch (a chunk of a long recurrence).
    pub cut: bool,
}

impl Step {
    pub fn record(&self, gpu: &Gpu, pass: &mut wgpu::ComputePass) {
        pass.set_pipeline(&self.pipeline);
        pass.set_bind_group(0, &self.bind, &[]);
        pass.dispatch_workgroups(self.groups.0, self.groups.1, self.groups.2);
        gpu.count_dispatch();
    }
}

/// The buffers a model keeps for its whole run, whatever the batch shape: weights, gradients,
/// optimiser slots, the clipping table, the step's statistics.
pub(crate) struct Shared {
    /// `[P]`
    pub weights: wgpu::Buffer,
    /// `[P]` written by every backward pass
    pub grads: wgpu::Buffer,
    /// `[P]` each, or 4 bytes when the optimiser has no such slot
    pub m: wgpu::Buffer,
    pub v: wgpu::Buffer,
    pub a: wgpu::Buffer,
    /// `[K, 2]` u32 (offset, length) of every weight tensor
    pub tensors: wgpu::Buffer,
    pub tensor_count: u32,
    /// `[2K]` squared sums, then clipping factors
    pub sums: wgpu::Buffer,
    /// `[4]` loss, gradient norm, skipped (1.0 when the update was skipped), spare
    pub stats: wgpu::Buffer,
    /// `OptParams`, written every step
    pub opt: wgpu::Buffer,
}

/// A storage buffer of `floats` values, or, before anything is allocated, why the adapter cannot
/// hold it (each buffer must fit its limits on one binding and one buffer).
pub(crate) fn storage(gpu: &Gpu, label: &str, floats: usize) -> Result<wgpu::Buffer, EngineError> {
    let bytes = (floats.max(4) * 4) as u64;
    let limits = gpu.device.limits();
    let most = limits.max_storage_buffer_binding_size.min(limits.max_buffer_size);
    if bytes > most {
        let mb = |b: u64| b as f64 / (1024.0 * 1024.0);
        return Err(EngineError::Gpu(format!(
            "this model needs {:.0} MB in one buffer ({label}), and this GPU allows {:.0} MB: use a smaller batch, shorter sequences, fewer units or a smaller vocabulary, or the CPU engine",
            mb(bytes),
            mb(most)
        )));
    }
    Ok(gpu.device.create_buffer(&wgpu::BufferDescriptor {
        label: Some(label),
        size: bytes,
        usage: wgpu::BufferUsages::STORAGE | wgpu::BufferUsages::COPY_DST | wgpu::BufferUsages::COPY_SRC,
        mapped_at_creation: false,
    }))
}

pub(crate) fn uniform<T: Pod>(gpu: &Gpu, value: &T) -> wgpu::Buffer {
    gpu.device.create_buffer_init(&wgpu::util::BufferInitDescriptor {
        label: Some("params"),
        contents: bytemuck::bytes_of(value),
        usage: wgpu::BufferUsages::UNIFORM | wgpu::BufferUsages::COPY_DST,
    })
}

fn bind(gpu: &Gpu, k: &Kernel, buffers: &[&wgpu::Buffer]) -> wgpu::BindGroup {
    let entries: Vec<_> =
        buffers.iter().enumerate().map(|(i, b)| wgpu::BindGroupEntry { binding: i as u32, resource: b.as_entire_binding() }).collect();
    gpu.device.create_bind_group(&wgpu::BindGroupDescriptor { label: Some(k.name), layout: &k.layout, entries: &entries })
}

pub(super) fn step(gpu: &Gpu, k: &Kernel, buffers: &[&wgpu::Buffer], groups: (u32, u32, u32)) -> Step {
    Step { pipeline: k.pipeline.clone(), bind: bind(gpu, k, buffers), groups, cut: false }
}

/// The chunks `[s_begin, s_end)` of `time` steps, at most `chunk` long.
fn chunks(time: usize, chunk: usize) -> Vec<(usize, usize)> {
    let chunk = chunk.max(1);
    (0..time.div_ceil(chunk)).map(|k| (k * chunk, ((k + 1) * chunk).min(time))).collect()
}

/// The recurrence kernel `k` of one direction (its parameters `rec`, its bindings but the first,
/// the parameters, in `buffers`), a dispatch per chunk of `chunk` steps (each followed by a
/// submission when there are several).
fn recurrence(gpu: &Gpu, k: &Kernel, rec: &RecParams, chunk: usize, buffers: &[&wgpu::Buffer], groups: (u32, u32, u32)) -> Vec<Step> {
    let parts = chunks(rec.time as usize, chunk);
    let cut = parts.len() > 1;
    parts
        .into_iter()
        .map(|(s0, s1)| {
            let u = uniform(gpu, &RecParams { s_begin: s0 as u32, s_end: s1 as u32, ..*rec });
            let mut all = vec![&u];
            all.extend_from_slice(buffers);
            Step { cut, ..step(gpu, k, &all, groups) }
        })
        .collect()
}

/// Workgroups for `n` invocations of `size` threads, spread over x then y (at most 65,535 each;
/// the shaders index `gid.x + gid.y·65535·size`).
fn grid(n: usize, size: usize) -> (u32, u32, u32) {
    let groups = n.div_ceil(size).max(1);
    let x = groups.min(65535);
    (x as u32, groups.div_ceil(65535) as u32, 1)
}

/// `C (+)= op(A)·op(B) (+ bias)` (see `matmul.wgsl`).
pub(super) fn matmul(gpu: &Gpu, p: MatmulParams, a: &wgpu::Buffer, b: &wgpu::Buffer, c: &wgpu::Buffer) -> Step {
    let u = uniform(gpu, &p);
    step(gpu, &gpu.kernels.matmul, &[&u, a, b, c], ((p.n as usize).div_ceil(64) as u32, (p.m as usize).div_ceil(64) as u32, 1))
}

/// A buffer, a float offset into it and a row stride.
type Operand<'a> = (&'a wgpu::Buffer, usize, usize);

/// A weight's gradient from its input rows and its output gradients: `C += Aᵀ·B`, with A
/// `[k, m]`, B `[k, n]` and C `[m, n]` (`(m, n, k)` first).
fn weight_grad(gpu: &Gpu, (m, n, k): (usize, usize, usize), a: Operand, b: Operand, c: Operand) -> Step {
    let p = MatmulParams {
        m: m as u32,
        n: n as u32,
        k: k as u32,
        flags: TRANS_A | ACCUMULATE,
        a_off: a.1 as u32,
        lda: a.2 as u32,
        b_off: b.1 as u32,
        ldb: b.2 as u32,
        c_off: c.1 as u32,
        ldc: c.2 as u32,
        ..Default::default()
    };
    matmul(gpu, p, a.0, b.0, c.0)
}

/// `C[c_off..+n] (+)= Σ_{i<m} A[a_off + i·lda ..+n]`.
#[allow(clippy::too_many_arguments)]
fn colsum(gpu: &Gpu, m: usize, n: usize, a: &wgpu::Buffer, a_off: usize, lda: usize, c: &wgpu::Buffer, c_off: usize, acc: bool) -> Step {
    let p = MatmulParams {
        m: m as u32,
        n: n as u32,
        a_off: a_off as u32,
        lda: lda as u32,
        c_off: c_off as u32,
        flags: if acc { ACCUMULATE } else { 0 },
        ..Default::default()
    };
    let u = uniform(gpu, &p);
    step(gpu, &gpu.kernels.colsum, &[&u, a, a, c], (n.div_ceil(64) as u32, 1, 1))
}

/// Where a tensor lives: a buffer and a float offset.
#[derive(Clone)]
pub(crate) struct At {
    pub buf: wgpu::Buffer,
    pub off: usize,
}

/// The weights of one direction of one layer, as offsets into the flat buffers.
struct DirOffsets {
    kernel: usize,
    recurrent: usize,
    bias: usize,
    peephole: Option<usize>,
}

fn offset(model: &Model, name: &str) -> usize {
    model.params.info(name).unwrap_or_else(|| panic!("the model names its weights as Model::zeroed does: {name}")).at.offset
}

/// A direction's buffers.
struct Dir {
    /// `[T, B, G·H]` x·W + b, then the activated gates
    xw: wgpu::Buffer,
    /// h, c, aux (see `recurrent.wgsl`)
    cache: wgpu::Buffer,
    /// `[T, B, H]` gradient reaching the outputs
    dh_out: wgpu::Buffer,
    /// `[G·H, H]`
    ut: wgpu::Buffer,
    /// dz, dr, peephole terms
    dgrads: wgpu::Buffer,
    rec: RecParams,
    w: DirOffsets,
    drop: DirDropout,
}

/// One direction's dropout: the masks (`[count, B, input]`, `[count, B, H]`; uploaded every step,
/// ones when not training) and scratch for the masked copies.
#[derive(Clone)]
pub(crate) struct DirDropout {
    /// Masks per kind (1, or G with recurrent dropout on an LSTM or GRU).
    pub count: usize,
    pub input: Option<wgpu::Buffer>,
    pub recurrent: Option<wgpu::Buffer>,
    /// `[T, B, input]` x ∘ m, then the gradient before its mask; `[T, B, H]` h_{t-1} ∘ m.
    pub x_drop: Option<wgpu::Buffer>,
    pub dx_tmp: Option<wgpu::Buffer>,
    h_drop: Option<wgpu::Buffer>,
}

/// `out[out_off + i] (+)= x[x_off + i] · m[m_off + i mod period]` for `count` values.
pub(super) fn apply_mask(
    gpu: &Gpu,
    x: (&wgpu::Buffer, usize),
    m: (&wgpu::Buffer, usize),
    out: (&wgpu::Buffer, usize),
    count: usize,
    period: usize,
    acc: bool,
) -> Step {
    let p = ApplyParams {
        count: count as u32,
        period: period as u32,
        accumulate: acc as u32,
        x_off: x.1 as u32,
        m_off: m.1 as u32,
        out_off: out.1 as u32,
        ..Default::default()
    };
    let u = uniform(gpu, &p);
    step(gpu, &gpu.kernels.apply, &[&u, x.0, m.0, out.0], grid(count, 256))
}

/// A step's batch and its buffers, and the dispatches that run it.
pub(crate) struct Plan {
    pub batch: usize,
    pub time: usize,
    /// The first step fed back its prediction (free-running), if any.
    pub feedback: Option<usize>,
    /// Rows of the Dense head: `T·B` with `return_sequences`, else `B`.
    pub rows: usize,
    /// `[T, B, F]` the input values (or the gathered embeddings)
    pub x0: wgpu::Buffer,
    /// `[T·B]` u32 token ids, time-major
    pub tokens: wgpu::Buffer,
    /// u32: distinct ids `[T·B]` | starts `[T·B + 1]` | rows `[T·B]` (`embedding.wgsl`)
    pub csr: wgpu::Buffer,
    /// `[T, B]` 1.0 real step, 0.0 padding (all 1 without a mask)
    pub mask: wgpu::Buffer,
    /// `[rows, units]` targets (class ids as u32 bits for cross-entropy)
    pub targets: wgpu::Buffer,
    /// `[rows]` each output row's weight in the loss
    pub loss_weights: wgpu::Buffer,
    /// `[rows, units]` the Dense head's outputs
    pub logits: wgpu::Buffer,
    pub loss_params: wgpu::Buffer,
    pub scatter_params: wgpu::Buffer,
    /// The scatter's parameters but the count of distinct tokens (set every step).
    pub scatter: Option<EmbedParams>,
    /// Every direction's dropout buffers, layer by layer (empty without dropout).
    pub dropout: Vec<DirDropout>,
    pub forward: Vec<Step>,
    pub loss: Vec<Step>,
    pub backward: Vec<Step>,
    pub update: Vec<Step>,
}

fn cell_code(cell: CellKind) -> (u32, u32) {
    match cell {
        CellKind::SimpleRnn { activation } => (
            0,
            match activation {
                Activation::Tanh => 0,
                Activation::Relu => 1,
                Activation::LeakyRelu => 2,
                Activation::Elu => 3,
                Activation::Linear => 4,
            },
        ),
        CellKind::Lstm { .. } => (1, 0),
        CellKind::Gru { reset_after: true } => (2, 0),
        CellKind::Gru { reset_after: false } => (3, 0),
    }
}

impl Plan {
    /// Builds the buffers and dispatches of `model` for batches of `batch` sequences of `time` steps,
    /// the recurrences in chunks of at most `chunk` steps ([`CHUNK_STEPS`]); with `feedback`, the
    /// steps from that one on read the model's predictions (`free_running.rs`).
    pub fn new(
        gpu: &Gpu,
        model: &Model,
        shared: &Shared,
        (batch, time, feedback): (usize, usize, Option<usize>),
        chunk: usize,
    ) -> Result<Plan, EngineError> {
        let spec = &model.spec;
        let (b, t) = (batch, time);
        let tb = t * b;
        let n = spec.layers.len();
        let top_seq = spec.return_sequences;
        let rows = if top_seq { tb } else { b };
        let units = spec.dense_units;
        let in_dim = spec.layer_input_dim(0);
        let x0 = storage(gpu, "x0", tb * in_dim)?;
        let dx0 = storage(gpu, "dx0", tb * in_dim)?;
        let tokens = storage(gpu, "tokens", tb)?;
        let csr = storage(gpu, "csr", 3 * tb + 1)?;
        let mask = storage(gpu, "mask", tb)?;
        let targets = storage(gpu, "targets", rows * units)?;
        let loss_weights = storage(gpu, "loss weights", rows)?;
        let logits = storage(gpu, "logits", rows * units)?;
        let dlogits = storage(gpu, "dlogits", rows * units)?;
        let dummy_r = storage(gpu, "unused", 4)?;
        let dummy_w = storage(gpu, "unused", 4)?;
        let dummy_w2 = storage(gpu, "unused", 4)?;
        let w = &shared.weights;
        let g = &shared.grads;
        let mut forward = Vec::new();
        let mut backward_layers: Vec<Vec<Step>> = Vec::new();

        let mut embed = None;
        if let InputSpec::Tokens { dim, .. } = spec.input {
            let table = offset(model, "embedding.embeddings");
            let p = EmbedParams { count: tb as u32, dim: dim as u32, table_off: table as u32, ..Default::default() };
            let u = uniform(gpu, &p);
            forward.push(step(gpu, &gpu.kernels.gather, &[&u, &tokens, w, &x0], grid(tb * dim, 64)));
            embed = Some(p);
        }

        // The input of layer k and where its gradient goes (none for values: nothing reads it).
        // After the loop: the top layer's output and its gradient, which the Dense head reads and writes.
        let mut input = At { buf: x0.clone(), off: 0 };
        let mut input_grad: Option<At> = embed.is_some().then(|| At { buf: dx0.clone(), off: 0 });
        let mut splits: Vec<Option<Step>> = Vec::new();
        let mut dropout = Vec::new();
        let mut free_layers: Vec<FreeLayer> = Vec::new();
        for (k, layer) in spec.layers.iter().enumerate() {
            let h = layer.units;
            let cell = layer.cell;
            let gh = cell.gates() * h;
            let (code, act) = cell_code(cell);
            let in_dim = spec.layer_input_dim(k);
            let seq = k + 1 < n || top_seq;
            let names: &[&str] = if layer.bidirectional.is_some() { &[".forward", ".backward"] } else { &[""] };
            let rows_per_group = (256 / h).max(1);
            let mut dirs = Vec::new();
            for (d, dn) in names.iter().enumerate() {
                let wo = DirOffsets {
                    kernel: offset(model, &format!("rnn{k}{dn}.kernel")),
                    recurrent: offset(model, &format!("rnn{k}{dn}.recurrent_kernel")),
                    bias: offset(model, &format!("rnn{k}{dn}.bias")),
                    peephole: cell.has_peepholes().then(|| offset(model, &format!("rnn{k}{dn}.peephole_weights"))),
                };
                let state = (t + 2) * b * h;
                let c_len = if cell.has_cell_state() { state } else { 0 };
                let (h_off, c_off) = (0, state);
                let aux_off = c_off + c_len;
                // h, c, aux, and the backward pass's carry between chunks.
                let carry_off = aux_off + tb * h;
                let cache = storage(gpu, "cache", carry_off + 2 * b * h)?;
                let dr_len = if code == 2 { tb * gh } else { 0 };
                let dgrads = storage(gpu, "dgrads", tb * gh + dr_len + if wo.peephole.is_some() { tb * 3 * h } else { 0 })?;
                let rec = RecParams {
                    batch: b as u32,
                    time: t as u32,
                    units: h as u32,
                    rows: rows_per_group as u32,
                    cell: code,
                    act,
                    reverse: d as u32,
                    has_mask: 1,
                    u_off: wo.recurrent as u32,
                    brec_off: (wo.bias + gh) as u32,
                    peep_off: wo.peephole.unwrap_or(0) as u32,
                    has_peep: wo.peephole.is_some() as u32,
                    h_off: h_off as u32,
                    c_off: c_off as u32,
                    aux_off: aux_off as u32,
                    spare: 0,
                    dz_off: 0,
                    dr_off: if code == 2 { (tb * gh) as u32 } else { 0 },
                    pt_off: (tb * gh + dr_len) as u32,
                    rdrop: 0,
                    s_begin: 0,
                    s_end: t as u32,
                    carry_off: carry_off as u32,
                    pad: 0,
                };
                let count = cell.dropout_mask_count(layer.recurrent_dropout > 0.0);
                let (has_in, has_rec) = (layer.dropout > 0.0, layer.recurrent_dropout > 0.0);
                let drop = DirDropout {
                    count,
                    input: if has_in { Some(storage(gpu, "input dropout", count * b * in_dim)?) } else { None },
                    recurrent: if has_rec { Some(storage(gpu, "recurrent dropout", count * b * h)?) } else { None },
                    x_drop: if has_in { Some(storage(gpu, "x dropped", tb * in_dim)?) } else { None },
                    dx_tmp: if has_in { Some(storage(gpu, "dx before its mask", tb * in_dim)?) } else { None },
                    h_drop: if has_rec { Some(storage(gpu, "h dropped", tb * h)?) } else { None },
                };
                let rec = RecParams { rdrop: if has_rec { count as u32 } else { 0 }, ..rec };
                let dir = Dir {
                    xw: storage(gpu, "xw", tb * gh)?,
                    cache,
                    dh_out: storage(gpu, "dh_out", tb * h)?,
                    ut: storage(gpu, "ut", gh * h)?,
                    dgrads,
                    rec,
                    w: wo,
                    drop,
                };
                if has_in || has_rec {
                    dropout.push(dir.drop.clone());
                }
                // Forward: the input side for every step at once (block by block, each with its
                // dropout mask, when there is one), then the recurrence.
                let blocks = if has_in { count } else { 1 };
                let cols = gh / blocks;
                for c in 0..blocks {
                    let (a, a_off) = match (&dir.drop.input, &dir.drop.x_drop) {
                        (Some(m), Some(xd)) => {
                            forward.push(apply_mask(
                                gpu,
                                (&input.buf, input.off),
                                (m, c * b * in_dim),
                                (xd, 0),
                                tb * in_dim,
                                b * in_dim,
                                false,
                            ));
                            (xd.clone(), 0)
                        }
                        _ => (input.buf.clone(), input.off),
                    };
                    forward.push(matmul(
                        gpu,
                        MatmulParams {
                            m: tb as u32,
                            n: cols as u32,
                            k: in_dim as u32,
                            flags: BIAS,
                            a_off: a_off as u32,
                            lda: in_dim as u32,
                            b_off: (dir.w.kernel + c * cols) as u32,
                            ldb: gh as u32,
                            c_off: (c * cols) as u32,
                            ldc: gh as u32,
                            bias_off: (dir.w.bias + c * cols) as u32,
                            pad: 0,
                        },
                        &a,
                        w,
                        &dir.xw,
                    ));
                }
                let rmask = dir.drop.recurrent.as_ref().unwrap_or(&dummy_r);
                forward.extend(recurrence(
                    gpu,
                    &gpu.kernels.rec_forward,
                    &dir.rec,
                    chunk,
                    &[w, &dir.xw, &mask, &dir.cache, &dummy_r, &dummy_w, &dummy_r, rmask],
                    (b.div_ceil(rows_per_group) as u32, 1, 1),
                ));
                dirs.push(dir);
            }
            // The layer's output: a direction's states in place, or both merged.
            let (out, out_grad, split) = match layer.bidirectional {
                None => {
                    let d = &dirs[0];
                    let (o, gd) = if seq { (b * h, 0) } else { (t * b * h, (t - 1) * b * h) };
                    (At { buf: d.cache.clone(), off: o }, At { buf: d.dh_out.clone(), off: gd }, None)
                }
                Some(merge) => {
                    let width = layer.output_dim();
                    let out_rows = if seq { tb } else { b };
                    let out = storage(gpu, "layer out", out_rows * width)?;
                    let d_out = storage(gpu, "layer d_out", out_rows * width)?;
                    let mode = match merge {
                        Merge::Concat => 0,
                        Merge::Sum => 1,
                        Merge::Ave => 2,
                        Merge::Mul => 3,
                    };
                    let p = MergeParams {
                        rows: out_rows as u32,
                        units: h as u32,
                        mode,
                        has_mask: seq as u32,
                        f_off: if seq { b * h } else { t * b * h } as u32,
                        b_off: (b * h) as u32,
                        df_off: if seq { 0 } else { (t - 1) * b * h } as u32,
                        db_off: 0,
                    };
                    let u = uniform(gpu, &p);
                    let (f, bk) = (&dirs[0], &dirs[1]);
                    forward.push(step(
                        gpu,
                        &gpu.kernels.merge,
                        &[&u, &f.cache, &bk.cache, &mask, &out, &dummy_w, &dummy_w2],
                        grid(out_rows * width, 256),
                    ));
                    let split = step(
                        gpu,
                        &gpu.kernels.split,
                        &[&u, &f.cache, &bk.cache, &mask, &d_out, &f.dh_out, &bk.dh_out],
                        grid(out_rows * h, 256),
                    );
                    (At { buf: out, off: 0 }, At { buf: d_out, off: 0 }, Some(split))
                }
            };
            // Backward of this layer (recorded now, run top-down later).
            let mut bw = Vec::new();
            for (d, dir) in dirs.iter().enumerate() {
                let (gh, h) = (gh as u32, h as u32);
                let tp = MatmulParams { m: h, n: gh, lda: gh, a_off: dir.w.recurrent as u32, ldc: h, ..Default::default() };
                let u = uniform(gpu, &tp);
                let first = bw.len();
                bw.push(step(gpu, &gpu.kernels.transpose, &[&u, w, w, &dir.ut], (gh.div_ceil(16), h.div_ceil(16), 1)));
                let transposed = bw.len();
                bw.extend(recurrence(
                    gpu,
                    &gpu.kernels.rec_backward,
                    &dir.rec,
                    chunk,
                    &[w, &dir.xw, &mask, &dir.cache, &dir.dh_out, &dir.dgrads, &dir.ut, dir.drop.recurrent.as_ref().unwrap_or(&dummy_r)],
                    (b.div_ceil(rows_per_group) as u32, 1, 1),
                ));
                let recurred = bw.len();
                let tbu = tb as u32;
                // dW += Xᵀ·dz
                let (ghu, hu) = (gh as usize, h as usize);
                match (&dir.drop.input, &dir.drop.x_drop) {
                    (Some(m), Some(xd)) => {
                        // dW += (x ∘ m_c)ᵀ·dz, block by block.
                        let cols = ghu / dir.drop.count;
                        for c in 0..dir.drop.count {
                            bw.push(apply_mask(gpu, (&input.buf, input.off), (m, c * b * in_dim), (xd, 0), tb * in_dim, b * in_dim, false));
                            bw.push(weight_grad(
                                gpu,
                                (in_dim, cols, tb),
                                (xd, 0, in_dim),
                                (&dir.dgrads, c * cols, ghu),
                                (g, dir.w.kernel + c * cols, ghu),
                            ));
                        }
                    }
                    _ => bw.push(weight_grad(
                        gpu,
                        (in_dim, ghu, tb),
                        (&input.buf, input.off, in_dim),
                        (&dir.dgrads, 0, ghu),
                        (g, dir.w.kernel, ghu),
                    )),
                }
                bw.push(colsum(gpu, tb, gh as usize, &dir.dgrads, 0, gh as usize, g, dir.w.bias, true));
                if code == 2 {
                    bw.push(colsum(
                        gpu,
                        tb,
                        gh as usize,
                        &dir.dgrads,
                        dir.rec.dr_off as usize,
                        gh as usize,
                        g,
                        dir.w.bias + gh as usize,
                        true,
                    ));
                }
                // dU += h_{t-1}ᵀ·dr (the state before step t: row t, or t+2 reversed)
                let prev = if d == 0 { 0 } else { 2 * b * h as usize };
                let rec_cols = if code == 3 { 2 * h } else { gh };
                let dr = dir.rec.dr_off as usize;
                match (&dir.drop.recurrent, &dir.drop.h_drop) {
                    (Some(m), Some(hd)) => {
                        // dU_g += (h_{t-1} ∘ m_g)ᵀ·dr_g, for each mask's gate blocks (the
                        // reset-before GRU's h block went through r∘hh, masked already).
                        let per = ghu / dir.drop.count;
                        let mut from = 0;
                        for c in 0..dir.drop.count {
                            let to = (from + per).min(rec_cols as usize);
                            if to > from {
                                bw.push(apply_mask(gpu, (&dir.cache, prev), (m, c * b * hu), (hd, 0), tb * hu, b * hu, false));
                                let (src, dst) = ((&dir.dgrads, dr + from, ghu), (g, dir.w.recurrent + from, ghu));
                                bw.push(weight_grad(gpu, (hu, to - from, tb), (hd, 0, hu), src, dst));
                            }
                            from = to;
                        }
                    }
                    _ => bw.push(weight_grad(
                        gpu,
                        (hu, rec_cols as usize, tb),
                        (&dir.cache, prev, hu),
                        (&dir.dgrads, dr, ghu),
                        (g, dir.w.recurrent, ghu),
                    )),
                }
                if code == 3 {
                    // dU_h += (r∘h_{t-1})ᵀ·dz_h
                    let aux = dir.rec.aux_off as usize;
                    bw.push(weight_grad(
                        gpu,
                        (hu, hu, tb),
                        (&dir.cache, aux, hu),
                        (&dir.dgrads, 2 * hu, ghu),
                        (g, dir.w.recurrent + 2 * hu, ghu),
                    ));
                }
                if let Some(pp) = dir.w.peephole {
                    bw.push(colsum(gpu, tb, 3 * h as usize, &dir.dgrads, dir.rec.pt_off as usize, 3 * h as usize, g, pp, true));
                }
                if names.len() == 1 {
                    free_layers.push(FreeLayer {
                        in_dim,
                        gh: ghu,
                        input: At { buf: input.buf.clone(), off: input.off },
                        input_grad: input_grad.as_ref().map(|g| At { buf: g.buf.clone(), off: g.off }),
                        xw: dir.xw.clone(),
                        cache: dir.cache.clone(),
                        dh_out: dir.dh_out.clone(),
                        dgrads: dir.dgrads.clone(),
                        ut: dir.ut.clone(),
                        rec: dir.rec,
                        kernel: dir.w.kernel,
                        bias: dir.w.bias,
                        groups: (b.div_ceil(rows_per_group) as u32, 1, 1),
                        drop: dir.drop.clone(),
                        before: bw[first..transposed].to_vec(),
                        weights: bw[recurred..].to_vec(),
                    });
                }
                // dX (+)= dz·Wᵀ; with input dropout (dz_c·W_cᵀ) ∘ m_c for each mask c.
                if let Some(dst) = &input_grad {
                    let masked = dir.drop.input.as_ref().zip(dir.drop.dx_tmp.as_ref());
                    let blocks = if masked.is_some() { dir.drop.count } else { 1 };
                    let cols = gh / blocks as u32;
                    for c in 0..blocks {
                        let first = d == 0 && c == 0;
                        let (out, out_off, flags) = match masked {
                            Some((_, tmp)) => (tmp, 0, TRANS_B),
                            None => (&dst.buf, dst.off, TRANS_B | if first { 0 } else { ACCUMULATE }),
                        };
                        let p = MatmulParams {
                            m: tbu,
                            n: in_dim as u32,
                            k: cols,
                            flags,
                            a_off: c as u32 * cols,
                            lda: gh,
                            b_off: dir.w.kernel as u32 + c as u32 * cols,
                            ldb: gh,
                            c_off: out_off as u32,
                            ldc: in_dim as u32,
                            ..Default::default()
                        };
                        bw.push(matmul(gpu, p, &dir.dgrads, w, out));
                        if let Some((m, tmp)) = masked {
                            bw.push(apply_mask(gpu, (tmp, 0), (m, c * b * in_dim), (&dst.buf, dst.off), tb * in_dim, b * in_dim, !first));
                        }
                    }
                }
            }
            backward_layers.push(bw);
            splits.push(split);
            // The layer above (or the Dense head) reads this output and writes its gradient into
            // this layer's dh_out (one direction) or d_out (two, then split).
            input = out;
            input_grad = Some(out_grad);
        }
        let (top_out, top_grad) = (input, input_grad.expect("validated: at least one layer"));

        // Dense head and loss.
        let top_dim = spec.layers[n - 1].output_dim();
        let dk = offset(model, "dense.kernel");
        let db = offset(model, "dense.bias");
        forward.push(matmul(
            gpu,
            MatmulParams {
                m: rows as u32,
                n: units as u32,
                k: top_dim as u32,
                flags: BIAS,
                a_off: top_out.off as u32,
                lda: top_dim as u32,
                b_off: dk as u32,
                ldb: units as u32,
                c_off: 0,
                ldc: units as u32,
                bias_off: db as u32,
                pad: 0,
            },
            &top_out.buf,
            w,
            &logits,
        ));
        let loss_params = uniform(
            gpu,
            &LossParams {
                rows: rows as u32,
                units: units as u32,
                kind: (spec.loss == LossKind::SparseCategoricalCrossentropy) as u32,
                ..Default::default()
            },
        );
        let loss =
            vec![step(gpu, &gpu.kernels.loss, &[&loss_params, &logits, &targets, &loss_weights, &dlogits, &shared.stats], (1, 1, 1))];

        let mut backward = Vec::new();
        backward.push(weight_grad(gpu, (top_dim, units, rows), (&top_out.buf, top_out.off, top_dim), (&dlogits, 0, units), (g, dk, units)));
        backward.push(colsum(gpu, rows, units, &dlogits, 0, units, g, db, true));
        backward.push(matmul(
            gpu,
            MatmulParams {
                m: rows as u32,
                n: top_dim as u32,
                k: units as u32,
                flags: TRANS_B,
                a_off: 0,
                lda: units as u32,
                b_off: dk as u32,
                ldb: units as u32,
                c_off: top_grad.off as u32,
                ldc: top_dim as u32,
                ..Default::default()
            },
            &dlogits,
            w,
            &top_grad.buf,
        ));
        for (bw, split) in backward_layers.into_iter().zip(splits).rev() {
            backward.extend(split);
            backward.extend(bw);
        }
        let scatter_params = uniform(gpu, &EmbedParams::default());
        let scatter = embed.map(|mut p| {
            p.start_off = tb as u32;
            p.rows_off = (2 * tb + 1) as u32;
            // One workgroup per distinct token: at most one per row.
            backward.push(step(gpu, &gpu.kernels.scatter, &[&scatter_params, &csr, &dx0, g], grid(tb, 1)));
            p
        });

        if let Some(from) = feedback {
            let head = FreeHead {
                batch: b,
                time: t,
                units,
                top_out: &top_out,
                top_grad: &top_grad,
                top_dim,
                dense_kernel: dk,
                dense_bias: db,
                x0: &x0,
                dx0: &dx0,
                logits: &logits,
                dlogits: &dlogits,
                mask: &mask,
                weights: w,
                // The head's weight gradient and bias (the layer-major pass's first two).
                head_grads: backward[..2].to_vec(),
                unused: &dummy_r,
                unused_w: &dummy_w,
            };
            (forward, backward) = free_running::steps(gpu, &free_layers, head, from);
        }
        let p_count = model.params.len();
        let update = vec![
            step(
                gpu,
                &gpu.kernels.sq_sums,
                &[&shared.opt, g, &shared.tensors, &shared.sums, &shared.stats, w, &shared.m, &shared.v, &shared.a],
                (shared.tensor_count, 1, 1),
            ),
            step(
                gpu,
                &gpu.kernels.finish,
                &[&shared.opt, g, &shared.tensors, &shared.sums, &shared.stats, w, &shared.m, &shared.v, &shared.a],
                (1, 1, 1),
            ),
            step(
                gpu,
                &gpu.kernels.update,
                &[&shared.opt, g, &shared.tensors, &shared.sums, &shared.stats, w, &shared.m, &shared.v, &shared.a],
                grid(p_count, 256),
            ),
        ];
        Ok(Plan {
            batch,
            time,
            feedback,
            rows,
            x0,
            tokens,
            csr,
            mask,
            targets,
            loss_weights,
            logits,
            loss_params,
            scatter_params,
            scatter,
            dropout,
            forward,
            loss,
            backward,
            update,
        })
    }
}

/// One product `C (+)= op(A)·op(B) (+ bias)` on its own, for the kernel's test against
/// [`crate::engine::cpu::reference`]: `a`, `b` (holding the bias at `p.bias_off`) and `c` as given,
/// `c` returned.
#[cfg(not(target_arch = "wasm32"))]
pub fn run_matmul(p: MatmulParams, a: &[f32], b: &[f32], c: &[f32]) -> Result<Vec<f32>, EngineError> {
    let gpu = Gpu::get().map_err(EngineError::Gpu)?;
    let upload = |label: &str, v: &[f32]| -> Result<wgpu::Buffer, EngineError> {
        let buf = storage(&gpu, label, v.len())?;
        gpu.queue.write_buffer(&buf, 0, bytemuck::cast_slice(v));
        Ok(buf)
    };
    let (ab, bb, cb) = (upload("a", a)?, upload("b", b)?, upload("c", c)?);
    let s = matmul(&gpu, p, &ab, &bb, &cb);
    let mut enc = gpu.device.create_command_encoder(&Default::default());
    {
        let mut pass = enc.begin_compute_pass(&Default::default());
        s.record(&gpu, &mut pass);
    }
    gpu.submit(enc);
    gpu.read(&cb, 0, c.len())
}
