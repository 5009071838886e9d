//! What each key command and mouse action does to the state: editing, moving the selection, pivoting and going back, copying and exporting.

use super::line::LineEditor;
use super::picker::Picker;
use super::{App, Effect, Example, Step, Subject, Table};
use crate::tui::action::{Command, Pane, Purpose};

impl App {
    pub(super) fn command(&mut self, command: Command) {
        if self.help {
            // Any key closes the help; quitting still quits.
            self.help = false;
            self.quit = command == Command::Quit;
            return;
        }
        if self.filter_command(command) || self.lens_command(command) {
            return;
        }
        match command {
            Command::Quit => self.quit = true,
            Command::Suspend => self.effects.push(Effect::Suspend),
            Command::Back => self.back(true),
            Command::Pivot => self.pivot(),
            Command::ToggleFocus => {
                self.focus = match self.focus {
                    Pane::Results if !self.alikes.is_empty() && self.areas().alikes.is_some() => {
                        Pane::Alikes
                    }
                    _ => Pane::Results,
                };
            }
            Command::SelectNext => self.move_selection(1),
            Command::SelectPrev => self.move_selection(-1),
            Command::PageDown => self.move_selection(self.page()),
            Command::PageUp => self.move_selection(-self.page()),
            Command::SelectFirst => self.move_selection(isize::MIN / 2),
            Command::SelectLast => self.move_selection(isize::MAX / 2),
            Command::Home if self.query_text().is_empty() => self.move_selection(isize::MIN / 2),
            Command::End if self.query_text().is_empty() => self.move_selection(isize::MAX / 2),
            Command::DeleteBack if self.query_text().is_empty() => self.back(false),
            Command::Home
            | Command::End
            | Command::CursorLeft
            | Command::CursorRight
            | Command::CursorStart
            | Command::CursorEnd
            | Command::DeleteBack
            | Command::DeleteForward
            | Command::DeleteWord
            | Command::ClearLine => self.edit(command),
            Command::CopyId => {
                if let Some(product) = self
                    .selected_position()
                    .and_then(|p| self.corpus().map(|c| c.catalog.products[p].id.clone()))
                {
                    self.effects.push(Effect::Copy(product));
                }
            }
            Command::Export => self.export(),
            Command::MoreMeaning => self.step_ratio(1),
            Command::MoreWords => self.step_ratio(-1),
            Command::Keep => self.mark(true),
            Command::Reject => self.mark(false),
            Command::Audit => self.open_audit(),
            Command::Help => self.help = true,
            Command::Filter => self.open_filter(),
        }
    }

    fn edit(&mut self, command: Command) {
        let Subject::Query(line) = &mut self.step_mut().subject else {
            return;
        };
        let changed = match command {
            Command::Home | Command::CursorStart => {
                line.start();
                false
            }
            Command::End | Command::CursorEnd => {
                line.end();
                false
            }
            Command::CursorLeft => {
                line.left();
                false
            }
            Command::CursorRight => {
                line.right();
                false
            }
            Command::DeleteBack => line.delete_back(),
            Command::DeleteForward => line.delete_forward(),
            Command::DeleteWord => line.delete_word(),
            Command::ClearLine => line.clear(),
            _ => false,
        };
        if changed {
            self.query_changed();
        }
    }

    /// Rows in a page of the focused pane.
    fn page(&self) -> isize {
        let areas = self.areas();
        let rows = match self.focus {
            Pane::Results => areas.result_rows(),
            Pane::Alikes => areas.alike_rows(),
        };
        rows.saturating_sub(1).max(1).cast_signed()
    }

    fn move_selection(&mut self, delta: isize) {
        let areas = self.areas();
        match self.focus {
            Pane::Results => {
                let before = self.step().list.selected;
                self.step_mut().list.move_by(delta, areas.result_rows());
                if self.step().list.selected != before {
                    self.refresh_alikes();
                }
            }
            Pane::Alikes => self.alikes.move_by(delta, areas.alike_rows()),
        }
    }

    /// Products like the selected one, as a new step of the trail; its list comes from the worker.
    fn pivot(&mut self) {
        let (Some(position), Some(corpus)) = (self.selected_position(), self.corpus().cloned())
        else {
            return;
        };
        let title = corpus.catalog.products[position].title.clone();
        self.steer(Subject::like(position, title));
    }

