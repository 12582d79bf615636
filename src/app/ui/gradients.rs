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
use crate::i18n::{fill, t, Lang};
use crate::lesson::vanishing::VanishingSettings;

/// The chart lines' labels, `[cell state][layer][direction]`, in one language.
type LineLabels = [[[&'static str; 2]; 4]; 2];

thread_local! {
    /// The labels of each language, made once when first asked for (a chart line's label is a
    /// `&'static str`; 16 short strings per language).
    static LINE_LABELS: [std::cell::OnceCell<LineLabels>; 2] = const { [std::cell::OnceCell::new(), std::cell::OnceCell::new()] };
}

/// The chart lines' labels in the page's language.
fn line_labels() -> LineLabels {
    let lang = crate::i18n::lang();
    let slot = if lang == Lang::En { 0 } else { 1 };
    LINE_LABELS.with(|labels| {
        *labels[slot].get_or_init(|| {
            let c = &lang.text().course;
            let make = |template: &str, layer: usize| -> &'static str { fill(template, &[("n", &(layer + 1))]).leak() };
            let for_state = |forward: &str, backward: &str| std::array::from_fn(|l| [make(forward, l), make(backward, l)]);
            [for_state(c.grad_line_h, c.grad_line_h_back), for_state(c.grad_line_c, c.grad_line_c_back)]
        })
    })
}

/// A line's label and colour for layer `layer`, direction `dir` (`c`: the LSTM's cell state).
fn row_line(layer: usize, dir: usize, c: bool) -> (&'static str, &'static str) {
    const CLASS: [&str; 4] = ["grad-0", "grad-1", "grad-2", "grad-3"];
    let (l, d) = (layer.min(3), dir.min(1));
    let class = CLASS[(2 * l + d) % 4];
    let labels = line_labels();
    if c {
        (labels[1][l][d], if d == 0 { "grad-c" } else { "grad-c grad-back" })
    } else {
        (labels[0][l][d], class)
    }
}

#[component]
pub fn GradientsView() -> impl IntoView {
    view! {
        <section class="view-card gradients-view" data-testid="gradients-view" aria-labelledby="gradients-title">
            <h2 id="gradients-title">{t().course.grad_title}</h2>
            <p class="hint">{t().course.grad_intro_1}{t().course.grad_intro_2}</p>
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
                fill(
                    t().course.grad_model_label,
                    &[
                        ("input", &c.caption),
                        ("loss_of", &c.loss_of),
                        ("last", &fmt(last as f64)),
                        ("first", &fmt(first as f64)),
                        ("loss", &fmt(g.loss as f64)),
                    ],
                )
            }
            None => t().course.grad_model_none.into(),
        })
    });
    let caption = move || {
        v.chain.with(|c| c.as_ref().map(|c| fill(t().course.grad_model_caption, &[("input", &c.caption), ("loss_of", &c.loss_of)])))
    };
    view! {
        <div class="model-gradients">
            <h3>{t().course.grad_model_title}</h3>
            <p class="hint" data-testid="model-gradients-caption">{caption}</p>
            <LineChart title=t().course.grad_model_chart testid="model-gradients-chart" lines label x_label=t().course.grad_x_label log_y=true wide=true empty=t().course.grad_model_empty />
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
            let names: [(&str, &str, &str, &str); 3] = [
                ("SimpleRNN", "cmp-rnn", t().course.cmp_rnn_clipped, "cmp-rnn clipped"),
                ("LSTM", "cmp-lstm", t().course.cmp_lstm_clipped, "cmp-lstm clipped"),
                ("GRU", "cmp-gru", t().course.cmp_gru_clipped, "cmp-gru clipped"),
            ];
            let mut out = Vec::new();
            for (c, (name, class, cname, cclass)) in pic.cells.iter().zip(names) {
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
                    .map(|c| fill(t().course.cmp_label_part, &[("name", &c.name), ("ratio", &fmt(c.ratio as f64))]))
                    .collect();
                fill(t().course.cmp_label, &[("time", &s.time), ("parts", &parts.join("; "))])
            }
            None => t().course.cmp_computing.into(),
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
                            _ => t().course.cmp_clip_off.into(),
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
                        <caption>{fill(t().course.cmp_table_caption, &[("time", &s.time), ("units", &s.units), ("ms", &format!("{cost:.1}"))])}</caption>
                        <thead><tr>
                            <th scope="col">{t().course.cmp_col_cell}</th>
                            <th scope="col">"‖∂L/∂h_1‖ / ‖∂L/∂h_T‖"</th>
                            <th scope="col">{t().course.cmp_col_weights}</th>
                            <th scope="col">{t().course.cmp_col_clipping}</th>
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
            <h3>{t().course.cmp_title}</h3>
            <p class="hint">{t().course.cmp_hint_1}{t().course.cmp_hint_2}{t().course.cmp_hint_3}</p>
            <div class="chain-tools" role="group" aria-label=t().course.cmp_presets>
                <button type="button" class="secondary small" on:click=move |_| store.compare_gradients(VanishingSettings::default())>{t().course.cmp_preset_vanishing}</button>
                <button type="button" class="secondary small" on:click=move |_| store.compare_gradients(VanishingSettings { keep_bias: 4.0, ..VanishingSettings::default() })>{t().course.cmp_preset_open}</button>
                <button type="button" class="secondary small" data-testid="preset-exploding" on:click=move |_| store.compare_gradients(VanishingSettings { recurrent_scale: 2.0, ..VanishingSettings::default() })>{t().course.cmp_preset_exploding}</button>
                <button type="button" class="secondary small" data-testid="preset-clipped" on:click=move |_| store.compare_gradients(VanishingSettings { recurrent_scale: 2.0, clip_norm: Some(1.0), ..VanishingSettings::default() })>{t().course.cmp_preset_clipped}</button>
            </div>
            <div class="chain-tools" role="group" aria-label=t().course.cmp_fields>
                {num_field("vanishing-time", t().course.cmp_steps, |s| s.time.to_string(), |s, t| s.time = t.trim().parse().unwrap_or(0))}
                {num_field("vanishing-units", t().course.cmp_units, |s| s.units.to_string(), |s, t| s.units = t.trim().parse().unwrap_or(0))}
                <label class="inline-field" for="vanishing-activation">
                    {t().course.cmp_activation}
                    <select id="vanishing-activation" on:change=move |ev| {
                        let a = match event_target_value(&ev).as_str() { "relu" => Activation::Relu, "leaky_relu" => Activation::LeakyRelu, "elu" => Activation::Elu, "linear" => Activation::Linear, _ => Activation::Tanh };
                        set(&|s| s.activation = a);
                    }>
                        {[Activation::Tanh, Activation::Relu, Activation::LeakyRelu, Activation::Elu, Activation::Linear].map(|a| view! {
                            <option value=a.name() selected=move || v.vanishing_settings.with(|s| s.activation == a)>{a.name()}</option>
                        }).collect_view()}
                    </select>
                </label>
                {num_field("vanishing-scale", t().course.cmp_scale, |s| s.recurrent_scale.to_string(), |s, t| s.recurrent_scale = t.trim().parse().unwrap_or(f32::NAN))}
                {num_field("vanishing-keep", t().course.cmp_keep, |s| s.keep_bias.to_string(), |s, t| s.keep_bias = t.trim().parse().unwrap_or(f32::NAN))}
                {num_field("vanishing-clip", t().course.cmp_clip, |s| s.clip_norm.map_or("0".into(), |c| c.to_string()), |s, t| {
                    let c: f32 = t.trim().parse().unwrap_or(f32::NAN);
                    s.clip_norm = if c == 0.0 { None } else { Some(c) };
                })}
                {num_field("vanishing-seed", t().course.cmp_seed, |s| s.seed.to_string(), |s, t| s.seed = t.trim().parse().unwrap_or(0))}
            </div>
            <p class="field-msg error" role="alert" data-testid="vanishing-message">{move || v.vanishing_message.get()}</p>
            <LineChart title=t().course.cmp_chart testid="vanishing-chart" lines label x_label=t().course.grad_x_label log_y=true wide=true empty=t().course.cmp_empty />
            {table}
        </div>
    }
}
