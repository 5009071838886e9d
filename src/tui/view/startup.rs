//! The screen while the catalog opens: the stage, a progress bar with counts, the time taken and an estimate of the time left. The query line above already takes typing.

use std::time::Duration;

use ratatui::Frame;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use super::layout::Areas;
use super::{gauge, pane_block};
use crate::search::Stage;
use crate::tui::app::{App, Startup};

const SPINNER: [char; 10] = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

pub fn draw(frame: &mut Frame, app: &App, startup: &Startup, areas: &Areas) {
    let inner = areas.inner(areas.results);
    if areas.bordered {
        let title = format!(
            " opening {} ",
            crate::safe_text::display(app.catalog_name())
        );
        frame.render_widget(pane_block(app, title, true), areas.results);
        for area in [areas.detail, areas.alikes].into_iter().flatten() {
            frame.render_widget(pane_block(app, "", false), area);
        }
    }
    let elapsed = app.now().saturating_duration_since(startup.started);
    let tick = (elapsed.as_millis() / 100) as usize % SPINNER.len();
    let (stage, done, total) = startup
        .progress
        .map_or((Stage::Loading, 0, 0), |p| (p.stage, p.done, p.total));
    let mut lines = vec![Line::from(vec![
        Span::styled(format!("{} ", SPINNER[tick]), app.theme().accent),
        Span::styled(describe(stage), app.theme().title),
    ])];
    if total > 0 {
        let width = usize::from(inner.width).saturating_sub(2).min(50);
        lines.push(Line::raw(""));
        lines.push(gauge(app, done, total, width));
        let stage_time = app.now().saturating_duration_since(startup.stage_started);
        lines.push(Line::raw(format!(
            "{done} / {total} · {}",
            estimate(stage_time, done, total)
        )));
    }
    lines.push(Line::raw(""));
    lines.push(Line::styled(
        format!(
            "{} s so far. Type now: results come when the index is ready.",
            elapsed.as_secs()
        ),
        app.theme().muted,
    ));
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: true }), inner);
}

fn describe(stage: Stage) -> &'static str {
    match stage {
        Stage::Loading => "reading the catalog",
        Stage::WaitingForCache => {
            "waiting for another lookalike that is indexing this catalog (its work is reused)"
        }
        Stage::IndexingWords => "indexing the products' words (first time only; kept in the cache)",
        Stage::LoadingModel => "loading the sentence model",
        Stage::Embedding => "embedding the products (first time only; kept in the cache)",
        Stage::Indexing => "building the HNSW index",
    }
}

/// Time left at the pace so far.
fn estimate(elapsed: Duration, done: usize, total: usize) -> String {
    if done == 0 || elapsed.is_zero() {
        return "estimating time left".into();
    }
    let left = elapsed.mul_f64((total.saturating_sub(done)) as f64 / done as f64);
    match left.as_secs() {
        0 if done >= total => "done".into(),
        0 => "under a second left".into(),
        s @ 1..=90 => format!("about {s} s left"),
        s => format!("about {} min left", s.div_ceil(60)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn estimates_from_the_pace_so_far() {
        let s = Duration::from_secs;
        assert_eq!(estimate(s(4), 100, 500), "about 16 s left");
        assert_eq!(estimate(s(60), 100, 500), "about 4 min left");
        assert_eq!(estimate(s(4), 0, 500), "estimating time left");
        assert_eq!(estimate(s(4), 500, 500), "done");
    }
}