    /// A new step of the trail whose list is products like `subject`'s examples, from the worker.
    pub(super) fn steer(&mut self, subject: Subject) {
        let Some(examples) = subject.examples() else {
            return;
        };
        self.trail.push(Step {
            subject,
            info: None,
            list: Picker::default(),
        });
        // An answer still coming for the step left behind is stale now.
        self.generation += 1;
        self.focus = Pane::Results;
        self.search_examples(Purpose::Results, examples, super::RESULT_COUNT);
        self.refresh_alikes();
    }

    /// Keeps (or rejects) the selected product, or takes its mark back if it has that one: a
    /// new step whose list is like the kept examples and unlike the rejected ones.
    fn mark(&mut self, keep: bool) {
        let (Some(position), Some(corpus)) = (self.selected_position(), self.corpus().cloned())
        else {
            return;
        };
        let (mut kept, mut rejected) = match &self.step().subject {
            Subject::Like { kept, rejected } => (kept.clone(), rejected.clone()),
            Subject::Query(_) => (Vec::new(), Vec::new()),
        };
        let (mine, other) = if keep {
            (&mut kept, &mut rejected)
        } else {
            (&mut rejected, &mut kept)
        };
        let had = mine.len();
        mine.retain(|m| m.position != position);
        if mine.len() == had {
            other.retain(|m| m.position != position);
            let title = corpus.catalog.products[position].title.clone();
            mine.push(Example { position, title });
        }
        if kept.is_empty() {
            let text = format!(
                "keep a product first ({}): the list is like the kept ones, unlike the rejected",
                self.keymap.hint(Command::Keep)
            );
            self.say(text, true);
            return;
        }
        self.steer(Subject::Like { kept, rejected });
    }

    /// Back one step: out of a pivot, else (for Esc) clearing the line, else (for Esc) quitting.
    fn back(&mut self, may_quit: bool) {
        if self.trail.len() > 1 {
            self.trail.pop();
            self.generation += 1;
            self.shown = self.generation;
            self.focus = Pane::Results;
            self.refresh_alikes();
        } else if may_quit && self.query_text().is_empty() {
            self.quit = true;
        } else if may_quit {
            self.step_mut().subject = Subject::Query(LineEditor::default());
            self.query_changed();
        }
    }

    fn export(&mut self) {
        let Some(corpus) = self.corpus().cloned() else {
            return;
        };
        let list = &self.step().list;
        let rows = list
            .hits
            .iter()
            .enumerate()
            .map(|(i, hit)| {
                let score = list.ranked.then(|| format!("{:.4}", hit.score));
                let mut row = vec![(i + 1).to_string()];
                row.extend(Table::product_cells(corpus.product(hit)));
                row.push(score.unwrap_or_default());
                row
            })
            .collect();
        self.effects.push(Effect::Export(Table {
            name: "results",
            noun: "results",
            header: &["rank", "id", "title", "category", "brand", "price", "score"],
            rows,
        }));
    }

    /// The pane at a screen position, and the row of the list under it.
    fn pane_at(&self, column: u16, row: u16) -> Option<(Pane, usize)> {
        let areas = self.areas();
        let position = ratatui::layout::Position::new(column, row);
        let panes = [
            (Pane::Results, Some(areas.results)),
            (Pane::Alikes, areas.alikes),
        ];
        panes.into_iter().find_map(|(pane, rect)| {
            let inner = areas.inner(rect?);
            inner
                .contains(position)
                .then(|| (pane, usize::from(row - inner.y)))
        })
    }

    pub(super) fn scroll(&mut self, column: u16, row: u16, lines: i32) {
        if let Some((pane, _)) = self.pane_at(column, row) {
            self.focus = pane;
            self.move_selection(lines as isize);
        }
    }

    pub(super) fn click(&mut self, column: u16, row: u16) {
        self.help = false;
        let Some((pane, row)) = self.pane_at(column, row) else {
            return;
        };
        let list = match pane {
            Pane::Results => &self.step().list,
            Pane::Alikes => &self.alikes,
        };
        let target = list.offset + row;
        if target < list.hits.len() {
            let delta = target.cast_signed() - list.selected.cast_signed();
            self.focus = pane;
            self.move_selection(delta);
        }
    }
}
