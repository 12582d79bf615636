//! The selected unit's equations with the values substituted, and the colour legend.

use leptos::prelude::*;

use crate::app::chain::colour::{DIVERGING, MASKED, SEQUENTIAL};
use crate::app::chain::explain::Explanation;
use crate::i18n::{fill, t};

fn css([r, g, b]: [u8; 3]) -> String {
    format!("rgb({r},{g},{b})")
}

#[component]
pub fn Detail(#[prop(into)] explanation: Signal<Option<Explanation>>) -> impl IntoView {
    view! {
        <section class="chain-detail" data-testid="chain-detail" aria-label=t().chain.detail>
            {move || match explanation.get() {
                None => view! { <p class="hint">{t().chain.detail_empty}</p> }.into_any(),
                Some(e) => {
                    let lines = e
                        .lines
                        .into_iter()
                        .map(|l| {
                            view! {
                                <tr>
                                    <th scope="row">{l.name}</th>
                                    <td class="eq">"= "{l.equation}</td>
                                    <td class="subst">"= "{l.substituted}</td>
                                </tr>
                            }
                        })
                        .collect_view();
                    view! {
                        <h3 data-testid="chain-detail-title">{e.title}</h3>
                        <p class="reads">{fill(t().chain.detail_reads, &[("reads", &e.reads)])}</p>
                        <table class="equations" data-testid="chain-equations">
                            <tbody>{lines}</tbody>
                        </table>
                    }
                    .into_any()
                }
            }}
        </section>
    }
}

#[component]
pub fn Legend() -> impl IntoView {
    let diverging = format!("background: linear-gradient(to right, {}, {}, {})", css(DIVERGING[0]), css(DIVERGING[1]), css(DIVERGING[2]));
    let sequential = format!("background: linear-gradient(to right, {}, {})", css(SEQUENTIAL[0]), css(SEQUENTIAL[1]));
    let masked = format!("background: {}", css(MASKED));
    view! {
        <div class="chain-legend" data-testid="chain-legend">
            <span class="legend-item">
                <span class="legend-bar" style=diverging></span>
                {t().chain.legend_diverging}
            </span>
            <span class="legend-item"><span class="legend-bar" style=sequential></span>{t().chain.legend_gates}</span>
            <span class="legend-item"><span class="legend-swatch" style=masked></span>{t().chain.legend_padding}</span>
        </div>
    }
}
