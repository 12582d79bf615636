//! A line chart as an SVG (`role="img"` with a describing `aria-label`). Knows nothing of the
//! engine: it draws the lines it is given, with axes and a legend; geometry is in `app::plot`.

use leptos::prelude::*;

use crate::app::plot::{line_path, log_ticks, nice_ticks, tick_label, Domain, Frame};
use crate::i18n::{fill, t};

/// One line of a chart.
#[derive(Clone, Debug, PartialEq)]
pub struct Line {
    pub label: &'static str,
    /// CSS class giving the colour and dash (see `www/style.css`, `.series-*`).
    pub class: &'static str,
    pub points: Vec<(f32, f32)>,
    /// Draw a dot at every point.
    pub dots: bool,
    /// Leave out of the legend (e.g. a faint raw curve under its smoothed version).
    pub hide_in_legend: bool,
    /// The points outline an area, drawn filled and closed (e.g. the band between a generated
    /// line and the truth), under the lines.
    pub area: bool,
}

/// The SVG's frame for a plot `width` pixels wide: the viewBox follows the rendered size, so text
/// and lines keep their size on a projector and on a phone alike.
fn frame_for(width: f64, wide: bool) -> Frame {
    let height = if wide { 240.0 } else { (width * 0.46).clamp(190.0, 260.0) };
    Frame::new(width.max(200.0), height)
}

