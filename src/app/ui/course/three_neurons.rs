//! The hand-computed recurrent layer: editable inputs and weights, the unrolled picture, and the
//! computation of both time steps as numbers. All arithmetic is `lesson::three_neurons`; this file
//! only lays it out. A refused entry is marked (`aria-invalid`, a message) and the results keep
//! the last valid numbers.

use leptos::prelude::*;

use crate::i18n::{self, fill, t};
use crate::lesson::three_neurons::{self as tn, num3, Field, Form, Tensor, Trace};

/// Arrow keys change a box by this much (with Shift: by 1).
const STEP: f64 = 0.1;

/// A row or column heading: `axis` (as [`Tensor::axes`] names it) number `i`, in the page's
/// language.
fn axis_label(axis: &str, i: usize) -> String {
    let template = match axis {
        "instance" => t().course.tn_instance_n,
        "input" => t().course.tn_input_n,
        "neuron" => t().course.tn_neuron_n,
        _ => return format!("{axis} {i}"),
    };
    fill(template, &[("i", &i)])
}

#[component]
pub fn ThreeNeurons(
    /// The numbers to start from (and to go back to); the book's batch and default weights when
    /// absent.
    #[prop(optional)]
    initial: Option<tn::ThreeNeurons>,
) -> impl IntoView {
    let initial = initial.unwrap_or_default();
    let form = RwSignal::new(Form::new(initial.clone()));
    let trace = Memo::new(move |_| form.with(|f| f.values().compute()));
    // The instance the picture shows.
    let pick = RwSignal::new(0usize);
    // Show the products of each sum, not only the sums.
    let expand = RwSignal::new(false);
    let batch = initial.batch();
    let reset = move |_| form.set(Form::new(initial.clone()));
    view! {
        <section class="course-card three-neurons" aria-labelledby="tn-h" data-testid="three-neurons">
            <h2 id="tn-h">{t().course.tn_title}</h2>
            <p class="hint">
                {t().course.tn_intro_start}
                <code>"Y0 = tanh(X0·Wx + b)"</code>{t().course.tn_intro_then}<code>"Y1 = tanh(Y0·Wy + X1·Wx + b)"</code>
                {t().course.tn_intro_end}
            </p>
            <div class="tn-inputs">
                <MatrixInputs form tensor=Tensor::X0 caption=t().course.tn_caption_x0 />
                <MatrixInputs form tensor=Tensor::X1 caption=t().course.tn_caption_x1 />
                <MatrixInputs form tensor=Tensor::Wx caption=t().course.tn_caption_wx />
                <MatrixInputs form tensor=Tensor::Wy caption=t().course.tn_caption_wy />
                <MatrixInputs form tensor=Tensor::B caption=t().course.tn_caption_b />
            </div>
            <div class="tn-actions">
                <button type="button" class="small" on:click=reset data-testid="three-neurons-reset">{t().course.tn_reset}</button>
                <span class="hint">{t().course.tn_arrows_hint}</span>
            </div>
            <p class="tn-status" role="status" data-testid="three-neurons-status">
                {move || form.with(Form::has_errors).then_some(t().course.tn_invalid)}
            </p>
            <Unrolled form trace pick />
            <fieldset class="segmented tn-pick">
                <legend>{t().course.tn_pick}</legend>
                <div class="segments">
                    {(0..batch).map(|i| {
                        let checked = move || pick.get() == i;
                        view! {
                            <label class:checked=checked>
                                <input type="radio" name="tn-pick" value=i prop:checked=checked on:change=move |_| pick.set(i) />
                                <span>{i}</span>
                            </label>
                        }
                    }).collect_view()}
                </div>
            </fieldset>
            <label class="tn-expand">
                <input type="checkbox" prop:checked=move || expand.get() on:change=move |ev| expand.set(event_target_checked(&ev)) />
                {t().course.tn_expand}
            </label>
            <StepTable trace expand t=0 />
            <Outputs trace t=0 />
            <StepTable trace expand t=1 />
            <Outputs trace t=1 />
        </section>
    }
}

/// One tensor as a table of text boxes, with the messages of its refused boxes below.
#[component]
fn MatrixInputs(form: RwSignal<Form>, tensor: Tensor, caption: &'static str) -> impl IntoView {
    let (rows, cols) = form.with_untracked(|f| f.values().shape(tensor));
    let fields = form.with_untracked(|f| f.values().fields(tensor));
    let (row_axis, col_axis) = tensor.axes();
    let header = (0..cols).map(|c| view! { <th scope="col">{axis_label(col_axis, c)}</th> }).collect_view();
    let body = (0..rows)
        .map(|r| {
            let row_head = (!row_axis.is_empty()).then(|| view! { <th scope="row">{axis_label(row_axis, r)}</th> });
            let cells = (0..cols).map(|c| view! { <td><NumberBox form field=Field::new(tensor, r, c) /></td> }).collect_view();
            view! { <tr>{row_head}{cells}</tr> }
        })
        .collect_view();
    let messages = fields
        .into_iter()
        .map(|f| {
            view! {
                <p class="field-msg error" id=format!("{}-msg", f.dom_id())>
                    {move || form.with(|x| x.error(f).map(|m| format!("{}: {m}", f.label())))}
                </p>
            }
        })
        .collect_view();
    let testid = format!("three-neurons-{}", tensor.name().to_ascii_lowercase());
    view! {
        <div class="tn-matrix">
            <table data-testid=testid>
                <caption>{caption}{format!(" [{rows}×{cols}]")}</caption>
                <thead><tr>{(!row_axis.is_empty()).then(|| view! { <td></td> })}{header}</tr></thead>
                <tbody>{body}</tbody>
            </table>
            <div aria-live="polite">{messages}</div>
        </div>
    }
}

