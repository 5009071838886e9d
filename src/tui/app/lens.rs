//! The audit lens: its audit (asked of the worker for the filter in force, with progress, kept for the next opening), its rows and selection, Enter pivoting on a product of the selected row, and Ctrl-S saving it as CSV.

use std::sync::Arc;

use super::picker::fit_offset;
use super::{App, Effect, Subject, Table};
use crate::audit::{Audit, DuplicateGroup, Miscategorised};
use crate::search::Corpus;
use crate::tui::action::Command;

/// Where the lens's audit is.
#[derive(Debug, Clone)]
pub enum AuditState {
    Running { done: usize, total: usize },
    Ready(Arc<Audit>),
    Failed(String),
}

/// The audit lens: an audit of the products the filter matched, and the row selected.
#[derive(Debug, Clone)]
pub struct Lens {
    /// The filter the audit was asked under.
    pub filter: Option<String>,
    pub generation: u64,
    pub state: AuditState,
    pub selected: usize,
    pub offset: usize,
    /// The member of a selected duplicate group that Enter pivots on.
    pub member: usize,
}

/// One row of the lens: the duplicate groups first, then the miscategorised products.
#[derive(Debug, Clone, Copy)]
pub enum LensRow<'a> {
    Duplicates(&'a DuplicateGroup),
    Miscategorised(&'a Miscategorised),
}

impl Lens {
    /// The audit, once it is done.
    pub fn audit(&self) -> Option<&Audit> {
        match &self.state {
            AuditState::Ready(audit) => Some(audit),
            _ => None,
        }
    }

    /// Every row, in order.
    pub fn rows(&self) -> Vec<LensRow<'_>> {
        self.audit().map_or_else(Vec::new, |audit| {
            let groups = audit.duplicates.iter().map(LensRow::Duplicates);
            let moved = audit.miscategorised.iter().map(LensRow::Miscategorised);
            groups.chain(moved).collect()
        })
    }

    pub fn selected_row(&self) -> Option<LensRow<'_>> {
        self.rows().get(self.selected).copied()
    }

    /// The product Enter pivots on: the chosen member of a group, or the miscategorised product.
    pub fn selected_product(&self) -> Option<usize> {
        Some(match self.selected_row()? {
            LensRow::Duplicates(group) => group.members[self.member.min(group.members.len() - 1)],
            LensRow::Miscategorised(m) => m.product,
        } as usize)
    }
}

/// The rows of the lens as CSV: one per member of each group, then one per miscategorised product.
fn table(audit: &Audit, corpus: &Corpus) -> Table {
    let mut rows = Vec::new();
    let product_cells =
        |position: u32| Table::product_cells(&corpus.catalog.products[position as usize]);
    for (n, group) in audit.duplicates.iter().enumerate() {
        for &member in &group.members {
            let mut row = vec![
                "duplicate".to_string(),
                (n + 1).to_string(),
                format!("{:.4}", group.score),
            ];
            row.extend(product_cells(member));
            row.extend([String::new(), String::new(), group.differs.join("; ")]);
            row.push(String::new());
            rows.push(row);
        }
    }
    for m in &audit.miscategorised {
        let mut row = vec![
            "miscategorised".to_string(),
            String::new(),
            format!("{:.4}", m.margin),
        ];
        row.extend(product_cells(m.product));
        let neighbours: Vec<&str> = m
            .evidence
            .iter()
            .map(|h| corpus.catalog.products[h.index as usize].id.as_str())
            .collect();
        row.extend([
            m.suggested.clone(),
            format!("{:.4}", m.confidence),
            String::new(),
            neighbours.join(" "),
        ]);
        rows.push(row);
    }
    Table {
        name: "audit",
        noun: "audit rows",
        header: &[
            "kind",
            "group",
            "score",
            "id",
            "title",
            "category",
            "brand",
            "price",
            "suggested",
            "confidence",
            "differs",
            "neighbours",
        ],
        rows,
    }
}

impl App {
    /// The audit lens, while it is open.
    pub fn lens(&self) -> Option<&Lens> {
        self.lens.as_ref().filter(|_| self.lens_open)
    }

