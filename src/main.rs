//! Web entry of the page: install the panic hook and mount the Leptos app.

fn main() {
    #[cfg(target_arch = "wasm32")]
    {
        console_error_panic_hook::set_once();
        unroll::app::mount();
    }
    #[cfg(not(target_arch = "wasm32"))]
    eprintln!("unroll-app is the browser page; build it with `cargo xtask serve`.");
}
