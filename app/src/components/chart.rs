//! The growth chart: grouped bars per cohort year, drawn as SVG by the app (readable on a phone),
//! with a table beside it for screen readers.

use leptos::prelude::*;

use imp_shared::dashboard::GrowthPoint;

use crate::i18n::{use_i18n, Msg};

const WIDTH: f64 = 340.0;
const HEIGHT: f64 = 200.0;
const LEFT: f64 = 34.0;
const BOTTOM: f64 = 24.0;
const TOP: f64 = 12.0;

/// The chart for the dashboard.
#[component]
pub fn GrowthChart(points: Signal<Vec<GrowthPoint>>) -> impl IntoView {
    let i18n = use_i18n();
    let series = [
        (Msg::Organizations, "series-organizations"),
        (Msg::Mentors, "series-mentors"),
        (Msg::Students, "series-students"),
    ];
    let chart = move || {
        let points = points.get();
        let max = points
            .iter()
            .map(|p| p.organizations.max(p.mentors).max(p.students))
            .max()
            .unwrap_or(1)
            .max(1);
        // A round top for the axis: the next multiple of 50.
        let top_value = max.div_ceil(50) * 50;
        let plot_height = HEIGHT - BOTTOM - TOP;
        let group_width = (WIDTH - LEFT) / points.len().max(1) as f64;
        let bar_width = (group_width - 16.0) / 3.0;
        let y = |value: usize| TOP + plot_height - plot_height * value as f64 / top_value as f64;
        let grid: Vec<usize> = (0..=4).map(|step| top_value * step / 4).collect();
        view! {
            <svg class="chart" viewBox=format!("0 0 {WIDTH} {HEIGHT}") role="img" aria-labelledby="growth-title"
                data-testid="growth-chart">
                <title id="growth-title">{i18n.tr(Msg::GrowthTitle)}</title>
                {grid.into_iter().map(|value| view! {
                    <line class="chart-grid" x1=LEFT x2=WIDTH y1=y(value) y2=y(value) />
                    <text class="chart-axis" x=LEFT - 4.0 y=y(value) + 4.0 text-anchor="end">{value}</text>
                }).collect_view()}
                {points.iter().enumerate().map(|(index, point)| {
                    let x0 = LEFT + group_width * index as f64 + 8.0;
                    let values = [point.organizations, point.mentors, point.students];
                    view! {
                        <g data-year=point.year>
                            {values.into_iter().zip(series).enumerate().map(|(n, (value, (_, class)))| view! {
                                <rect class=class x=x0 + bar_width * n as f64 y=y(value) width=bar_width - 2.0
                                    height=(TOP + plot_height - y(value)).max(0.0) data-value=value />
                                <text class="chart-value" x=x0 + bar_width * n as f64 + bar_width / 2.0 - 1.0
                                    y=y(value) - 2.0 text-anchor="middle">{value}</text>
                            }).collect_view()}
                            <text class="chart-axis" x=x0 + group_width / 2.0 - 8.0 y=HEIGHT - 6.0
                                text-anchor="middle">{point.year}</text>
                        </g>
                    }
                }).collect_view()}
            </svg>
        }
    };
    view! {
        <figure class="chart-figure">
            {chart}
            <figcaption class="chart-legend">
                {series.into_iter().map(|(label, class)| view! {
                    <span class="legend-item"><span class=format!("legend-swatch {class}")
                        aria-hidden="true"></span>{move || i18n.t(label)}</span>
                }).collect_view()}
            </figcaption>
            <table class="visually-hidden">
                <caption>{i18n.tr(Msg::GrowthTitle)}</caption>
                <thead>
                    <tr>
                        <th scope="col">{i18n.tr(Msg::CohortYear)}</th>
                        <th scope="col">{i18n.tr(Msg::Organizations)}</th>
                        <th scope="col">{i18n.tr(Msg::Mentors)}</th>
                        <th scope="col">{i18n.tr(Msg::Students)}</th>
                    </tr>
                </thead>
                <tbody>
                    {move || points.get().into_iter().map(|p| view! {
                        <tr>
                            <th scope="row">{p.year}</th>
                            <td>{p.organizations}</td>
                            <td>{p.mentors}</td>
                            <td>{p.students}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </figure>
    }
}
