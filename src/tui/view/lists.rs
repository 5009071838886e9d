//! The result list and the look-alikes pane: one row per product (rank, which side found it, title with the query's words marked, category, price, score number and bar), the selected row highlighted, columns dropped as the pane narrows.

use std::ops::Range;

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use super::layout::Areas;
use super::{clip, fit, pad, pane_block, score_spans};
use crate::catalog::format_price;
use crate::search::{Corpus, FoundBy};
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
        (Subject::Like { kept, rejected }, _) if kept.len() == 1 && rejected.is_empty() => {
            format!(" products like this · {} ", list.hits.len())
        }
        (Subject::Like { kept, rejected }, _) => format!(
            " like {} kept, unlike {} rejected · {} ",
            kept.len(),
            rejected.len(),
            list.hits.len()
        ),
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

/// `shown` (the title as fitted to its column) as spans, the byte ranges `marks` of `title`
/// styled as `style` where `shown` still has them as they are in `title`.
fn marked(title: &str, shown: &str, marks: &[Range<usize>], style: Style) -> Vec<Span<'static>> {
    let mut spans = Vec::new();
    let mut at = 0;
    for mark in marks {
        let kept = mark.start >= at
            && shown.get(mark.clone()).is_some()
            && shown.get(mark.clone()) == title.get(mark.clone());
        if kept {
            spans.push(Span::raw(shown[at..mark.start].to_string()));
            spans.push(Span::styled(shown[mark.clone()].to_string(), style));
            at = mark.end;
        }
    }
    spans.push(Span::raw(shown[at..].to_string()));
    spans
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
    // Which side found a product is said once words took part in the answer.
    let sides = list.hits.iter().any(|h| h.lexical.is_some());
    let lines: Vec<Line> = list
        .visible(usize::from(inner.height))
        .map(|(row, hit)| {
            let product = corpus.product(hit);
            let rank = if list.ranked {
                row + 1
            } else {
                hit.index as usize + 1
            };
            let rank_width = if sides { 7 } else { 4 };
            let tail = columns.category
                + if columns.price { 10 } else { 0 }
                + if list.ranked { 7 + columns.bar } else { 0 };
            let title_width = width.saturating_sub(rank_width + tail).max(1);
            let mut spans = vec![Span::styled(format!("{rank:>3} "), app.theme().muted)];
            if sides {
                let letters = hit.found_by().map_or("  ", FoundBy::letters);
                spans.push(Span::styled(format!("{letters} "), app.theme().accent));
            }
            spans.extend(marked(
                &product.title,
                &pad(&product.title, title_width),
                &hit.title_marks,
                app.theme().title,
            ));
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
