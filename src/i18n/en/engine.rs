//! What the worker says about its engine: the engine line's reasons (chosen, timed, lost) and
//! how training went on after a lost WebGPU device. The worker speaks the page's language
//! (`Command::Language`).

english! {
    Engine {
        /// `{adapter}`: the WebGPU adapter the browser gave.
        chosen_gpu_adapter: "chosen in the settings (engine webgpu) · {adapter}",
        chosen_gpu: "chosen in the settings (engine webgpu)",
        chosen_cpu: "chosen in the settings (engine cpu)",
        no_webgpu: "no WebGPU here: {why}",
        auto_cpu_hint: "auto: the CPU engine (choose engine webgpu to train on the GPU)",
        /// `{reason}` is a verdict without its closing parenthesis.
        timed_earlier: "{reason}, timed earlier)",
        could_not_take_over: "auto: the CPU engine (WebGPU could not take over: {error})",
        cannot_train_here: "auto: the CPU engine (WebGPU cannot train this model here: {why})",
        timed_at_train: "auto: WebGPU is timed against the CPU when training starts",
        timing: "auto: timing WebGPU against the CPU…",
        timing_stopped: "auto: the CPU engine (WebGPU is timed again when training starts)",
        auto_cpu_because: "auto: the CPU engine ({why})",
        /// The timing's verdict: `{times}` like "3.1×", the two engines' milliseconds per step.
        verdict_gpu: "auto: {times} faster than the CPU here ({gpu} vs {cpu} ms a step)",
        verdict_cpu: "auto: {times} faster than WebGPU here ({cpu} vs {gpu} ms a step)",
        no_browser_webgpu: "this browser offers no WebGPU",
        adapter_silent: "the browser did not answer for a WebGPU adapter within {s} s",
        lost_none: "none of its updates was lost",
        lost_one_step: "the update of the last step was lost",
        lost_many_steps: "the updates of the last {n} steps were lost",
        lost_one_batch: "the update of the last batch was lost",
        lost_many_batches: "the updates of the last {n} batches were lost",
        device_lost: "the WebGPU device was lost: continued on the CPU",
        /// `{what}`: the engine's error; `{lost}`: one of the lost_* texts; `{then}`: how it goes on.
        moved_to_cpu: "{what}. Training moved to the CPU engine from them ({lost}; {then}). Press Train to go on.",
        then_steps: "the step count goes on from {n}",
        then_batches: "the batches whose results had not come are trained again",
        new_device: "the WebGPU device was lost: continued on the CPU; a new one is ready for the next experiment ({adapter})",
        no_new_device: "the WebGPU device was lost: continued on the CPU; no new one ({why})",
        cpu_could_not: "{what}; the CPU engine could not take over: {error}",
    }
}

/// Keys whose German text is the English one.
pub const SAME_IN_GERMAN: &[&str] = &[];
