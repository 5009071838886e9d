//! The filter line (Ctrl-F): a filter expression typed with completion from the catalog's facets, checked as it is typed, and applied to the results and the look-alikes.

use super::line::LineEditor;
use super::picker::Picker;
use super::{App, Phase};
use crate::filter::{Completion, Filter, FilterError};
use crate::search::Found;
use crate::tui::action::{Command, Pane};

/// How many completions the line offers at once.
const OFFERED: usize = 8;

/// A filter being typed.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FilterEdit {
    pub line: LineEditor,
    /// What the end of the text may become: field names, or a field's values with their counts.
    pub completions: Vec<Completion>,
    /// Why the text is not a filter; None when it is one, or is empty.
    pub error: Option<FilterError>,
}

impl App {
    /// Opens the filter line on the filter in force, if any.
    pub(super) fn open_filter(&mut self) {
        // The filter is checked against the catalog's fields, which are known once it is open.
        if !matches!(self.phase, Phase::Ready(_)) {
            self.say(
                "the filter line opens once the catalog is ready".into(),
                false,
            );
            return;
        }
        let mut line = LineEditor::default();
        line.insert(self.filter.as_deref().unwrap_or_default());
        self.filter_edit = Some(FilterEdit {
            line,
            ..FilterEdit::default()
        });
        self.check_filter();
    }

    /// Runs `command` on the filter line being typed; false for commands it leaves to the rest
    /// of the app (moving the selection, quitting...).
    pub(super) fn filter_command(&mut self, command: Command) -> bool {
        let Some(edit) = &mut self.filter_edit else {
            return false;
        };
        let line = &mut edit.line;
        match command {
            Command::Back => self.filter_edit = None,
            Command::Pivot => self.apply_filter(),
            Command::ToggleFocus => self.complete_filter(),
            Command::Home | Command::CursorStart => line.start(),
            Command::End | Command::CursorEnd => line.end(),
            Command::CursorLeft => line.left(),
            Command::CursorRight => line.right(),
            Command::DeleteBack
            | Command::DeleteForward
            | Command::DeleteWord
            | Command::ClearLine => {
                match command {
                    Command::DeleteBack => line.delete_back(),
                    Command::DeleteForward => line.delete_forward(),
                    Command::DeleteWord => line.delete_word(),
                    _ => line.clear(),
                };
                self.check_filter();
            }
            _ => return false,
        }
        true
    }

    /// Types `text` into the filter line; false when it is not open.
    pub(super) fn filter_insert(&mut self, text: &str) -> bool {
        let Some(edit) = &mut self.filter_edit else {
            return false;
        };
        if edit.line.insert(text) {
            self.check_filter();
        }
        true
    }

    /// Checks the typed filter against the catalog's fields and finds its completions.
    fn check_filter(&mut self) {
        let (Some(edit), Some(corpus)) = (&mut self.filter_edit, self.phase.corpus()) else {
            return;
        };
        let text = edit.line.text();
        edit.error = if text.trim().is_empty() {
            None
        } else {
            Filter::parse(text, &corpus.schema).err()
        };
        edit.completions = corpus.facets.complete(&corpus.schema, text);
        edit.completions.truncate(OFFERED);
    }

    /// Replaces the half-typed end of the filter with its first completion.
    fn complete_filter(&mut self) {
        let Some(edit) = &mut self.filter_edit else {
            return;
        };
        let Some(first) = edit.completions.first() else {
            return;
        };
        let text = edit.line.text();
        let completed = format!(
            "{}{} ",
            &text[..first.replace_from.min(text.len())],
            first.insert
        );
        edit.line.clear();
        edit.line.insert(&completed);
        self.check_filter();
    }

    /// Puts a valid typed filter in force (an empty one removes it) and searches again.
    fn apply_filter(&mut self) {
        let Some(edit) = &self.filter_edit else {
            return;
        };
        if edit.error.is_some() {
            return;
        }
        let text = edit.line.text().trim();
        self.filter = (!text.is_empty()).then(|| text.to_string());
        self.filter_edit = None;
        if let Some(examples) = self.step().subject.examples() {
            self.generation += 1;
            self.search_examples(super::Purpose::Results, examples, super::RESULT_COUNT);
        } else {
            self.query_changed();
        }
        if self.lens_open {
            self.audit_again();
        }
        self.focus = Pane::Results;
    }

    /// The catalog in its own order, only the products the filter in force matches.
    pub(super) fn catalog_order(&self) -> Picker {
        let Some(corpus) = self.phase.corpus() else {
            return Picker::default();
        };
        let filter = self
            .filter
            .as_deref()
            .and_then(|text| Filter::parse(text, &corpus.schema).ok());
        match filter {
            None => Picker::catalog_order(corpus.catalog.len()),
            Some(filter) => {
                let selection = filter.select(&corpus.catalog.products);
                let hits = selection.positions().map(|p| Found::unranked(p as u32));
                Picker::new(hits.collect(), false)
            }
        }
    }
}
