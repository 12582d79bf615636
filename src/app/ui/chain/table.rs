//! The text alternative of the chain: the numbers of one layer direction as a table, a row per
//! time step.

use std::sync::Arc;

use leptos::prelude::*;

use crate::app::chain::explain::num;
use crate::app::chain::layout::Layout;
use crate::app::chain::{masked, value};
use crate::i18n::{fill, t};
use crate::lesson::chain::Chain;

#[component]
pub fn ChainTable(chain: Arc<Chain>, layout: Layout, row: usize) -> impl IntoView {
    let Some(r) = layout.rows.get(row).cloned() else { return ().into_any() };
    let layer = &chain.layers[r.layer];
    let tx = t().chain;
    let dir = if layer.directions == 2 { format!(" · {}", if r.dir == 0 { tx.forward } else { tx.backward }) } else { String::new() };
    let columns = r.columns.iter().map(|c| c.meaning(r.cell)).collect::<Vec<_>>().join(", ");
    let caption = fill(
        tx.table_caption,
        &[("layer", &(r.layer + 1)), ("name", &layer.name), ("dir", &dir), ("units", &r.units), ("columns", &columns)],
    );
    let head = r.columns.iter().map(|c| view! { <th scope="col">{c.name(r.cell)}</th> }).collect_view();
    let rows = (0..chain.trace.time)
        .map(|t| {
            let step = &chain.steps[t];
            let input = if step.label.is_empty() { tx.padding.to_string() } else { step.label.clone() };
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
                        <th scope="col">{tx.table_step}</th>
                        <th scope="col">{tx.input}</th>
                        {head}
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
    .into_any()
}