    /// Opens the lens: the audit made for the filter in force if there is one, else a new one.
    pub(super) fn open_audit(&mut self) {
        if self.corpus().is_none() {
            self.say("the catalog is still opening".into(), true);
            return;
        }
        self.lens_open = true;
        let current = self.lens.as_ref().is_some_and(|lens| {
            lens.filter == self.filter && !matches!(lens.state, AuditState::Failed(_))
        });
        if !current {
            self.audit_again();
        }
    }

    /// Asks for a new audit under the filter in force; the reply of an older one is dropped.
    pub(super) fn audit_again(&mut self) {
        let generation = self.lens.as_ref().map_or(1, |lens| lens.generation + 1);
        let total = self.corpus().map_or(0, |c| c.catalog.len());
        self.lens = Some(Lens {
            filter: self.filter.clone(),
            generation,
            state: AuditState::Running { done: 0, total },
            selected: 0,
            offset: 0,
            member: 0,
        });
        self.effects.push(Effect::Audit {
            generation,
            filter: self.filter.clone(),
        });
    }

    /// The worker's news of the audit of `generation`.
    pub(super) fn audit_reply(&mut self, generation: u64, state: AuditState) {
        let Some(lens) = self.lens.as_mut().filter(|l| l.generation == generation) else {
            return;
        };
        if let AuditState::Failed(message) = &state {
            let message = format!("audit failed: {message}");
            lens.state = state;
            self.say(message, true);
        } else {
            lens.state = state;
        }
    }

    /// A key while the lens is open; false for those it leaves to the rest of the app.
    pub(super) fn lens_command(&mut self, command: Command) -> bool {
        if !self.lens_open {
            return false;
        }
        let rows = self.lens.as_ref().map_or(0, |l| l.rows().len());
        let height = self.areas().result_rows();
        match command {
            Command::Back | Command::Audit => self.lens_open = false,
            Command::SelectNext => self.move_lens(1, rows, height),
            Command::SelectPrev => self.move_lens(-1, rows, height),
            Command::PageDown => self.move_lens(height.cast_signed(), rows, height),
            Command::PageUp => self.move_lens(-height.cast_signed(), rows, height),
            Command::SelectFirst | Command::Home => self.move_lens(isize::MIN / 2, rows, height),
            Command::SelectLast | Command::End => self.move_lens(isize::MAX / 2, rows, height),
            Command::CursorRight | Command::ToggleFocus => self.move_member(1),
            Command::CursorLeft => self.move_member(-1),
            Command::Pivot => {
                if let Some(position) = self.lens.as_ref().and_then(Lens::selected_product) {
                    self.lens_open = false;
                    let title = self
                        .corpus()
                        .map_or_else(String::new, |c| c.catalog.products[position].title.clone());
                    self.steer(Subject::like(position, title));
                }
            }
            Command::Export => {
                let table = self
                    .lens
                    .as_ref()
                    .and_then(Lens::audit)
                    .zip(self.corpus())
                    .map(|(audit, corpus)| table(audit, corpus));
                if let Some(table) = table {
                    self.effects.push(Effect::Export(table));
                }
            }
            // Quitting, suspending, the filter line and the help work as elsewhere.
            Command::Quit | Command::Suspend | Command::Filter | Command::Help => return false,
            _ => {}
        }
        true
    }

    fn move_lens(&mut self, delta: isize, rows: usize, height: usize) {
        if let Some(lens) = &mut self.lens {
            let selected = lens
                .selected
                .saturating_add_signed(delta)
                .min(rows.saturating_sub(1));
            if selected != lens.selected {
                lens.member = 0;
            }
            lens.selected = selected;
            lens.offset = fit_offset(lens.selected, lens.offset, rows, height);
        }
    }

    fn move_member(&mut self, delta: isize) {
        let Some(lens) = &mut self.lens else {
            return;
        };
        let members = match lens.selected_row() {
            Some(LensRow::Duplicates(group)) => group.members.len(),
            _ => return,
        };
        lens.member = lens.member.saturating_add_signed(delta).min(members - 1);
    }
}