/// One editable number.
#[component]
fn NumberBox(form: RwSignal<Form>, field: Field) -> impl IntoView {
    let on_keydown = move |ev: leptos::ev::KeyboardEvent| {
        let step = if ev.shift_key() { 1.0 } else { STEP };
        let delta = match ev.key().as_str() {
            "ArrowUp" => step,
            "ArrowDown" => -step,
            _ => return,
        };
        ev.prevent_default();
        form.update(|f| f.nudge(field, delta));
    };
    view! {
        <input
            id=field.dom_id()
            class="tn-box"
            type="text"
            inputmode="decimal"
            autocomplete="off"
            spellcheck="false"
            size="5"
            data-field=field.short()
            aria-label=field.label()
            aria-describedby=format!("{}-msg", field.dom_id())
            aria-invalid=move || form.with(|f| f.error(field).is_some()).to_string()
            prop:value=move || form.with(|f| f.text(field).to_string())
            on:input=move |ev| form.update(|f| f.edit(field, &event_target_value(&ev)))
            on:keydown=on_keydown
        />
    }
}

/// The layer unrolled: the cell at t = 0 and at t = 1, left to right, with instance `pick`'s
/// numbers; the picture's text alternative is the paragraph below it.
#[component]
fn Unrolled(form: RwSignal<Form>, trace: Memo<Trace>, pick: RwSignal<usize>) -> impl IntoView {
    const CX: [f64; 2] = [150.0, 450.0];
    let x_text = move |t: usize| {
        let tensor = if t == 0 { Tensor::X0 } else { Tensor::X1 };
        form.with(|f| format!("X{t} = {}", tn::input_vector_text(f.values().row(tensor, pick.get()))))
    };
    let y_text = move |t: usize| trace.with(|tr| format!("Y{t} = {}", tn::vector_text(&tr.y_row(t, pick.get()))));
    let cells = (0..2)
        .map(|t| {
            let cx = CX[t];
            let formula = if t == 0 { "tanh(X0·Wx + b)" } else { "tanh(Y0·Wy + X1·Wx + b)" };
            view! {
                <g>
                    <rect class="tn-node" x=cx - 115.0 y=226.0 width=230.0 height=30.0 rx=6.0></rect>
                    <text class="tn-value" x=cx y=246.0 text-anchor="middle" data-testid=format!("three-neurons-picture-x{t}")>{move || x_text(t)}</text>
                    <path class="tn-arrow" d=arrow(cx, 226.0, cx, 168.0)></path>
                    <text class="tn-edge" x=cx + 8.0 y=202.0>"·Wx"</text>
                    <rect class="tn-cell" x=cx - 105.0 y=108.0 width=210.0 height=60.0 rx=10.0></rect>
                    <text class="tn-time" x=cx y=130.0 text-anchor="middle">{fill(i18n::t().course.tn_cell_at, &[("t", &t)])}</text>
                    <text class="tn-formula" x=cx y=152.0 text-anchor="middle">{formula}</text>
                    <path class="tn-arrow" d=arrow(cx, 108.0, cx, 52.0)></path>
                    <rect class="tn-node tn-out" x=cx - 125.0 y=22.0 width=250.0 height=30.0 rx=6.0></rect>
                    <text class="tn-value" x=cx y=42.0 text-anchor="middle" data-testid=format!("three-neurons-picture-y{t}")>{move || y_text(t)}</text>
                </g>
            }
        })
        .collect_view();
    let label = move || fill(t().course.tn_picture_label, &[("i", &pick.get())]);
    let description =
        move || fill(t().course.tn_picture_desc, &[("x0", &x_text(0)), ("y0", &y_text(0)), ("x1", &x_text(1)), ("y1", &y_text(1))]);
    view! {
        <figure class="tn-picture">
            <svg class="tn-svg" viewBox="0 0 600 270" role="img" aria-label=label aria-describedby="tn-picture-desc" data-testid="three-neurons-picture">
                {cells}
                <path class="tn-arrow tn-recurrent" d=arrow(CX[0] + 105.0, 138.0, CX[1] - 105.0, 138.0)></path>
                <text class="tn-edge" x=(CX[0] + CX[1]) / 2.0 y=128.0 text-anchor="middle">"Y0 ·Wy"</text>
            </svg>
            <figcaption class="hint" id="tn-picture-desc">{description}</figcaption>
        </figure>
    }
}

