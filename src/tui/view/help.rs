//! The help overlay: every command with its keys (from the keymap, so rebinding shows), typing and the mouse, in as many columns as the height needs.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph};

use super::{fit, pad, pane_block};
use crate::tui::action::Command;
use crate::tui::app::App;

const KEY_WIDTH: usize = 16;
/// The width of one column of keys, at most.
const COLUMN_WIDTH: u16 = 44;

pub fn draw(frame: &mut Frame, app: &App) {
    let mut entries: Vec<(String, &str)> = vec![
        ("letters".into(), "search by meaning"),
        ("?".into(), "help (on an empty line)"),
        ("wheel / click".into(), "scroll / select"),
    ];
    for &command in Command::ALL {
        let keys: Vec<String> = app
            .keymap()
            .keys_of(command)
            .iter()
            .map(|k| k.label())
            .collect();
        let keys = if keys.is_empty() {
            "(none)".into()
        } else {
            keys.join(" ")
        };
        entries.push((keys, command.describe()));
    }
    let screen = frame.area();
    let area = Rect {
        x: screen.x + 1,
        y: screen.y + 1,
        width: screen.width.saturating_sub(2).min(110),
        height: screen.height.saturating_sub(2),
    };
    if area.width < 10 || area.height < 3 {
        return;
    }
    let rows = usize::from(area.height - 2).max(1);
    let columns = entries.len().div_ceil(rows);
    let width = (COLUMN_WIDTH * columns as u16 + 2).min(area.width);
    let area = Rect {
        x: screen.x + (screen.width - width) / 2,
        width,
        height: (entries.len().div_ceil(columns) as u16 + 2).min(area.height),
        ..area
    };
    frame.render_widget(Clear, area);
    let block = pane_block(app, " keys · any key closes ", true);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let constraints = vec![Constraint::Ratio(1, columns as u32); columns];
    let cells = Layout::horizontal(constraints).split(inner);
    for (chunk, cell) in entries.chunks(rows).zip(cells.iter()) {
        let width = usize::from(cell.width);
        let key_width = KEY_WIDTH.min(width / 2);
        let lines: Vec<Line> = chunk
            .iter()
            .map(|(keys, what)| {
                Line::from(vec![
                    Span::styled(pad(keys, key_width), app.theme().accent),
                    Span::raw(" "),
                    Span::raw(fit(what, width.saturating_sub(key_width + 2))),
                ])
            })
            .collect();
        frame.render_widget(Paragraph::new(lines), *cell);
    }
}
