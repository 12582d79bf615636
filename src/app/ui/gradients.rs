//! Gradients through time: how much of the loss's gradient reaches each step's state, for the
//! current model and input (‖∂L/∂h_t‖ from the worker's backward pass), and the course's
//! comparison of SimpleRNN, LSTM and GRU on a long sequence, with the exploding case and what
//! clipping by norm does to it.

use leptos::prelude::*;

use super::chart::{Line, LineChart};
use crate::app::chain::gradients::gradient_lines;
use crate::app::plot::format_number as fmt;
use crate::app::state::Store;
use crate::engine::cells::Activation;
use crate::lesson::vanishing::VanishingSettings;

/// A line's label and colour for layer `layer`, direction `dir` (`c`: the LSTM's cell state).
fn row_line(layer: usize, dir: usize, c: bool) -> (&'static str, &'static str) {
    const H: [[&str; 2]; 4] = [
        ["layer 1: ‖∂L/∂h_t‖", "layer 1 backward: ‖∂L/∂h_t‖"],
        ["layer 2: ‖∂L/∂h_t‖", "layer 2 backward: ‖∂L/∂h_t‖"],
        ["layer 3: ‖∂L/∂h_t‖", "layer 3 backward: ‖∂L/∂h_t‖"],
        ["layer 4: ‖∂L/∂h_t‖", "layer 4 backward: ‖∂L/∂h_t‖"],
    ];
    const C: [[&str; 2]; 4] = [
        ["layer 1: ‖∂L/∂C_t‖", "layer 1 backward: ‖∂L/∂C_t‖"],
        ["layer 2: ‖∂L/∂C_t‖", "layer 2 backward: ‖∂L/∂C_t‖"],
        ["layer 3: ‖∂L/∂C_t‖", "layer 3 backward: ‖∂L/∂C_t‖"],
        ["layer 4: ‖∂L/∂C_t‖", "layer 4 backward: ‖∂L/∂C_t‖"],
    ];
    const CLASS: [&str; 4] = ["grad-0", "grad-1", "grad-2", "grad-3"];
    let (l, d) = (layer.min(3), dir.min(1));
    let class = CLASS[(2 * l + d) % 4];
    if c {
        (C[l][d], if d == 0 { "grad-c" } else { "grad-c grad-back" })
    } else {
        (H[l][d], class)
    }
}

#[component]
pub fn GradientsView() -> impl IntoView {
    view! {
        <section class="view-card gradients-view" data-testid="gradients-view" aria-labelledby="gradients-title">
            <h2 id="gradients-title">"Gradients through time"</h2>
            <p class="hint">
                "Backpropagation through time carries the loss's gradient from the output back along the chain, step by step. "
                "Each step multiplies it by the cell's recurrent Jacobian: where that shrinks it, the early steps hardly learn (vanishing); where it grows it, training blows up (exploding)."
            </p>
            <ModelGradients />
            <Comparison />
        </section>
    }
}

/// ‖∂L/∂h_t‖ of the model being trained, for the input the unrolled view shows.
#[component]
fn ModelGradients() -> impl IntoView {
    let store = Store::from_context();
    let v = store.views;
    let lines = Signal::derive(move || {
        v.chain.with(|c| {
            let Some(c) = c.as_ref() else { return vec![] };
            let Some(g) = c.gradients.as_ref() else { return vec![] };
            gradient_lines(g)
                .into_iter()
                .map(|l| {
                    let (label, class) = row_line(l.layer, l.dir, l.cell_state);
                    Line { label, class, dots: l.points.len() <= 40, points: l.points, hide_in_legend: false, area: false }
                })
                .collect::<Vec<_>>()
        })
    });
    let label = Signal::derive(move || {
        v.chain.with(|c| match c.as_ref().and_then(|c| c.gradients.as_ref().map(|g| (c, g))) {
            Some((c, g)) => {
                let first = g.layers[0][0].h.first().copied().unwrap_or(0.0);
                let last = g.layers[0][0].h.last().copied().unwrap_or(0.0);
                format!(
                    "Gradient norm at every step of {} for the loss of {}: {} at the last step, {} at the first (layer 1). Loss {}.",
                    c.caption,
                    c.loss_of,
                    fmt(last as f64),
                    fmt(first as f64),
                    fmt(g.loss as f64)
                )
            }
            None => "No gradients: pick an input whose next values are known (not the series' last window).".into(),
        })
    });
    let caption = move || {
        v.chain.with(|c| c.as_ref().map(|c| format!("Input: {}. Loss: {}. Change the input in “Inside the cell”.", c.caption, c.loss_of)))
    };
    view! {
        <div class="model-gradients">
            <h3>"This model, this input"</h3>
            <p class="hint" data-testid="model-gradients-caption">{caption}</p>
            <LineChart title="‖∂L/∂h_t‖ at every step (log scale)" testid="model-gradients-chart" lines label x_label="step t" log_y=true wide=true empty="Waiting for the model's gradients" />
        </div>
    }
}

