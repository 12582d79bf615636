//! The adapter and device (found once per thread and shared by every model), readback, and the
//! counters of dispatches and submissions.

use std::cell::{Cell, RefCell};
use std::rc::Rc;
use std::sync::{Arc, Mutex};

use super::kernels::Kernels;
use super::WorkCounts;
use crate::engine::EngineError;

/// A device with the engine's pipelines.
pub struct Gpu {
    pub device: wgpu::Device,
    pub queue: wgpu::Queue,
    pub info: wgpu::AdapterInfo,
    pub(crate) kernels: Kernels,
    counts: Cell<WorkCounts>,
    /// The first error wgpu reported outside an error scope (validation, out of memory, device
    /// lost), taken by the next [`Gpu::check`].
    error: Arc<Mutex<Option<String>>>,
    /// Why the device was lost (driver reset, watchdog, `destroy`), once it was.
    lost: Arc<Mutex<Option<String>>>,
}

impl std::fmt::Debug for Gpu {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Gpu({})", adapter_line(&self.info))
    }
}

thread_local! {
    static GPU: RefCell<Option<Result<Rc<Gpu>, String>>> = const { RefCell::new(None) };
}

fn adapter_line(info: &wgpu::AdapterInfo) -> String {
    if info.name.is_empty() {
        // A browser tells little of its adapter.
        let kind = match info.device_type {
            wgpu::DeviceType::DiscreteGpu => "a discrete GPU",
            wgpu::DeviceType::IntegratedGpu => "an integrated GPU",
            wgpu::DeviceType::VirtualGpu => "a virtual GPU",
            wgpu::DeviceType::Cpu => "a software adapter on the CPU",
            wgpu::DeviceType::Other => "an adapter of unknown kind",
        };
        return format!("the browser's WebGPU, {kind}");
    }
    format!("{} ({:?}, {:?}, {})", info.name, info.backend, info.device_type, info.driver_info)
}

/// The adapter this thread's engine uses, in words, or why there is none.
pub fn adapter_summary() -> Result<String, String> {
    Gpu::get().map(|g| adapter_line(&g.info))
}

impl Gpu {
    /// This thread's device, found on first use (`WGPU_BACKEND` picks the API, as wgpu reads it).
    /// A device that was lost is replaced by a new one here.
    #[cfg(not(target_arch = "wasm32"))]
    pub fn get() -> Result<Rc<Gpu>, String> {
        GPU.with(|cell| {
            let mut slot = cell.borrow_mut();
            if matches!(&*slot, Some(Ok(g)) if g.lost().is_some()) {
                *slot = None;
            }
            slot.get_or_insert_with(|| keep(pollster::block_on(Gpu::request()))).clone()
        })
    }

    /// Why the device was lost, if it was.
    pub fn lost(&self) -> Option<String> {
        self.lost.lock().ok().and_then(|l| l.clone())
    }

    /// Destroys the device, as a driver reset would (for the tests of what follows a loss).
    pub fn lose(&self) {
        self.device.destroy();
    }

    /// This thread's device, once [`Gpu::init`] has found it (the browser can only wait for an
    /// adapter asynchronously).
    #[cfg(target_arch = "wasm32")]
    pub fn get() -> Result<Rc<Gpu>, String> {
        let gpu =
            GPU.with(|cell| cell.borrow().clone()).unwrap_or_else(|| Err("the WebGPU device is not set up yet (Gpu::init)".into()))?;
        match gpu.lost() {
            Some(why) => Err(format!("the WebGPU device was lost ({why}); a new one is being looked for")),
            None => Ok(gpu),
        }
    }

    /// Finds this thread's device (once; later calls give the same one or the same reason; a
    /// device that was lost is replaced by a new one).
    pub async fn init() -> Result<Rc<Gpu>, String> {
        match GPU.with(|cell| cell.borrow().clone()) {
            Some(Ok(gpu)) if gpu.lost().is_some() => GPU.with(|cell| *cell.borrow_mut() = None),
            Some(found) => return found,
            None => {}
        }
        let found = keep(Gpu::request().await);
        GPU.with(|cell| cell.borrow_mut().get_or_insert(found).clone())
    }

    async fn request() -> Result<Gpu, String> {
        let instance = wgpu::Instance::new(wgpu::InstanceDescriptor::new_without_display_handle_from_env());
        let adapter = instance
            .request_adapter(&wgpu::RequestAdapterOptions {
                power_preference: wgpu::PowerPreference::HighPerformance,
                force_fallback_adapter: false,
                ..Default::default()
            })
            .await
            .map_err(|e| format!("no WebGPU adapter: {e}"))?;
        let info = adapter.get_info();
        let have = adapter.limits();
        // WebGPU's defaults, but with the adapter's buffer sizes (an embedding table is large).
        let limits = wgpu::Limits {
            max_storage_buffer_binding_size: have.max_storage_buffer_binding_size,
            max_buffer_size: have.max_buffer_size,
            max_compute_workgroups_per_dimension: have.max_compute_workgroups_per_dimension.min(65535),
            ..wgpu::Limits::default()
        };
        let (device, queue) = adapter
            .request_device(&wgpu::DeviceDescriptor { label: Some("unroll"), required_limits: limits, ..Default::default() })
            .await
            .map_err(|e| format!("the adapter {} gave no device: {e}", adapter_line(&info)))?;
        let error = Arc::new(Mutex::new(None::<String>));
        let sink = Arc::downgrade(&error);
        // Kept, not panicked on (wgpu's default): a failed dispatch must not end the engine.
        device.on_uncaptured_error(Arc::new(move |e: wgpu::Error| {
            if let Some(cell) = sink.upgrade() {
                if let Ok(mut slot) = cell.lock() {
                    slot.get_or_insert_with(|| e.to_string());
                }
            }
        }));
        let lost = Arc::new(Mutex::new(None::<String>));
        let sink = Arc::downgrade(&lost);
        device.set_device_lost_callback(move |reason, message| {
            if let Some(cell) = sink.upgrade() {
                if let Ok(mut slot) = cell.lock() {
                    slot.get_or_insert_with(|| {
                        format!("{reason:?}{}", if message.is_empty() { String::new() } else { format!(": {message}") })
                    });
                }
            }
        });
        let kernels = Kernels::new(&device);
        Ok(Gpu { device, queue, info, kernels, counts: Cell::new(WorkCounts::default()), error, lost })
    }

