//! What each key command and mouse action does to the state: editing, moving the selection, pivoting and going back, copying and exporting.

use super::line::LineEditor;
use super::picker::Picker;
use super::{App, Effect, ExportRow, Step, Subject};
use crate::tui::action::{Command, Pane, Purpose};

impl App {
    pub(super) fn command(&mut self, command: Command) {
        if self.help {
            // Any key closes the help; quitting still quits.
            self.help = false;
            self.quit = command == Command::Quit;
            return;
        }
        if self.filter_command(command) {
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
        self.trail.push(Step {
            subject: Subject::Like { position, title },
            info: None,
            list: Picker::default(),
        });
        // An answer still coming for the query left behind is stale now.
        self.generation += 1;
        self.focus = Pane::Results;
        self.search_like(Purpose::Results, position, super::RESULT_COUNT);
        self.refresh_alikes();
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
                let p = corpus.product(hit);
                ExportRow {
                    rank: i + 1,
                    id: p.id.clone(),
                    title: p.title.clone(),
                    category: p.category.clone(),
                    brand: p.brand.clone(),
                    price: p.price,
                    score: list.ranked.then_some(hit.score),
                }
            })
            .collect();
        self.effects.push(Effect::Export(rows));
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
