//! The audit lens, drawn over the panes: its rows (duplicate groups, then miscategorised products) on the left; on the right the selected group's members side by side with the fields that differ highlighted, or the miscategorised product with its neighbours and their categories. While the audit runs, its progress.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use super::layout::Areas;
use super::{clip, fit, gauge, pad, pane_block, score_spans};
use crate::audit::{Audit, DuplicateGroup, Miscategorised};
use crate::catalog::{Product, extra_names};
use crate::search::Corpus;
use crate::tui::action::Command;
use crate::tui::app::{App, AuditState, Lens, LensRow};

/// The narrowest column of a group member.
const MEMBER_WIDTH: usize = 18;
/// The width of the field names' column.
const LABEL_WIDTH: usize = 12;

pub fn draw(frame: &mut Frame, app: &App, corpus: &Corpus, lens: &Lens, areas: &Areas) {
    let (list_area, evidence) = split(areas);
    let title = match &lens.state {
        AuditState::Ready(audit) => format!(
            " audit · {} duplicate groups · {} miscategorised ",
            audit.duplicates.len(),
            audit.miscategorised.len(),
        ),
        AuditState::Running { .. } => " audit · running… ".to_string(),
        AuditState::Failed(_) => " audit · failed ".to_string(),
    };
    if areas.bordered {
        frame.render_widget(pane_block(app, title, true), list_area);
        if let Some(area) = evidence {
            frame.render_widget(
                Paragraph::new("").block(pane_block(app, " evidence ", false)),
                area,
            );
        }
    }
    let inner = areas.inner(list_area);
    match &lens.state {
        AuditState::Running { done, total } => draw_progress(frame, app, inner, *done, *total),
        AuditState::Failed(message) => {
            let text = Line::styled(crate::safe_text::display(message), app.theme().error);
            frame.render_widget(Paragraph::new(text).wrap(Wrap { trim: true }), inner);
        }
        AuditState::Ready(audit) => {
            draw_rows(frame, app, corpus, lens, audit, inner);
            if let (Some(area), Some(row)) = (evidence, lens.selected_row()) {
                let inner = areas.inner(area);
                let lines = match row {
                    LensRow::Duplicates(group) => {
                        group_lines(app, corpus, group, lens.member, inner)
                    }
                    LensRow::Miscategorised(m) => moved_lines(app, corpus, m, inner),
                };
                frame.render_widget(Paragraph::new(lines), inner);
            }
        }
    }
}

/// The lens's list and its evidence pane: the panes' places, the evidence taking more of the
/// width when they are side by side (members stand in columns there).
fn split(areas: &Areas) -> (Rect, Option<Rect>) {
    let evidence = match (areas.detail, areas.alikes) {
        (Some(detail), Some(alikes)) => detail.union(alikes),
        (Some(one), None) | (None, Some(one)) => one,
        (None, None) => return (areas.results, None),
    };
    if evidence.x > areas.results.x {
        let [list, evidence] =
            Layout::horizontal([Constraint::Percentage(45), Constraint::Percentage(55)])
                .areas(areas.results.union(evidence));
        (list, Some(evidence))
    } else {
        (areas.results, Some(evidence))
    }
}

fn draw_progress(frame: &mut Frame, app: &App, inner: Rect, done: usize, total: usize) {
    let width = usize::from(inner.width).saturating_sub(2).min(50);
    let lines = vec![
        Line::styled(
            "finding each product's nearest neighbours in the graph",
            app.theme().title,
        ),
        Line::raw(""),
        gauge(app, done, total, width),
        Line::raw(format!("{done} / {total} products")),
        Line::raw(""),
        Line::styled(
            format!(
                "Searching still works: {} goes back to the results.",
                app.keymap().hint(Command::Back)
            ),
            app.theme().muted,
        ),
    ];
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: true }), inner);
}

fn draw_rows(
    frame: &mut Frame,
    app: &App,
    corpus: &Corpus,
    lens: &Lens,
    audit: &Audit,
    inner: Rect,
) {
    let rows = lens.rows();
    if rows.is_empty() {
        let text = format!(
            "No near-duplicates and no miscategorised products among the {} audited.",
            audit.audited
        );
        let paragraph = Paragraph::new(Line::styled(text, app.theme().muted));
        frame.render_widget(paragraph.wrap(Wrap { trim: true }), inner);
        return;
    }
    let width = usize::from(inner.width);
    let products = &corpus.catalog.products;
    let lines: Vec<Line> = rows
        .iter()
        .enumerate()
        .skip(lens.offset)
        .take(usize::from(inner.height))
        .map(|(n, row)| {
            let mut spans = Vec::new();
            match row {
                LensRow::Duplicates(group) => {
                    spans.push(Span::styled("same ", app.theme().accent));
                    spans.push(Span::raw(format!(
                        "{:.3} ×{:<2} ",
                        group.score,
                        group.members.len()
                    )));
                    let first = &products[group.members[0] as usize];
                    spans.push(Span::raw(fit(&first.title, width.saturating_sub(15))));
                }
                LensRow::Miscategorised(m) => {
                    spans.push(Span::styled("move ", app.theme().accent));
                    spans.push(Span::raw(format!(
                        "{:.3} {:>3.0}% ",
                        m.margin,
                        m.confidence * 100.0
                    )));
                    let product = &products[m.product as usize];
                    let suggested = format!(" → {}", fit(&m.suggested, 18));
                    let room = width.saturating_sub(15 + suggested.chars().count());
                    spans.push(Span::raw(pad(&product.title, room)));
                    spans.push(Span::styled(suggested, app.theme().title));
                }
            }
            let line = clip(spans, width);
            if n == lens.selected {
                line.patch_style(app.theme().selected)
            } else {
                line
            }
        })
        .collect();
    frame.render_widget(Paragraph::new(lines), inner);
}

