//! The status bar: catalog name and size, how the shown answer was found (the weight of meaning, HNSW or exact, embed and search ms), a cut query, a message, and key hints as room allows.

use std::time::Duration;

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use unicode_width::UnicodeWidthStr;

use super::clip;
use crate::embed::MAX_TOKENS;
use crate::search::Steering;
use crate::tui::action::Command;
use crate::tui::app::{App, AuditState, Phase, Subject};

/// Milliseconds as a number: whole from 10 up, else to two decimals.
fn number(time: Duration) -> String {
    let ms = time.as_secs_f64() * 1e3;
    if ms >= 10.0 {
        format!("{ms:.0}")
    } else {
        format!("{ms:.2}")
    }
}

fn ms(time: Duration) -> String {
    format!("{} ms", number(time))
}

pub fn draw(frame: &mut Frame, app: &App, area: Rect) {
    let theme = &app.theme();
    let name = crate::safe_text::display(app.catalog_name());
    let mut left = vec![Span::styled(format!(" {name}"), theme.accent)];
    match app.phase() {
        Phase::Starting(_) => left.push(Span::raw(" · opening…")),
        Phase::Failed(_) => left.push(Span::styled(" · not opened", theme.error)),
        Phase::Ready(corpus) => {
            left.push(Span::raw(format!(" · {} products", corpus.catalog.len())));
            left.push(Span::styled(" │ ", theme.muted));
            left.push(Span::raw(answer_text(app)));
        }
    }
    if app.step().info.is_some_and(|i| i.truncated) {
        left.push(Span::styled(" │ ", theme.muted));
        left.push(Span::styled(
            format!("query cut to {MAX_TOKENS} tokens"),
            theme.error,
        ));
    }
    let width = usize::from(area.width);
    let left_width: usize = left.iter().map(|s| s.content.width()).sum();
    let line = if let Some(flash) = app.flash() {
        let style = if flash.error {
            theme.error
        } else {
            theme.title
        };
        let message = Span::styled(
            format!("{} ", crate::safe_text::display(&flash.text)),
            style,
        );
        if left_width + 2 + message.content.width() <= width {
            right_aligned(left, vec![message], width)
        } else {
            // A message matters more than the timings.
            clip(
                vec![left.remove(0), Span::styled(" │ ", theme.muted), message],
                width,
            )
        }
    } else {
        // As many hints as fit, the most useful first.
        let mut hints = hints(app);
        while left_width + 2 + hints.iter().map(|s| s.content.width()).sum::<usize>() > width
            && !hints.is_empty()
        {
            hints.truncate(hints.len() - 2);
        }
        right_aligned(left, hints, width)
    };
    frame.render_widget(Paragraph::new(line), area);
}

fn right_aligned(
    mut left: Vec<Span<'static>>,
    right: Vec<Span<'static>>,
    width: usize,
) -> Line<'static> {
    let used: usize = left.iter().chain(&right).map(|s| s.content.width()).sum();
    left.push(Span::raw(" ".repeat(width.saturating_sub(used))));
    left.extend(right);
    clip(left, width)
}

fn answer_text(app: &App) -> String {
    if let Some(lens) = app.lens() {
        return match &lens.state {
            AuditState::Running { done, total } => format!("auditing {done} of {total}…"),
            AuditState::Ready(audit) => format!(
                "audit of {} products · duplicates at cosine ≥ {}",
                audit.audited,
                crate::audit::DEFAULT_MIN_SCORE
            ),
            AuditState::Failed(_) => "audit failed".into(),
        };
    }
    if app.pending() {
        return "searching…".into();
    }
    let step = app.step();
    match (&step.subject, step.info) {
        (_, None) => "catalog order".into(),
        (Subject::Like { kept, rejected }, Some(info)) => {
            let vectors = match kept.len() + rejected.len() {
                1 => "stored vector".to_string(),
                n => format!("{} of {n} stored vectors", Steering::default()),
            };
            format!(
                "{} · {vectors} · search {}",
                info.method,
                ms(info.search_time)
            )
        }
        (Subject::Query(_), Some(info)) => {
            let embed = info
                .embed_time
                .map_or_else(String::new, |t| format!("embed {} + ", number(t)));
            format!(
                "meaning {:.1} · {} · {embed}search {}",
                app.semantic_ratio(),
                info.method,
                ms(info.search_time)
            )
        }
    }
}

fn hints(app: &App) -> Vec<Span<'static>> {
    let keys = app.keymap();
    let mut hints = vec![(keys.hint(Command::Help), "help")];
    if app.lens().is_some() {
        hints.push((keys.hint(Command::Pivot), "like this"));
        hints.push((keys.hint(Command::Export), "save"));
    } else if matches!(app.phase(), Phase::Ready(_)) {
        hints.push((keys.hint(Command::Pivot), "like this"));
        hints.push((keys.hint(Command::ToggleFocus), "pane"));
    }
    hints.push((keys.hint(Command::Back), "back"));
    hints.push((keys.hint(Command::Quit), "quit"));
    let mut spans = Vec::new();
    for (key, what) in hints {
        spans.push(Span::styled(key, app.theme().accent));
        spans.push(Span::styled(format!(" {what}  "), app.theme().muted));
    }
    spans
}
