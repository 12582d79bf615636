//! The text alternative of the chain: the numbers of one layer direction as a table, a row per
//! time step.

use std::sync::Arc;

use leptos::prelude::*;

use crate::app::chain::explain::num;
use crate::app::chain::layout::Layout;
use crate::app::chain::{masked, value};
use crate::lesson::chain::Chain;

#[component]
pub fn ChainTable(chain: Arc<Chain>, layout: Layout, row: usize) -> impl IntoView {
    let Some(r) = layout.rows.get(row).cloned() else { return ().into_any() };
    let layer = &chain.layers[r.layer];
    let caption = format!(
        "Layer {} · {}{}: every step's input, then each column's values for units 1 to {} ({}).",
        r.layer + 1,
        layer.name,
        if layer.directions == 2 {
            if r.dir == 0 {
                " · forward"
            } else {
                " · backward"
            }
        } else {
            ""
        },
        r.units,
        r.columns.iter().map(|c| c.meaning(r.cell)).collect::<Vec<_>>().join(", ")
    );
    let head = r.columns.iter().map(|c| view! { <th scope="col">{c.name(r.cell)}</th> }).collect_view();
    let rows = (0..chain.trace.time)
        .map(|t| {
            let step = &chain.steps[t];
            let input = if step.label.is_empty() { "padding".to_string() } else { step.label.clone() };
            let skipped = masked(&chain, t);
            let cells = r
                .columns
                .iter()
                .map(|&c| {
                    let vals: Vec<String> = (0..r.units).map(|j| num(value(&chain, &r, t, c, j))).collect();
                    view! { <td>{vals.join(" ")}</td> }
                })
                .collect_view();
            view! {
                <tr class:skipped=skipped>
                    <th scope="row">{t + 1}</th>
                    <td>{input}</td>
                    {cells}
                </tr>
            }
        })
        .collect_view();
    view! {
        <div class="chain-table-wrap">
            <table class="chain-table" data-testid="chain-table">
                <caption>{caption}</caption>
                <thead>
                    <tr>
                        <th scope="col">"step"</th>
                        <th scope="col">"input"</th>
                        {head}
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
    .into_any()
}
