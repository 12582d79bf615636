//! Free-running training on the GPU (`Input::feedback`, see `engine/model/feedback.rs` for the
//! equations): from step `from` on, each step reads the model's own prediction of the step
//! before, so the pass runs time-major across the whole stack, one step at a time — forward:
//! the prediction copied into the input, each layer's input product for the step's rows, the
//! recurrence for that one step (a chunk [t, t+1) of `recurrent.wgsl`), the head for the step;
//! backward from the last step: the next step's input gradient added into this step's
//! prediction gradient, the head's, then each layer's recurrence step (the gradient carried
//! between steps in the cache, as between chunks) and its input gradient. The weight gradients
//! then come for all steps at once, with the layer-major pass's own dispatches. Here the number of
//! dispatches grows with the sequence (about 4 per layer and step each way); without feedback
//! nothing of this runs.

use wgpu::util::DeviceExt;

use super::context::Gpu;
use super::kernels::*;
use super::plan::{apply_mask, matmul, step, uniform, At, DirDropout, Step};

/// One single-direction layer, as the free-running pass needs it.
pub(crate) struct FreeLayer {
    pub in_dim: usize,
    pub gh: usize,
    /// Its input (`[T, B, in]` from `off`) and where its gradient goes (none for the model's
    /// input: the free-running pass writes it into `dx0` itself).
    pub input: At,
    pub input_grad: Option<At>,
    pub xw: wgpu::Buffer,
    pub cache: wgpu::Buffer,
    pub dh_out: wgpu::Buffer,
    pub dgrads: wgpu::Buffer,
    pub ut: wgpu::Buffer,
    pub rec: RecParams,
    pub kernel: usize,
    pub bias: usize,
    pub groups: (u32, u32, u32),
    /// Its dropout masks and scratch (the masks are drawn per sequence: the same at every step).
    pub drop: DirDropout,
    /// The layer-major pass's dispatches that transpose U (before the recurrence backward) and
    /// that add the weight gradients (after it), reused.
    pub before: Vec<Step>,
    pub weights: Vec<Step>,
}

/// The head and the buffers around the layers.
pub(crate) struct FreeHead<'a> {
    pub batch: usize,
    pub time: usize,
    /// Values per step: the model's features and its predictions.
    pub units: usize,
    pub top_out: &'a At,
    pub top_grad: &'a At,
    pub top_dim: usize,
    pub dense_kernel: usize,
    pub dense_bias: usize,
    pub x0: &'a wgpu::Buffer,
    pub dx0: &'a wgpu::Buffer,
    pub logits: &'a wgpu::Buffer,
    pub dlogits: &'a wgpu::Buffer,
    pub mask: &'a wgpu::Buffer,
    pub weights: &'a wgpu::Buffer,
    /// The head's weight gradients (all steps at once), reused.
    pub head_grads: Vec<Step>,
    pub unused: &'a wgpu::Buffer,
    pub unused_w: &'a wgpu::Buffer,
}

