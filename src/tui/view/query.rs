//! The query line: a prompt, the chip of the filter in force, the `like: <title>` chip of a pivot or the typed text (scrolled to keep the cursor in view), and the trail of steps as the box's title; or, while a filter is typed, the filter line with its error marked or its completions.

use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use unicode_width::UnicodeWidthStr;

use super::layout::Areas;
use super::{clip, fit, pane_block};
use crate::tui::app::{App, Example, FilterEdit, Phase, Subject};

const PROMPT: &str = "› ";

pub fn draw(frame: &mut Frame, app: &App, areas: &Areas) {
    let inner = areas.inner(areas.query);
    if areas.bordered {
        let title = breadcrumb(app, usize::from(areas.query.width.saturating_sub(4)));
        let block = pane_block(app, Line::from(title), false);
        frame.render_widget(block, areas.query);
    }
    if inner.width == 0 || inner.height == 0 {
        return;
    }
    let width = usize::from(inner.width);
    if let Some(edit) = app.filter_edit() {
        draw_filter_line(frame, app, inner, edit);
        return;
    }
    let mut spans = vec![Span::styled(PROMPT, app.theme().accent)];
    let mut used = PROMPT.width();
    if let Some(filter) = app.filter() {
        let chip = format!(" filter: {} ", fit(filter, (width / 3).max(8)));
        used += chip.width() + 1;
        spans.push(Span::styled(chip, app.theme().chip));
        spans.push(Span::raw(" "));
    }
    match &app.step().subject {
        Subject::Like { kept, rejected } => {
            spans.extend(example_chips(
                app,
                kept,
                rejected,
                width.saturating_sub(used),
            ));
        }
        Subject::Query(line) if line.is_empty() => {
            let hint = match app.phase() {
                Phase::Failed(_) => "",
                _ => "type to search by meaning · ? for help",
            };
            spans.push(Span::styled(
                fit(hint, width.saturating_sub(used)),
                app.theme().muted,
            ));
            set_cursor(frame, app, inner, used);
        }
        Subject::Query(line) => {
            let room = width.saturating_sub(used + 1);
            let (shown, cursor) = window(line.text(), line.cursor(), room);
            used += cursor;
            spans.push(Span::raw(shown));
            set_cursor(frame, app, inner, used);
        }
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), inner);
}

/// A chip for each example, `like: <title>` for the kept and `not: <title>` for the rejected,
/// their titles cut to share `room` columns.
fn example_chips(
    app: &App,
    kept: &[Example],
    rejected: &[Example],
    room: usize,
) -> Vec<Span<'static>> {
    let count = kept.len() + rejected.len();
    // Each chip's frame: the label, two spaces of padding and one between chips.
    let title_room = (room / count.max(1)).saturating_sub(9).max(6);
    let chips = kept
        .iter()
        .map(|e| ("like", e, app.theme().chip))
        .chain(rejected.iter().map(|e| ("not", e, app.theme().rejected)));
    let spans: Vec<Span<'static>> = chips
        .flat_map(|(label, example, style)| {
            let chip = format!(" {label}: {} ", fit(&example.title, title_room));
            [Span::styled(chip, style), Span::raw(" ")]
        })
        .collect();
    clip(spans, room).spans
}

const FILTER_PROMPT: &str = "filter › ";

