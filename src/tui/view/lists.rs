//! The result list and the look-alikes pane: one row per product (rank, title, category, price, similarity number and bar), the selected row highlighted, columns dropped as the pane narrows.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use super::layout::Areas;
use super::{clip, fit, pad, pane_block, score_spans};
use crate::catalog::format_price;
use crate::search::Corpus;
use crate::tui::action::Pane;
use crate::tui::app::picker::Picker;
use crate::tui::app::{App, Subject};

/// Which columns a row has room for.
#[derive(Clone, Copy)]
struct Columns {
    category: usize,
    price: bool,
    bar: usize,
}

impl Columns {
    fn for_width(width: usize, ranked: bool) -> Self {
        Self {
            category: if width >= 70 { (width / 6).min(18) } else { 0 },
            price: width >= 40,
            bar: if ranked && width >= 46 { 5 } else { 0 },
        }
    }
}

pub fn draw_results(frame: &mut Frame, app: &App, corpus: &Corpus, areas: &Areas) {
    let list = &app.step().list;
    let focused = app.focus() == Pane::Results;
    let title = match (&app.step().subject, list.ranked) {
        (Subject::Like { .. }, _) => format!(" products like this · {} ", list.hits.len()),
        (_, true) => format!(" closest in meaning · {} ", list.hits.len()),
        (_, false) => format!(" all products · {} ", list.hits.len()),
    };
    draw_list(
        frame,
        app,
        corpus,
        areas,
        areas.results,
        list,
        focused,
        &title,
    );
}

pub fn draw_alikes(frame: &mut Frame, app: &App, corpus: &Corpus, areas: &Areas, area: Rect) {
    let focused = app.focus() == Pane::Alikes;
    let title = " look-alikes ";
    draw_list(
        frame,
        app,
        corpus,
        areas,
        area,
        app.alikes(),
        focused,
        title,
    );
}

#[allow(clippy::too_many_arguments)]
fn draw_list(
    frame: &mut Frame,
    app: &App,
    corpus: &Corpus,
    areas: &Areas,
    area: Rect,
    list: &Picker,
    focused: bool,
    title: &str,
) {
    let inner = areas.inner(area);
    if areas.bordered {
        frame.render_widget(pane_block(app, title.to_string(), focused), area);
    }
    if list.is_empty() {
        let message = if app.pending() {
            "searching…"
        } else {
            "no products"
        };
        let paragraph =
            Paragraph::new(Line::styled(message, app.theme().muted)).wrap(Wrap { trim: true });
        frame.render_widget(paragraph, inner);
        return;
    }
    let width = usize::from(inner.width);
    let columns = Columns::for_width(width, list.ranked);
    let lines: Vec<Line> = list
        .visible(usize::from(inner.height))
        .map(|(row, hit)| {
            let product = corpus.product(&hit);
            let rank = if list.ranked {
                row + 1
            } else {
                hit.index as usize + 1
            };
            let rank_width = 4;
            let tail = columns.category
                + if columns.price { 10 } else { 0 }
                + if list.ranked { 7 + columns.bar } else { 0 };
            let title_width = width.saturating_sub(rank_width + tail).max(1);
            let mut spans = vec![
                Span::styled(format!("{rank:>3} "), app.theme().muted),
                Span::raw(pad(&product.title, title_width)),
            ];
            if columns.category > 0 {
                spans.push(Span::styled(
                    format!(" {}", pad(&product.category, columns.category - 1)),
                    app.theme().muted,
                ));
            }
            if columns.price {
                let price = product.price.map(format_price).unwrap_or_default();
                spans.push(Span::raw(format!(" {:>9}", fit(&price, 9))));
            }
            if list.ranked {
                spans.push(Span::raw(" "));
                spans.extend(score_spans(hit.score, columns.bar, app));
            }
            let mut line = clip(spans, width);
            if row == list.selected {
                let style = if focused {
                    app.theme().selected
                } else {
                    app.theme().selected_unfocused
                };
                line = line.patch_style(style);
            }
            line
        })
        .collect();
    frame.render_widget(Paragraph::new(lines), inner);
}
