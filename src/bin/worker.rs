//! Web Worker entry: the engine runs here, off the page's main thread.

fn main() {
    #[cfg(target_arch = "wasm32")]
    {
        console_error_panic_hook::set_once();
        unroll::worker::start();
    }
    #[cfg(not(target_arch = "wasm32"))]
    eprintln!("worker runs inside the browser; build the page with `cargo xtask serve`.");
}