#[derive(Clone, Debug, PartialEq)]
struct Drawn {
    domain: Domain,
    paths: Vec<(&'static str, String)>,
    dots: Vec<(&'static str, f64, f64)>,
    x_ticks: Vec<(f64, String)>,
    y_ticks: Vec<(f64, String)>,
}

fn draw(f: Frame, lines: &[Line], log_y: bool, clamp: Option<(f64, f64)>) -> Option<Drawn> {
    let mut domain = Domain::fit(lines.iter().flat_map(|l| l.points.iter()), log_y)?;
    if let Some((lo, hi)) = clamp {
        domain = domain.clamp_y(lo, hi);
    }
    // Areas first, so the lines are drawn over them.
    let paths = lines
        .iter()
        .filter(|l| l.area)
        .map(|l| (l.class, line_path(&f, &domain, &l.points) + "Z"))
        .chain(lines.iter().filter(|l| !l.area).map(|l| (l.class, line_path(&f, &domain, &l.points))))
        .collect();
    let dots = lines
        .iter()
        .filter(|l| l.dots)
        .flat_map(|l| l.points.iter().map(move |&(x, y)| (l.class, x, y)))
        .filter(|(_, x, y)| x.is_finite() && y.is_finite())
        .map(|(c, x, y)| {
            let (px, py) = domain.project(&f, x as f64, y as f64);
            (c, px, py)
        })
        .filter(|(_, px, py)| {
            (f.left - 1.0..=f.left + f.plot_width() + 1.0).contains(px) && (f.top - 1.0..=f.top + f.plot_height() + 1.0).contains(py)
        })
        .collect();
    let x_ticks = nice_ticks(domain.x.0, domain.x.1, 6).into_iter().map(|v| (domain.project(&f, v, 1.0).0, tick_label(v))).collect();
    let y_ticks = if log_y {
        log_ticks(domain.y.0, domain.y.1, 6).into_iter().map(|v| (domain.project(&f, domain.x.0, v).1, tick_label(v))).collect()
    } else {
        nice_ticks(domain.y.0, domain.y.1, 5).into_iter().map(|v| (domain.project(&f, domain.x.0, v).1, tick_label(v))).collect()
    };
    Some(Drawn { domain, paths, dots, x_ticks, y_ticks })
}

/// A chart with a title, a legend and an SVG plot.
#[component]
pub fn LineChart(
    /// Heading shown above the chart.
    title: &'static str,
    /// A heading that changes, shown instead of `title`.
    #[prop(optional, into)]
    heading: Option<Signal<String>>,
    /// `data-testid` of the `<figure>`.
    testid: &'static str,
    lines: Signal<Vec<Line>>,
    /// Text read by screen readers: what the chart shows right now.
    label: Signal<String>,
    x_label: &'static str,
    #[prop(optional)] log_y: bool,
    /// Span the whole row of the chart grid.
    #[prop(optional)]
    wide: bool,
    /// Limits for the y axis, so a runaway line cannot squash the others.
    #[prop(optional, into)]
    clamp_y: Option<Signal<Option<(f64, f64)>>>,
    /// Shown instead of the plot while there is nothing to draw.
    empty: &'static str,
    /// A line under the plot saying how to read it.
    #[prop(optional)]
    note: &'static str,
    /// Called with the x value of a click on the plot (the chart then shows a pointer cursor);
    /// whatever it sets must also be reachable without a mouse.
    #[prop(optional, into)]
    on_pick: Option<Callback<f64>>,
) -> impl IntoView {
    let clip_id = format!("clip-{testid}");
    let figure = NodeRef::<leptos::html::Figure>::new();
    let width = RwSignal::new(if wide { 1140.0 } else { 560.0 });
    // `try_` reads: an animation frame asked for just before the lesson switched away runs after
    // the chart's signals are gone, and must then do nothing.
    let measure = move || {
        let (Some(Some(el)), Some(old)) = (figure.try_get_untracked(), width.try_get_untracked()) else { return };
        // The figure's content box: its width minus its horizontal padding (0.7rem each side).
        let w = el.client_width() as f64 - 22.0;
        if w > 100.0 && (w - old).abs() >= 1.0 {
            width.try_set(w.round());
        }
    };
    Effect::new(move |_| {
        if figure.get().is_some() {
            request_animation_frame(measure);
        }
    });
    // A chart lives only as long as its lesson's view (a `<Show>` branch): the listener goes with
    // it, or a resize after a lesson switch would read the chart's disposed signals.
    let resize = window_event_listener(leptos::ev::resize, move |_| measure());
    on_cleanup(move || resize.remove());
    let frame = Memo::new(move |_| frame_for(width.get(), wide));
    let drawn = Memo::new(move |_| {
        let f = frame.get();
        lines.with(|l| draw(f, l, log_y, clamp_y.and_then(|c| c.get())))
    });
    // The legend changes only when the set of lines does, not with every new point.
    let entries = Memo::new(move |_| {
        lines.with(|ls| ls.iter().filter(|l| !l.hide_in_legend).map(|l| (l.label, l.class, l.dots, l.area)).collect::<Vec<_>>())
    });
    let legend = move || {
        entries
            .get()
            .into_iter()
            .map(|(label, class, dots, area)| {
                view! {
                    <li><span class=format!("swatch {class}") class:dot-swatch=dots class:area-swatch=area aria-hidden="true"></span>{label}</li>
                }
            })
            .collect_view()
    };
    let clip_url = format!("url(#{clip_id})");
    let plot = move || {
        let f = frame.get();
        let clip = clip_url.clone();
        let body = match drawn.get() {
            None => view! {
                <text class="empty" x=f.left + f.plot_width() / 2.0 y=f.top + f.plot_height() / 2.0 text-anchor="middle">{empty}</text>
            }
            .into_any(),
            Some(d) => view! {
                <g class="grid" aria-hidden="true">
                    {d.y_ticks.iter().map(|(y, t)| view! {
                        <line x1=f.left x2=f.left + f.plot_width() y1=*y y2=*y></line>
                        <text class="tick" x=f.left - 6.0 y=*y + 4.0 text-anchor="end">{t.clone()}</text>
                    }).collect_view()}
                    {d.x_ticks.iter().map(|(x, t)| view! {
                        <line x1=*x x2=*x y1=f.top y2=f.top + f.plot_height()></line>
                        <text class="tick" x=*x y=f.height - 10.0 text-anchor="middle">{t.clone()}</text>
                    }).collect_view()}
                </g>
                <g clip-path=clip aria-hidden="true">
                    {d.paths.into_iter().map(|(class, path)| view! {
                        <path class=format!("line {class}") d=path></path>
                    }).collect_view()}
                </g>
                // Dots stay outside the clip: a point on the plot's edge (the last epoch's
                // figure, at the right end) is drawn whole, not cut in half.
                <g aria-hidden="true">
                    {d.dots.into_iter().map(|(class, x, y)| view! {
                        <circle class=format!("dot {class}") cx=x cy=y r="2.8"></circle>
                    }).collect_view()}
                </g>
            }
            .into_any(),
        };
        let pick = move |ev: leptos::ev::MouseEvent| {
            let (Some(cb), Some(d)) = (on_pick, drawn.get_untracked()) else { return };
            let Some(el) = ev.current_target().and_then(|t| wasm_bindgen::JsCast::dyn_into::<web_sys::Element>(t).ok()) else { return };
            let rect = el.get_bounding_client_rect();
            if rect.width() <= 0.0 {
                return;
            }
            let px = (ev.client_x() as f64 - rect.left()) / rect.width() * f.width;
            if let Some(x) = d.domain.x_at(&f, px) {
                cb.run(x);
            }
        };
        view! {
            <svg viewBox=format!("0 0 {} {}", f.width, f.height) role="img" aria-label=move || label.get() class="plot" class:pickable=on_pick.is_some() on:click=pick>
                <defs>
                    <clipPath id=clip_id.clone()>
                        <rect x=f.left y=f.top width=f.plot_width() height=f.plot_height()></rect>
                    </clipPath>
                </defs>
                <rect class="plot-bg" x=f.left y=f.top width=f.plot_width() height=f.plot_height()></rect>
                {body}
                <text class="axis-label" x=f.left + f.plot_width() y=f.height - 1.0 text-anchor="end" aria-hidden="true">{x_label}</text>
            </svg>
        }
    };
    // The file is named for the chart: "unroll-loss-chart.png".
    let save = move |png: bool| {
        if let Some(el) = figure.get_untracked() {
            super::chart_export::save_chart(&el, &format!("unroll-{testid}"), png);
        }
    };
    view! {
        <figure class="chart" class:wide=wide data-testid=testid node_ref=figure>
            <figcaption>
                <h2>{move || heading.map_or_else(|| title.to_string(), |h| h.get())}</h2>
                <ul class="legend">{legend}</ul>
                <span class="chart-save" role="group" aria-label=fill(t().charts.save_chart, &[("title", &title)])>
                    <button type="button" class="link-button" data-testid=format!("{testid}-svg") on:click=move |_| save(false)>"SVG"</button>
                    <button type="button" class="link-button" data-testid=format!("{testid}-png") on:click=move |_| save(true)>"PNG"</button>
                </span>
            </figcaption>
            {plot}
            {(!note.is_empty()).then(|| view! { <p class="chart-note" data-testid=format!("{testid}-note")>{note}</p> })}
        </figure>
    }
}