/// The course's comparison: SimpleRNN, LSTM and GRU on the same long sine window.
#[component]
fn Comparison() -> impl IntoView {
    let store = Store::from_context();
    let v = store.views;
    let set = move |f: &dyn Fn(&mut VanishingSettings)| {
        let mut s = v.vanishing_settings.get_untracked();
        f(&mut s);
        store.compare_gradients(s);
    };
    let lines = Signal::derive(move || {
        v.vanishing.with(|p| {
            let Some(p) = p.as_ref() else { return vec![] };
            let (_, pic, _) = &**p;
            const NAMES: [(&str, &str, &str, &str); 3] = [
                ("SimpleRNN", "cmp-rnn", "SimpleRNN, clipped", "cmp-rnn clipped"),
                ("LSTM", "cmp-lstm", "LSTM, clipped", "cmp-lstm clipped"),
                ("GRU", "cmp-gru", "GRU, clipped", "cmp-gru clipped"),
            ];
            let mut out = Vec::new();
            for (c, (name, class, cname, cclass)) in pic.cells.iter().zip(NAMES) {
                let pts = |v: &[f32]| v.iter().enumerate().map(|(t, &y)| ((t + 1) as f32, y)).collect::<Vec<_>>();
                out.push(Line { label: name, class, points: pts(&c.curve), dots: false, hide_in_legend: false, area: false });
                if !c.clipped_curve.is_empty() {
                    out.push(Line {
                        label: cname,
                        class: cclass,
                        points: pts(&c.clipped_curve),
                        dots: false,
                        hide_in_legend: false,
                        area: false,
                    });
                }
            }
            out
        })
    });
    let label = Signal::derive(move || {
        v.vanishing.with(|p| match p.as_ref() {
            Some(p) => {
                let (s, pic, _) = &**p;
                let parts: Vec<String> = pic
                    .cells
                    .iter()
                    .map(|c| format!("{}: the first step gets {} times the last step's gradient", c.name, fmt(c.ratio as f64)))
                    .collect();
                format!("Gradient norm at every step of a {}-step sine window, loss at the last step. {}.", s.time, parts.join("; "))
            }
            None => "The comparison is being computed.".into(),
        })
    });
    let table = move || {
        v.vanishing.with(|p| {
            p.as_ref().map(|p| {
                let (s, pic, cost) = &**p;
                let rows = pic
                    .cells
                    .iter()
                    .map(|c| {
                        let clip = match (c.clip_factor, c.clipped_norm) {
                            (Some(f), Some(n)) => format!("× {} → {}", fmt(f as f64), fmt(n as f64)),
                            _ => "off".into(),
                        };
                        view! {
                            <tr>
                                <th scope="row">{c.name.clone()}</th>
                                <td class="num">{fmt(c.ratio as f64)}</td>
                                <td class="num">{fmt(c.grad_norm as f64)}</td>
                                <td class="num">{clip}</td>
                            </tr>
                        }
                    })
                    .collect_view();
                view! {
                    <table class="summary" data-testid="vanishing-table">
                        <caption>{format!("T = {}, {} units, computed in {:.1} ms in the worker", s.time, s.units, cost)}</caption>
                        <thead><tr>
                            <th scope="col">"cell"</th>
                            <th scope="col">"‖∂L/∂h_1‖ / ‖∂L/∂h_T‖"</th>
                            <th scope="col">"‖∂L/∂W‖ (all weights)"</th>
                            <th scope="col">"clipping by global norm"</th>
                        </tr></thead>
                        <tbody>{rows}</tbody>
                    </table>
                }
            })
        })
    };
    let num_field =
        move |id: &'static str, label: &'static str, get: fn(&VanishingSettings) -> String, put: fn(&mut VanishingSettings, &str)| {
            view! {
                <label class="inline-field" for=id>
                    {label}
                    <input id=id data-testid=id type="text" inputmode="decimal" class="narrow"
                        prop:value=move || v.vanishing_settings.with(get)
                        on:change=move |ev| { let text = event_target_value(&ev); set(&|s| put(s, &text)); } />
                </label>
            }
        };
    view! {
        <div class="comparison">
            <h3>"SimpleRNN, LSTM and GRU on a long sequence"</h3>
            <p class="hint">
                "Each cell reads the same sine window and is judged on its last step only; the chart shows how much of that gradient reaches every earlier step. "
                "Raise the recurrent scale to see it explode, set a clip norm to see what clipping does (it rescales the whole gradient, keeping its direction), "
                "open the gates (forget / update bias) to see the LSTM and GRU carry it far back."
            </p>
            <div class="chain-tools" role="group" aria-label="Comparison settings">
                <button type="button" class="secondary small" on:click=move |_| store.compare_gradients(VanishingSettings::default())>"Vanishing (tanh)"</button>
                <button type="button" class="secondary small" on:click=move |_| store.compare_gradients(VanishingSettings { keep_bias: 4.0, ..VanishingSettings::default() })>"Gates kept open"</button>
                <button type="button" class="secondary small" data-testid="preset-exploding" on:click=move |_| store.compare_gradients(VanishingSettings { recurrent_scale: 2.0, ..VanishingSettings::default() })>"Exploding"</button>
                <button type="button" class="secondary small" data-testid="preset-clipped" on:click=move |_| store.compare_gradients(VanishingSettings { recurrent_scale: 2.0, clip_norm: Some(1.0), ..VanishingSettings::default() })>"Exploding, clipped at 1"</button>
            </div>
            <div class="chain-tools" role="group" aria-label="Comparison settings, one by one">
                {num_field("vanishing-time", "Steps T", |s| s.time.to_string(), |s, t| s.time = t.trim().parse().unwrap_or(0))}
                {num_field("vanishing-units", "Units", |s| s.units.to_string(), |s, t| s.units = t.trim().parse().unwrap_or(0))}
                <label class="inline-field" for="vanishing-activation">
                    "SimpleRNN activation"
                    <select id="vanishing-activation" on:change=move |ev| {
                        let a = match event_target_value(&ev).as_str() { "relu" => Activation::Relu, "leaky_relu" => Activation::LeakyRelu, "elu" => Activation::Elu, "linear" => Activation::Linear, _ => Activation::Tanh };
                        set(&|s| s.activation = a);
                    }>
                        {[Activation::Tanh, Activation::Relu, Activation::LeakyRelu, Activation::Elu, Activation::Linear].map(|a| view! {
                            <option value=a.name() selected=move || v.vanishing_settings.with(|s| s.activation == a)>{a.name()}</option>
                        }).collect_view()}
                    </select>
                </label>
                {num_field("vanishing-scale", "Recurrent scale", |s| s.recurrent_scale.to_string(), |s, t| s.recurrent_scale = t.trim().parse().unwrap_or(f32::NAN))}
                {num_field("vanishing-keep", "Forget / update bias +", |s| s.keep_bias.to_string(), |s, t| s.keep_bias = t.trim().parse().unwrap_or(f32::NAN))}
                {num_field("vanishing-clip", "Clip norm (0 = off)", |s| s.clip_norm.map_or("0".into(), |c| c.to_string()), |s, t| {
                    let c: f32 = t.trim().parse().unwrap_or(f32::NAN);
                    s.clip_norm = if c == 0.0 { None } else { Some(c) };
                })}
                {num_field("vanishing-seed", "Seed", |s| s.seed.to_string(), |s, t| s.seed = t.trim().parse().unwrap_or(0))}
            </div>
            <p class="field-msg error" role="alert" data-testid="vanishing-message">{move || v.vanishing_message.get()}</p>
            <LineChart title="‖∂L/∂h_t‖ at every step, loss at the last one (log scale)" testid="vanishing-chart" lines label x_label="step t" log_y=true wide=true empty="Computing…" />
            {table}
        </div>
    }
}