/// The fields every group member is shown with, before the catalog's others.
const FIELDS: [&str; 7] = [
    "id",
    "title",
    "brand",
    "category",
    "price",
    "tags",
    "description",
];

/// A field of a product as shown in a member's column.
fn field_value(product: &Product, field: &str) -> String {
    if FIELDS.contains(&field) {
        product.field_text(field)
    } else {
        product.extra(field).unwrap_or_default().to_string()
    }
}

/// The group's members in columns, as many as fit around the chosen one, one line per field;
/// the fields that differ are highlighted (a differing size is in the title).
fn group_lines(
    app: &App,
    corpus: &Corpus,
    group: &DuplicateGroup,
    member: usize,
    inner: Rect,
) -> Vec<Line<'static>> {
    let width = usize::from(inner.width);
    let fits = (width.saturating_sub(LABEL_WIDTH) / MEMBER_WIDTH).max(1);
    let shown = fits.min(group.members.len());
    let first = member
        .saturating_sub(shown - 1)
        .min(group.members.len() - shown);
    let column = width.saturating_sub(LABEL_WIDTH) / shown;
    let members: Vec<&Product> = group.members[first..first + shown]
        .iter()
        .map(|&m| &corpus.catalog.products[m as usize])
        .collect();
    let differs = |field: &str| {
        group.differs.iter().any(|d| d == field)
            || (field == "title" && group.differs.iter().any(|d| d == "size"))
    };
    let mut lines = vec![
        Line::from(vec![
            Span::styled(
                format!("{} products", group.members.len()),
                app.theme().title,
            ),
            Span::raw(format!(" · weakest link {:.3}", group.score)),
            Span::styled(
                if shown < group.members.len() {
                    format!(" · {}-{} shown (←→)", first + 1, first + shown)
                } else {
                    String::new()
                },
                app.theme().muted,
            ),
        ]),
        Line::raw(""),
    ];
    let extra = extra_names(&members);
    for field in FIELDS.into_iter().chain(extra) {
        let style = if differs(field) {
            app.theme().chip
        } else {
            Style::new()
        };
        let mut spans = vec![Span::styled(pad(field, LABEL_WIDTH), app.theme().muted)];
        for (n, product) in members.iter().enumerate() {
            let value = pad(&field_value(product, field), column.saturating_sub(1));
            let style = if field == "id" && first + n == member {
                app.theme().selected
            } else {
                style
            };
            spans.push(Span::styled(value, style));
            spans.push(Span::raw(" "));
        }
        lines.push(clip(spans, width));
    }
    lines.push(Line::raw(""));
    let differs = if group.differs.is_empty() {
        "nothing: the same text twice".to_string()
    } else {
        group.differs.join(", ")
    };
    lines.push(Line::from(vec![
        Span::styled("differs: ", app.theme().muted),
        Span::styled(differs, app.theme().title),
    ]));
    lines.push(Line::styled(
        format!(
            "{} more like the highlighted one",
            app.keymap().hint(Command::Pivot)
        ),
        app.theme().muted,
    ));
    lines
}

/// The miscategorised product, its category and the suggested one, then the neighbours that
/// vote for the suggested one with their similarity and category.
fn moved_lines(app: &App, corpus: &Corpus, m: &Miscategorised, inner: Rect) -> Vec<Line<'static>> {
    let width = usize::from(inner.width);
    let products = &corpus.catalog.products;
    let product = &products[m.product as usize];
    let mut lines = vec![
        clip(
            vec![Span::styled(
                crate::safe_text::display(&product.title),
                app.theme().title,
            )],
            width,
        ),
        clip(
            vec![
                Span::styled(crate::safe_text::display(&product.id), app.theme().accent),
                Span::raw(" · filed in "),
                Span::styled(fit(&product.category, width / 3), app.theme().rejected),
                Span::raw(" · its neighbours say "),
                Span::styled(fit(&m.suggested, width / 3), app.theme().chip),
            ],
            width,
        ),
        Line::raw(format!(
            "vote share {:.0}% · nearer that category by {:.3}",
            m.confidence * 100.0,
            m.margin
        )),
        Line::raw(""),
        Line::styled(
            format!(
                "its neighbours in {}, strongest first",
                crate::safe_text::display(&m.suggested)
            ),
            app.theme().muted,
        ),
    ];
    let category = 18.min(width / 3);
    let title_width = width.saturating_sub(category + 13);
    for hit in &m.evidence {
        let neighbour = &products[hit.index as usize];
        let mut spans = score_spans(hit.score, 5, app);
        spans.push(Span::raw(format!(
            " {}",
            pad(&neighbour.title, title_width)
        )));
        spans.push(Span::styled(
            format!(" {}", fit(&neighbour.category, category)),
            app.theme().title,
        ));
        lines.push(clip(spans, width));
    }
    lines
}