/// The filter being typed: its text with the error's span marked, then the error, or the
/// completions on offer (Tab takes the first).
fn draw_filter_line(frame: &mut Frame, app: &App, inner: Rect, edit: &FilterEdit) {
    let width = usize::from(inner.width);
    let theme = app.theme();
    let text = edit.line.text();
    let mut spans = vec![Span::styled(FILTER_PROMPT, theme.accent)];
    let room = width.saturating_sub(FILTER_PROMPT.width() + 1);
    let (shown, cursor) = window(text, edit.line.cursor(), room);
    let fits = shown == text;
    match &edit.error {
        // Marked where it is when the whole text is in view; its message says the column anyway.
        Some(error) if fits => {
            let chars: Vec<char> = text.chars().collect();
            let start = (error.column - 1).min(chars.len());
            let end = (start + error.len).min(chars.len());
            let part = |range: std::ops::Range<usize>| chars[range].iter().collect::<String>();
            spans.push(Span::raw(part(0..start)));
            spans.push(Span::styled(
                part(start..end),
                theme.error.add_modifier(Modifier::UNDERLINED),
            ));
            spans.push(Span::raw(part(end..chars.len())));
            if end == chars.len() && start == end {
                spans.push(Span::styled("_", theme.error));
            }
        }
        _ => spans.push(Span::raw(shown)),
    }
    let after = if let Some(error) = &edit.error {
        Span::styled(format!("  {error}"), theme.error)
    } else if edit.completions.is_empty() {
        Span::styled("  enter applies · esc leaves it as it was", theme.muted)
    } else {
        let labels: Vec<&str> = edit.completions.iter().map(|c| c.label.as_str()).collect();
        Span::styled(format!("  tab: {}", labels.join(" · ")), theme.muted)
    };
    spans.push(after);
    frame.render_widget(Paragraph::new(clip(spans, width)), inner);
    set_cursor(frame, app, inner, FILTER_PROMPT.width() + cursor);
}

fn set_cursor(frame: &mut Frame, app: &App, inner: Rect, column: usize) {
    if !app.help_open() && !matches!(app.phase(), Phase::Failed(_)) {
        let x = inner
            .x
            .saturating_add(column as u16)
            .min(inner.right().saturating_sub(1));
        frame.set_cursor_position(Position::new(x, inner.y));
    }
}

/// The part of `text` that fits in `room` columns with the cursor in view, and the cursor's column in it.
fn window(text: &str, cursor: usize, room: usize) -> (String, usize) {
    let before = &text[..cursor];
    let mut start = 0;
    while before[start..].width() > room.saturating_sub(1) && start < before.len() {
        start += before[start..].chars().next().map_or(1, char::len_utf8);
    }
    let shown = fit(&text[start..], room);
    (shown, before[start..].width())
}

/// The trail as a title: `"coffee hot" › like: Travel Mug › like: …`, cut from the left to fit.
fn breadcrumb(app: &App, width: usize) -> Vec<Span<'static>> {
    let mut title = vec![Span::styled(" lookalike ", app.theme().title)];
    if app.trail().len() < 2 {
        return title;
    }
    let steps: Vec<String> = app
        .trail()
        .iter()
        .map(|step| match &step.subject {
            Subject::Query(line) if line.is_empty() => "all products".to_string(),
            Subject::Query(line) => format!("\"{}\"", line.text()),
            Subject::Like { kept, rejected } => {
                let titles = |marks: &[Example]| {
                    marks
                        .iter()
                        .map(|m| m.title.as_str())
                        .collect::<Vec<_>>()
                        .join(" + ")
                };
                if rejected.is_empty() {
                    format!("like: {}", titles(kept))
                } else {
                    format!("like: {}, not: {}", titles(kept), titles(rejected))
                }
            }
        })
        .collect();
    let room = width.saturating_sub(" lookalike ".width() + 2);
    // The newest steps matter most: leave out the oldest until the rest fits.
    let text = (0..steps.len())
        .map(|start| {
            let rest = steps[start..].join(" › ");
            if start == 0 {
                rest
            } else {
                format!("… › {rest}")
            }
        })
        .find(|text| text.width() <= room)
        .unwrap_or_else(|| format!("… › {}", steps[steps.len() - 1]));
    title.push(Span::styled(
        format!("{} ", fit(&text, room)),
        app.theme().accent,
    ));
    title
}

#[cfg(test)]
mod tests {
    use super::window;

    #[test]
    fn a_long_line_scrolls_to_keep_the_cursor_in_view() {
        let text = "abcdefghijklmnopqrstuvwxyz";
        assert_eq!(window(text, 26, 10), ("rstuvwxyz".into(), 9));
        assert_eq!(window(text, 0, 10), ("abcdefghi…".into(), 0));
        assert_eq!(window("ab", 1, 10), ("ab".into(), 1));
    }
}
