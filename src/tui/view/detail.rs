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
        let empty = Paragraph::new(Line::styled("no product selected", app.theme.muted));
        frame.render_widget(empty.block(block), area);
        return;
    };
    let product = &corpus.catalog.products[position];
    let field = |name: &str, value: String| {
        Line::from(vec![
            Span::styled(format!("{name:<9}"), app.theme.muted),
            Span::raw(display(&value)),
        ])
    };
    let mut lines = vec![Line::styled(display(&product.title), app.theme.title)];
    lines.push(field("id", product.id.clone()));
    for (name, value) in [("category", &product.category), ("brand", &product.brand)] {
        if !value.is_empty() {
            lines.push(field(name, value.clone()));
        }
    }
    if let Some(price) = product.price {
        lines.push(field("price", format_price(price)));
    }
    if !product.tags.is_empty() {
        lines.push(field("tags", product.tags.join(", ")));
    }
    for (name, value) in &product.extra {
        lines.push(field(&display(name), value.clone()));
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