/// An arrow from `(x1, y1)` to `(x2, y2)` as one path: the line, then a closed head.
fn arrow(x1: f64, y1: f64, x2: f64, y2: f64) -> String {
    let (dx, dy) = (x2 - x1, y2 - y1);
    let len = (dx * dx + dy * dy).sqrt().max(1e-9);
    let (ux, uy) = (dx / len, dy / len);
    let (bx, by) = (x2 - 8.0 * ux, y2 - 8.0 * uy);
    let (px, py) = (-uy * 4.0, ux * 4.0);
    format!("M{x1:.1} {y1:.1} L{bx:.1} {by:.1} M{x2:.1} {y2:.1} L{:.1} {:.1} L{:.1} {:.1} Z", bx + px, by + py, bx - px, by - py)
}

/// Step `t`'s computation: for each instance and neuron, the parts of the sum and the substituted
/// equation.
#[component]
fn StepTable(trace: Memo<Trace>, expand: RwSignal<bool>, t: usize) -> impl IntoView {
    let caption = if t == 0 { i18n::t().course.tn_step0_caption } else { "t = 1: Y1 = tanh(Y0·Wy + X1·Wx + b)" };
    let body = move || {
        let show_products = expand.get();
        trace.with(|tr| {
            tr.rows(t)
                .enumerate()
                .map(|(i, terms)| {
                    let n = terms.len();
                    let rows = terms
                        .iter()
                        .enumerate()
                        .map(|(j, term)| {
                            let x_wx = if show_products { term.x_expansion() } else { num3(term.x_wx) };
                            let y_wy = term.y_wy.map(|v| if show_products { term.y_expansion().unwrap_or_default() } else { num3(v) });
                            view! {
                                <tr>
                                    {(j == 0).then(|| view! { <th scope="rowgroup" rowspan=n>{fill(i18n::t().course.tn_instance_n, &[("i", &i)])}</th> })}
                                    <th scope="row">{fill(i18n::t().course.tn_neuron_n, &[("i", &j)])}</th>
                                    <td class="num">{x_wx}</td>
                                    {y_wy.map(|v| view! { <td class="num">{v}</td> })}
                                    <td class="num">{num3(term.b)}</td>
                                    <td class="tn-eq" data-testid=format!("three-neurons-eq-{t}-{i}-{j}")>{term.equation()}</td>
                                </tr>
                            }
                        })
                        .collect_view();
                    view! { <tbody>{rows}</tbody> }
                })
                .collect_view()
        })
    };
    view! {
        <div class="tn-steps-scroll" tabindex="0" role="region" aria-label=fill(i18n::t().course.tn_step_region, &[("t", &t)])>
            <table class="tn-steps" data-testid=format!("three-neurons-step-{t}")>
                <caption>{caption}</caption>
                <thead>
                    <tr>
                        <th scope="col">{i18n::t().course.tn_col_instance}</th>
                        <th scope="col">{i18n::t().course.tn_col_neuron}</th>
                        <th scope="col">{format!("x·Wx (x = X{t})")}</th>
                        {(t > 0).then(|| view! { <th scope="col">"y·Wy (y = Y0)"</th> })}
                        <th scope="col">"b"</th>
                        <th scope="col">{if t == 0 { "tanh(x·Wx + b)" } else { "tanh(x·Wx + y·Wy + b)" }}</th>
                    </tr>
                </thead>
                {body}
            </table>
        </div>
    }
}

/// The outputs of step `t`, `[batch, neurons]`.
#[component]
fn Outputs(trace: Memo<Trace>, t: usize) -> impl IntoView {
    let (batch, neurons) = trace.with_untracked(|tr| (tr.batch, tr.neurons));
    let header = (0..neurons).map(|j| view! { <th scope="col">{fill(i18n::t().course.tn_neuron_n, &[("i", &j)])}</th> }).collect_view();
    let rows = (0..batch)
        .map(|i| {
            let cells = (0..neurons)
                .map(|j| view! { <td class="num">{move || trace.with(|tr| tr.y_row(t, i).get(j).map(|&y| num3(y)))}</td> })
                .collect_view();
            view! { <tr><th scope="row">{fill(i18n::t().course.tn_instance_n, &[("i", &i)])}</th>{cells}</tr> }
        })
        .collect_view();
    view! {
        <table class="tn-outputs" data-testid=format!("three-neurons-y{t}")>
            <caption>{fill(i18n::t().course.tn_outputs_caption, &[("t", &t), ("batch", &batch), ("neurons", &neurons)])}</caption>
            <thead><tr><td></td>{header}</tr></thead>
            <tbody>{rows}</tbody>
        </table>
    }
}
