//! The query line: a prompt, the `like: <title>` chip of a pivot or the typed text (scrolled to keep the cursor in view), and the trail of steps as the box's title.

use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use unicode_width::UnicodeWidthStr;

use super::layout::Areas;
use super::{fit, pane_block};
use crate::tui::app::{App, Phase, Subject};

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
    let mut spans = vec![Span::styled(PROMPT, app.theme().accent)];
    let mut used = PROMPT.width();
    match &app.step().subject {
        Subject::Like { title, .. } => {
            let chip = format!(" like: {} ", fit(title, width.saturating_sub(used + 10)));
            spans.push(Span::styled(chip, app.theme().chip));
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
            Subject::Like { title, .. } => format!("like: {title}"),
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
