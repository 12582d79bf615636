//! The page's end of the worker connection: starts the worker, queues commands until it says
//! `Ready`, hands every event to one callback and an error that escaped the worker to another
//! (the store then starts a new worker). The only place the page touches `Worker`.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use wasm_bindgen::prelude::*;
use web_sys::{ErrorEvent, MessageEvent, Worker};

use crate::i18n::{fill, t};
use crate::protocol::{from_js, to_js, Command, Event};

pub struct WorkerBridge {
    worker: Worker,
    ready: Cell<bool>,
    queue: RefCell<Vec<Command>>,
    _on_message: Closure<dyn FnMut(MessageEvent)>,
    _on_error: Closure<dyn FnMut(ErrorEvent)>,
}

impl WorkerBridge {
    /// Starts `worker_loader.js` (built by Trunk beside the page).
    pub fn spawn(on_event: impl Fn(Event) + 'static, on_died: impl Fn(String) + 'static) -> Result<Rc<Self>, String> {
        let worker =
            Worker::new("./worker_loader.js").map_err(|e| fill(t().settings.worker_start_failed, &[("error", &format!("{e:?}"))]))?;
        let on_event = Rc::new(on_event);
        let bridge = Rc::new_cyclic(|weak: &std::rc::Weak<WorkerBridge>| {
            let weak_msg = weak.clone();
            let ev_msg = on_event.clone();
            let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |m: MessageEvent| match from_js::<Event>(m.data()) {
                Ok(ev) => {
                    if let (Event::Ready { .. }, Some(b)) = (&ev, weak_msg.upgrade()) {
                        b.ready.set(true);
                        for cmd in b.queue.take() {
                            b.post(&cmd);
                        }
                    }
                    ev_msg(ev);
                }
                Err(e) => ev_msg(Event::Error { message: fill(t().settings.worker_unreadable, &[("error", &e)]) }),
            });
            let on_died = Rc::new(on_died);
            let on_error = Closure::<dyn FnMut(ErrorEvent)>::new(move |e: ErrorEvent| {
                // An error escaped the engine: its wasm state can no longer be trusted (a trap
                // leaves borrows held), so the store replaces the worker — later, not from inside
                // this worker's own handler.
                e.prevent_default();
                let (on_died, why) = (on_died.clone(), e.message());
                wasm_bindgen_futures::spawn_local(async move { on_died(why) });
            });
            worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
            worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
            WorkerBridge { worker, ready: Cell::new(false), queue: RefCell::new(Vec::new()), _on_message: on_message, _on_error: on_error }
        });
        Ok(bridge)
    }

    /// Sends a command now, or as soon as the worker is ready.
    pub fn send(&self, cmd: Command) {
        if self.ready.get() {
            self.post(&cmd);
        } else {
            self.queue.borrow_mut().push(cmd);
        }
    }

    fn post(&self, cmd: &Command) {
        match to_js(cmd) {
            Ok(v) => {
                if let Err(e) = self.worker.post_message(&v) {
                    web_sys::console::error_2(&"unroll: postMessage to the worker failed".into(), &e);
                }
            }
            Err(e) => web_sys::console::error_1(&format!("unroll: cannot serialise a command: {e}").into()),
        }
    }
}

impl Drop for WorkerBridge {
    fn drop(&mut self) {
        self.worker.set_onmessage(None);
        self.worker.set_onerror(None);
        self.worker.terminate();
    }
}
