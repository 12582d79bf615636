// Starts the engine worker (src/bin/worker.rs): Trunk builds it as worker.js + worker_bg.wasm
// (wasm-bindgen's no-modules target; `filehash = false` keeps the names). Trunk's own loader shim
// passes the wasm path alone, which wasm-bindgen 0.2.130 accepts with a console warning about
// deprecated parameters; this one passes the single object it asks for.
importScripts('./worker.js');
wasm_bindgen({ module_or_path: './worker_bg.wasm' });
