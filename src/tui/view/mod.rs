//! Drawing: reads `&App` and never changes it. One file per part of the screen; this one places them and holds the text helpers they share.

mod detail;
mod help;
pub mod layout;
mod lens;
mod lists;
mod query;
mod startup;
mod status;

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Paragraph, Wrap};
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

use self::layout::Areas;
use super::action::Command;
use super::app::{App, Phase};

/// Draws the whole screen.
pub fn draw(frame: &mut Frame, app: &App) {
    let areas = Areas::new(frame.area());
    query::draw(frame, app, &areas);
    match app.phase() {
        Phase::Starting(startup) => startup::draw(frame, app, startup, &areas),
        Phase::Ready(corpus) => {
            if let Some(lens) = app.lens() {
                lens::draw(frame, app, corpus, lens, &areas);
            } else {
                lists::draw_results(frame, app, corpus, &areas);
                if let Some(area) = areas.detail {
                    detail::draw(frame, app, corpus, area);
                }
                if let Some(area) = areas.alikes {
                    lists::draw_alikes(frame, app, corpus, &areas, area);
                }
            }
        }
        Phase::Failed(message) => draw_error(frame, app, message, &areas),
    }
    if let Some(area) = areas.status {
        status::draw(frame, app, area);
    }
    if app.help_open() {
        help::draw(frame, app);
    }
}

fn draw_error(frame: &mut Frame, app: &App, message: &str, areas: &Areas) {
    let area = [areas.detail, areas.alikes]
        .into_iter()
        .flatten()
        .fold(areas.results, Rect::union);
    let text = vec![
        Line::styled("The catalog could not be opened:", app.theme().error),
        Line::raw(""),
        Line::raw(crate::safe_text::display(message)),
        Line::raw(""),
        Line::styled(
            format!(
                "Press {} or {} to quit.",
                app.keymap().hint(Command::Back),
                app.keymap().hint(Command::Quit)
            ),
            app.theme().muted,
        ),
    ];
    let mut paragraph = Paragraph::new(text).wrap(Wrap { trim: false });
    if areas.bordered {
        paragraph = paragraph.block(pane_block(app, " error ", true));
    }
    frame.render_widget(paragraph, area);
}

/// A pane's border, bright when it has the focus.
fn pane_block<'a>(app: &App, title: impl Into<Line<'a>>, focused: bool) -> Block<'a> {
    let block = Block::bordered()
        .border_type(BorderType::Rounded)
        .title(title);
    if focused {
        block
            .border_style(app.theme().accent)
            .title_style(app.theme().title)
    } else {
        block.border_style(app.theme().muted)
    }
}

/// Product text made harmless and cut to `width` columns, with `…` when cut.
fn fit(text: &str, width: usize) -> String {
    let text = crate::safe_text::display(text);
    if text.width() <= width {
        return text;
    }
    let mut out = String::new();
    let mut used = 0;
    for c in text.chars() {
        let w = c.width().unwrap_or(0);
        if used + w + 1 > width {
            break;
        }
        used += w;
        out.push(c);
    }
    if width > 0 {
        out.push('…');
    }
    out
}

/// Text padded with spaces (or cut) to exactly `width` columns.
fn pad(text: &str, width: usize) -> String {
    let mut text = fit(text, width);
    let used = text.width();
    text.extend(std::iter::repeat_n(' ', width.saturating_sub(used)));
    text
}

/// A similarity as a number and a bar of `cells` cells in eighths.
fn score_spans(score: f32, cells: usize, app: &App) -> Vec<Span<'static>> {
    const EIGHTHS: [char; 9] = [' ', '▏', '▎', '▍', '▌', '▋', '▊', '▉', '█'];
    let eighths = (score.clamp(0.0, 1.0) * (cells * 8) as f32).round() as usize;
    let bar: String = (0..cells)
        .map(|i| EIGHTHS[eighths.saturating_sub(i * 8).min(8)])
        .collect();
    vec![
        Span::raw(format!("{score:>5.3} ")),
        Span::styled(bar, app.theme().bar),
    ]
}

/// A bar of `width` cells filled in the share `done` of `total`.
fn gauge(app: &App, done: usize, total: usize, width: usize) -> Line<'static> {
    let filled = (done.min(total) * width).checked_div(total).unwrap_or(0);
    Line::from(vec![
        Span::styled("█".repeat(filled), app.theme().bar),
        Span::styled("░".repeat(width - filled), app.theme().muted),
    ])
}

/// Spans cut to `width` columns in total.
fn clip(spans: Vec<Span<'static>>, width: usize) -> Line<'static> {
    let mut left = width;
    let mut out = Vec::new();
    for span in spans {
        if left == 0 {
            break;
        }
        let w = span.content.width();
        if w <= left {
            left -= w;
            out.push(span);
        } else {
            out.push(Span::styled(fit(&span.content, left), span.style));
            left = 0;
        }
    }
    Line::from(out)
}
