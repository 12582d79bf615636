//! Every WGSL shader of the engine (the only `include_str!` of `shaders/`), its pipelines, and the
//! `#[repr(C)]` parameter structs mirrored by each shader's uniform. Built once per device.

use bytemuck::{Pod, Zeroable};

/// How a kernel sees one binding.
#[derive(Clone, Copy)]
enum Use {
    Uniform,
    Read,
    Write,
}

/// One entry point with the bind group layout of its file (explicit, so every entry point of a
/// file takes the same bindings).
pub(crate) struct Kernel {
    pub pipeline: wgpu::ComputePipeline,
    pub layout: wgpu::BindGroupLayout,
    pub name: &'static str,
}

pub(crate) struct Kernels {
    pub matmul: Kernel,
    pub colsum: Kernel,
    pub transpose: Kernel,
    pub rec_forward: Kernel,
    pub rec_backward: Kernel,
    pub merge: Kernel,
    pub split: Kernel,
    pub loss: Kernel,
    pub gather: Kernel,
    pub scatter: Kernel,
    pub sq_sums: Kernel,
    pub finish: Kernel,
    pub update: Kernel,
    pub apply: Kernel,
}

pub(crate) const MATMUL_WGSL: &str = include_str!("../../../shaders/matmul.wgsl");
pub(crate) const RECURRENT_WGSL: &str = include_str!("../../../shaders/recurrent.wgsl");
pub(crate) const MERGE_WGSL: &str = include_str!("../../../shaders/merge.wgsl");
pub(crate) const LOSS_WGSL: &str = include_str!("../../../shaders/loss.wgsl");
pub(crate) const EMBEDDING_WGSL: &str = include_str!("../../../shaders/embedding.wgsl");
pub(crate) const OPTIMIZER_WGSL: &str = include_str!("../../../shaders/optimizer.wgsl");
pub(crate) const DROPOUT_WGSL: &str = include_str!("../../../shaders/dropout.wgsl");

fn layout(device: &wgpu::Device, uses: &[Use]) -> wgpu::BindGroupLayout {
    let entries: Vec<_> = uses
        .iter()
        .enumerate()
        .map(|(i, u)| wgpu::BindGroupLayoutEntry {
            binding: i as u32,
            visibility: wgpu::ShaderStages::COMPUTE,
            ty: match u {
                Use::Uniform => {
                    wgpu::BindingType::Buffer { ty: wgpu::BufferBindingType::Uniform, has_dynamic_offset: false, min_binding_size: None }
                }
                Use::Read | Use::Write => wgpu::BindingType::Buffer {
                    ty: wgpu::BufferBindingType::Storage { read_only: matches!(u, Use::Read) },
                    has_dynamic_offset: false,
                    min_binding_size: None,
                },
            },
            count: None,
        })
        .collect();
    device.create_bind_group_layout(&wgpu::BindGroupLayoutDescriptor { label: None, entries: &entries })
}

fn module(device: &wgpu::Device, name: &str, source: &str) -> wgpu::ShaderModule {
    device.create_shader_module(wgpu::ShaderModuleDescriptor { label: Some(name), source: wgpu::ShaderSource::Wgsl(source.into()) })
}

fn kernel(device: &wgpu::Device, module: &wgpu::ShaderModule, entry: &'static str, layout: &wgpu::BindGroupLayout) -> Kernel {
    let pl = device.create_pipeline_layout(&wgpu::PipelineLayoutDescriptor {
        label: Some(entry),
        bind_group_layouts: &[Some(layout)],
        immediate_size: 0,
    });
    let pipeline = device.create_compute_pipeline(&wgpu::ComputePipelineDescriptor {
        label: Some(entry),
        layout: Some(&pl),
        module,
        entry_point: Some(entry),
        compilation_options: Default::default(),
        cache: None,
    });
    Kernel { pipeline, layout: layout.clone(), name: entry }
}

