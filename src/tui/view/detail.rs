//! The detail pane: every field of the selected product, its id, and its description wrapped.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use super::pane_block;
use crate::catalog::format_price;
use crate::safe_text::display;
use crate::search::Corpus;
use crate::tui::app::App;

pub fn draw(frame: &mut Frame, app: &App, corpus: &Corpus, area: Rect) {
    let block = pane_block(app, " detail ", false);
    let Some(position) = app.selected_position() else {
        let empty = Paragraph::new(Line::styled("no product selected", app.theme().muted));
        frame.render_widget(empty.block(block), area);
        return;
    };
    let product = &corpus.catalog.products[position];
    let mut lines = vec![Line::styled(display(&product.title), app.theme().title)];
    // The id, category, brand and price on one line, so that the description shows on small screens.
    let mut facts = vec![Span::styled(display(&product.id), app.theme().accent)];
    let price = product.price.map(format_price);
    for fact in [
        Some(&product.category),
        Some(&product.brand),
        price.as_ref(),
    ]
    .into_iter()
    .flatten()
    .filter(|f| !f.is_empty())
    {
        facts.push(Span::styled(" · ", app.theme().muted));
        facts.push(Span::raw(display(fact)));
    }
    lines.push(Line::from(facts));
    let field = |name: &str, value: &str| {
        Line::from(vec![
            Span::styled(format!("{}: ", display(name)), app.theme().muted),
            Span::raw(display(value)),
        ])
    };
    if !product.tags.is_empty() {
        lines.push(field("tags", &product.tags.join(", ")));
    }
    for (name, value) in &product.extra {
        lines.push(field(name, value));
    }
    if !product.description.is_empty() {
        lines.push(Line::raw(""));
        lines.push(Line::raw(display(&product.description)));
    }
    let paragraph = Paragraph::new(lines)
        .wrap(Wrap { trim: false })
        .block(block);
    frame.render_widget(paragraph, area);
}