/// The forward and backward dispatches of a free-running pass fed back from step `from`.
pub(crate) fn steps(gpu: &Gpu, layers: &[FreeLayer], head: FreeHead, from: usize) -> (Vec<Step>, Vec<Step>) {
    let (b, t, f) = (head.batch, head.time, head.units);
    let w = head.weights;
    let ones = gpu.device.create_buffer_init(&wgpu::util::BufferInitDescriptor {
        label: Some("ones"),
        contents: bytemuck::cast_slice(&[1.0f32; 4]),
        usage: wgpu::BufferUsages::STORAGE,
    });
    let rows = |s: usize, width: usize| (s * b * width) as u32;
    let mut forward = Vec::new();
    for s in 0..t {
        if s >= from {
            forward.push(apply_mask(gpu, (head.logits, (s - 1) * b * f), (&ones, 0), (head.x0, s * b * f), b * f, 1, false));
        }
        for l in layers {
            // x_t·W + b, block by block with each block's input dropout mask when there is one.
            let masked = l.drop.input.as_ref().zip(l.drop.x_drop.as_ref());
            let blocks = if masked.is_some() { l.drop.count } else { 1 };
            let cols = l.gh / blocks;
            let x_at = s * b * l.in_dim;
            for c in 0..blocks {
                let (a, a_off) = match masked {
                    Some((m, xd)) => {
                        let x = (&l.input.buf, l.input.off + x_at);
                        forward.push(apply_mask(gpu, x, (m, c * b * l.in_dim), (xd, x_at), b * l.in_dim, b * l.in_dim, false));
                        (xd, x_at)
                    }
                    None => (&l.input.buf, l.input.off + x_at),
                };
                let p = MatmulParams {
                    m: b as u32,
                    n: cols as u32,
                    k: l.in_dim as u32,
                    flags: BIAS,
                    a_off: a_off as u32,
                    lda: l.in_dim as u32,
                    b_off: (l.kernel + c * cols) as u32,
                    ldb: l.gh as u32,
                    c_off: rows(s, l.gh) + (c * cols) as u32,
                    ldc: l.gh as u32,
                    bias_off: (l.bias + c * cols) as u32,
                    pad: 0,
                };
                forward.push(matmul(gpu, p, a, w, &l.xw));
            }
            let rmask = l.drop.recurrent.as_ref().unwrap_or(head.unused);
            let u = uniform(gpu, &RecParams { s_begin: s as u32, s_end: s as u32 + 1, ..l.rec });
            let binds = [&u, w, &l.xw, head.mask, &l.cache, head.unused, head.unused_w, head.unused, rmask];
            forward.push(step(gpu, &gpu.kernels.rec_forward, &binds, l.groups));
        }
        let p = MatmulParams {
            m: b as u32,
            n: f as u32,
            k: head.top_dim as u32,
            flags: BIAS,
            a_off: head.top_out.off as u32 + rows(s, head.top_dim),
            lda: head.top_dim as u32,
            b_off: head.dense_kernel as u32,
            ldb: f as u32,
            c_off: rows(s, f),
            ldc: f as u32,
            bias_off: head.dense_bias as u32,
            pad: 0,
        };
        forward.push(matmul(gpu, p, &head.top_out.buf, w, head.logits));
    }

    let mut backward: Vec<Step> = layers.iter().flat_map(|l| l.before.iter().cloned()).collect();
    for s in (0..t).rev() {
        // What reached this step's prediction through the next step's input.
        if s + 1 < t && s + 1 >= from {
            backward.push(apply_mask(gpu, (head.dx0, (s + 1) * b * f), (&ones, 0), (head.dlogits, s * b * f), b * f, 1, true));
        }
        let p = MatmulParams {
            m: b as u32,
            n: head.top_dim as u32,
            k: f as u32,
            flags: TRANS_B,
            a_off: rows(s, f),
            lda: f as u32,
            b_off: head.dense_kernel as u32,
            ldb: f as u32,
            c_off: head.top_grad.off as u32 + rows(s, head.top_dim),
            ldc: head.top_dim as u32,
            ..Default::default()
        };
        backward.push(matmul(gpu, p, head.dlogits, w, &head.top_grad.buf));
        for (k, l) in layers.iter().enumerate().rev() {
            // Processing order runs from the last step: step s is chunk [T-1-s, T-s).
            let at = (t - 1 - s) as u32;
            let u = uniform(gpu, &RecParams { s_begin: at, s_end: at + 1, ..l.rec });
            let rmask = l.drop.recurrent.as_ref().unwrap_or(head.unused);
            let binds = [&u, w, &l.xw, head.mask, &l.cache, &l.dh_out, &l.dgrads, &l.ut, rmask];
            backward.push(step(gpu, &gpu.kernels.rec_backward, &binds, l.groups));
            // The step's input gradient: into the layer below, or (a fed-back step) into dx0.
            let dst = match (&l.input_grad, k) {
                (Some(g), _) => Some((&g.buf, g.off)),
                (None, 0) if s >= from => Some((head.dx0, 0)),
                (None, _) => None,
            };
            if let Some((buf, off)) = dst {
                // dx_t = dz_t·Wᵀ; with input dropout Σ_c (dz_c·W_cᵀ) ∘ m_c.
                let masked = l.drop.input.as_ref().zip(l.drop.dx_tmp.as_ref());
                let blocks = if masked.is_some() { l.drop.count } else { 1 };
                let cols = l.gh / blocks;
                let (x_at, at) = (s * b * l.in_dim, off + s * b * l.in_dim);
                for c in 0..blocks {
                    let (out, out_off) = match masked {
                        Some((_, tmp)) => (tmp, x_at),
                        None => (buf, at),
                    };
                    let p = MatmulParams {
                        m: b as u32,
                        n: l.in_dim as u32,
                        k: cols as u32,
                        flags: TRANS_B,
                        a_off: rows(s, l.gh) + (c * cols) as u32,
                        lda: l.gh as u32,
                        b_off: (l.kernel + c * cols) as u32,
                        ldb: l.gh as u32,
                        c_off: out_off as u32,
                        ldc: l.in_dim as u32,
                        ..Default::default()
                    };
                    backward.push(matmul(gpu, p, &l.dgrads, w, out));
                    if let Some((m, tmp)) = masked {
                        let mask = (m, c * b * l.in_dim);
                        backward.push(apply_mask(gpu, (tmp, x_at), mask, (buf, at), b * l.in_dim, b * l.in_dim, c > 0));
                    }
                }
            }
        }
    }
    backward.extend(head.head_grads);
    backward.extend(layers.iter().flat_map(|l| l.weights.iter().cloned()));
    (forward, backward)
}