impl Kernels {
    pub fn new(device: &wgpu::Device) -> Kernels {
        use Use::*;
        let m = module(device, "matmul.wgsl", MATMUL_WGSL);
        let l = layout(device, &[Uniform, Read, Read, Write]);
        let (matmul, colsum, transpose) =
            (kernel(device, &m, "matmul", &l), kernel(device, &m, "colsum", &l), kernel(device, &m, "transpose", &l));
        let m = module(device, "recurrent.wgsl", RECURRENT_WGSL);
        let l = layout(device, &[Uniform, Read, Write, Read, Write, Read, Write, Read, Read]);
        let (rec_forward, rec_backward) = (kernel(device, &m, "forward", &l), kernel(device, &m, "backward", &l));
        let m = module(device, "merge.wgsl", MERGE_WGSL);
        let l = layout(device, &[Uniform, Read, Read, Read, Write, Write, Write]);
        let (merge, split) = (kernel(device, &m, "merge", &l), kernel(device, &m, "split", &l));
        let m = module(device, "loss.wgsl", LOSS_WGSL);
        let l = layout(device, &[Uniform, Read, Read, Read, Write, Write]);
        let loss = kernel(device, &m, "loss", &l);
        let m = module(device, "embedding.wgsl", EMBEDDING_WGSL);
        let l = layout(device, &[Uniform, Read, Read, Write]);
        let (gather, scatter) = (kernel(device, &m, "gather", &l), kernel(device, &m, "scatter", &l));
        let m = module(device, "optimizer.wgsl", OPTIMIZER_WGSL);
        let l = layout(device, &[Uniform, Read, Read, Write, Write, Write, Write, Write, Write]);
        let (sq_sums, finish, update) =
            (kernel(device, &m, "sq_sums", &l), kernel(device, &m, "finish", &l), kernel(device, &m, "update", &l));
        let m = module(device, "dropout.wgsl", DROPOUT_WGSL);
        let l = layout(device, &[Uniform, Read, Read, Write]);
        let apply = kernel(device, &m, "apply", &l);
        Kernels {
            matmul,
            colsum,
            transpose,
            rec_forward,
            rec_backward,
            merge,
            split,
            loss,
            gather,
            scatter,
            sq_sums,
            finish,
            update,
            apply,
        }
    }
}

/// `matmul.wgsl` `Params`.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, Pod, Zeroable)]
pub struct MatmulParams {
    pub m: u32,
    pub n: u32,
    pub k: u32,
    pub flags: u32,
    pub a_off: u32,
    pub lda: u32,
    pub b_off: u32,
    pub ldb: u32,
    pub c_off: u32,
    pub ldc: u32,
    pub bias_off: u32,
    pub pad: u32,
}

pub const TRANS_A: u32 = 1;
pub const TRANS_B: u32 = 2;
pub const ACCUMULATE: u32 = 4;
pub const BIAS: u32 = 8;

/// `recurrent.wgsl` `Rec`.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, Pod, Zeroable)]
pub(crate) struct RecParams {
    pub batch: u32,
    pub time: u32,
    pub units: u32,
    pub rows: u32,
    pub cell: u32,
    pub act: u32,
    pub reverse: u32,
    pub has_mask: u32,
    pub u_off: u32,
    pub brec_off: u32,
    pub peep_off: u32,
    pub has_peep: u32,
    pub h_off: u32,
    pub c_off: u32,
    pub aux_off: u32,
    pub spare: u32,
    pub dz_off: u32,
    pub dr_off: u32,
    pub pt_off: u32,
    /// Recurrent dropout masks: 0 none, 1 shared by the gates, G one per gate.
    pub rdrop: u32,
    /// The chunk of steps this dispatch runs, in processing order (`0..time` unchunked).
    pub s_begin: u32,
    pub s_end: u32,
    /// Where in `cache` the backward pass carries its gradients from one chunk to the next.
    pub carry_off: u32,
    pub pad: u32,
}

/// `merge.wgsl` `Merge`.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, Pod, Zeroable)]
pub(crate) struct MergeParams {
    pub rows: u32,
    pub units: u32,
    pub mode: u32,
    pub has_mask: u32,
    pub f_off: u32,
    pub b_off: u32,
    pub df_off: u32,
    pub db_off: u32,
}

/// `loss.wgsl` `Loss`.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, Pod, Zeroable)]
pub(crate) struct LossParams {
    pub rows: u32,
    pub units: u32,
    pub kind: u32,
    pub pad: u32,
    pub inv: f32,
    pub pad1: [u32; 3],
}

/// `embedding.wgsl` `Embed`.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, Pod, Zeroable)]
pub(crate) struct EmbedParams {
    pub count: u32,
    pub dim: u32,
    pub table_off: u32,
    pub unique: u32,
    pub start_off: u32,
    pub rows_off: u32,
    pub pad: [u32; 2],
}

/// `optimizer.wgsl` `Opt`.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, Pod, Zeroable)]
pub(crate) struct OptParams {
    pub count: u32,
    pub tensors: u32,
    pub kind: u32,
    pub clip: u32,
    pub lr: f32,
    pub alpha: f32,
    pub beta1: f32,
    pub beta2: f32,
    pub epsilon: f32,
    pub rho: f32,
    pub momentum: f32,
    pub clip_value: f32,
    pub nesterov: u32,
    pub centered: u32,
    pub amsgrad: u32,
    pub pad: u32,
}

/// `dropout.wgsl` `Apply`.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, Pod, Zeroable)]
pub(crate) struct ApplyParams {
    pub count: u32,
    pub period: u32,
    pub accumulate: u32,
    pub pad: u32,
    pub x_off: u32,
    pub m_off: u32,
    pub out_off: u32,
    pub pad1: u32,
}