    /// The dispatches and submissions so far.
    pub fn counts(&self) -> WorkCounts {
        self.counts.get()
    }

    pub(crate) fn count_dispatch(&self) {
        let mut c = self.counts.get();
        c.dispatches += 1;
        self.counts.set(c);
    }

    pub(crate) fn submit(&self, encoder: wgpu::CommandEncoder) {
        let mut c = self.counts.get();
        c.submissions += 1;
        self.counts.set(c);
        self.queue.submit([encoder.finish()]);
    }

    /// The error wgpu reported since the last check, as an engine error.
    pub(crate) fn check(&self) -> Result<(), EngineError> {
        if let Some(why) = self.lost() {
            return Err(EngineError::Gpu(format!("the GPU device was lost ({why}); the weights last copied back are kept")));
        }
        match self.error.lock().ok().and_then(|mut e| e.take()) {
            Some(e) => Err(EngineError::Gpu(e)),
            None => Ok(()),
        }
    }

    /// Copies `len` floats of `src` from float `offset` back, once the work before is done.
    pub(crate) async fn read_async(&self, src: &wgpu::Buffer, offset: usize, len: usize) -> Result<Vec<f32>, EngineError> {
        if len == 0 {
            return Ok(Vec::new());
        }
        let bytes = (len * 4) as u64;
        let staging = self.staging(bytes);
        let mut encoder = self.device.create_command_encoder(&Default::default());
        encoder.copy_buffer_to_buffer(src, (offset * 4) as u64, &staging, 0, bytes);
        self.submit(encoder);
        self.map_async(&staging).await
    }

    /// [`Gpu::read_async`], waiting (natively only).
    #[cfg(not(target_arch = "wasm32"))]
    pub(crate) fn read(&self, src: &wgpu::Buffer, offset: usize, len: usize) -> Result<Vec<f32>, EngineError> {
        pollster::block_on(self.read_async(src, offset, len))
    }

    /// A buffer to copy `bytes` into and map.
    pub(crate) fn staging(&self, bytes: u64) -> wgpu::Buffer {
        self.device.create_buffer(&wgpu::BufferDescriptor {
            label: Some("readback"),
            size: bytes,
            usage: wgpu::BufferUsages::MAP_READ | wgpu::BufferUsages::COPY_DST,
            mapped_at_creation: false,
        })
    }

    /// Maps a `MAP_READ` buffer once the work before it is done and returns its floats: in the
    /// browser by awaiting `map_async` (never a blocking poll), natively by polling the device.
    pub(crate) async fn map_async(&self, staging: &wgpu::Buffer) -> Result<Vec<f32>, EngineError> {
        let (tx, rx) = futures_channel::oneshot::channel();
        staging.slice(..).map_async(wgpu::MapMode::Read, move |r| {
            let _ = tx.send(r);
        });
        #[cfg(not(target_arch = "wasm32"))]
        self.device.poll(wgpu::PollType::wait_indefinitely()).map_err(|e| EngineError::Gpu(format!("waiting for the device: {e}")))?;
        let mapped = rx.await;
        self.check()?;
        mapped_floats(staging, mapped.ok())
    }
}

/// The floats of `staging` once its `map_async` called back with `mapped` (`None`: the callback
/// was dropped unanswered, as when the device goes away), unmapped again.
pub(crate) fn mapped_floats(staging: &wgpu::Buffer, mapped: Option<Result<(), wgpu::BufferAsyncError>>) -> Result<Vec<f32>, EngineError> {
    match mapped {
        Some(Ok(())) => {}
        Some(Err(e)) => return Err(EngineError::Gpu(format!("reading back: {e}"))),
        None => return Err(EngineError::Gpu("reading back: the device went away".into())),
    }
    let view = staging.slice(..).get_mapped_range().map_err(|e| EngineError::Gpu(format!("reading back: {e}")))?;
    let out = bytemuck::cast_slice::<u8, f32>(&view).to_vec();
    drop(view);
    staging.unmap();
    Ok(out)
}

/// A found device kept for the thread's whole life: wgpu's device teardown reads thread-locals
/// of its own, which may already be gone when this thread's are destroyed.
fn keep(found: Result<Gpu, String>) -> Result<Rc<Gpu>, String> {
    let found = found.map(Rc::new);
    if let Ok(g) = &found {
        std::mem::forget(g.clone());
    }
    found
}
