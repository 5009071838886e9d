//! A list of products with a selection and a scroll offset that keeps the selection in view.

use crate::search::Found;

/// Products in the order shown, the selected row, and the first row in view.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Picker {
    pub hits: Vec<Found>,
    /// Whether the hits are ranked by similarity (scores shown) or in catalog order.
    pub ranked: bool,
    pub selected: usize,
    pub offset: usize,
}

impl Picker {
    pub fn new(hits: Vec<Found>, ranked: bool) -> Self {
        Self {
            hits,
            ranked,
            selected: 0,
            offset: 0,
        }
    }

    /// The catalog in its own order.
    pub fn catalog_order(len: usize) -> Self {
        let hits = (0..len as u32).map(Found::unranked).collect();
        Self::new(hits, false)
    }

    pub fn selected_hit(&self) -> Option<&Found> {
        self.hits.get(self.selected)
    }

    pub fn is_empty(&self) -> bool {
        self.hits.is_empty()
    }

    /// Selects row `row` (clamped), scrolling so that it is one of the `height` rows in view.
    pub fn select(&mut self, row: usize, height: usize) {
        self.selected = row.min(self.hits.len().saturating_sub(1));
        self.fit(height);
    }

    /// Moves the selection by `delta` rows, stopping at the ends.
    pub fn move_by(&mut self, delta: isize, height: usize) {
        self.select(self.selected.saturating_add_signed(delta), height);
    }

    /// Scrolls as little as possible to show the selection in `height` rows.
    pub fn fit(&mut self, height: usize) {
        self.offset = fit_offset(self.selected, self.offset, self.hits.len(), height);
    }

    /// The hits in view in `height` rows, with their row numbers.
    pub fn visible(&self, height: usize) -> impl Iterator<Item = (usize, &Found)> + '_ {
        self.hits.iter().enumerate().skip(self.offset).take(height)
    }
}

/// The first row in view of a list of `len` rows shown `height` at a time, moved as little as
/// possible from `offset` to show `selected`, with no gap after the last row.
pub fn fit_offset(selected: usize, offset: usize, len: usize, height: usize) -> usize {
    let height = height.max(1);
    let offset = if selected < offset {
        selected
    } else if selected >= offset + height {
        selected + 1 - height
    } else {
        offset
    };
    offset.min(len.saturating_sub(height))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn selection_scrolls_into_view_and_stops_at_the_ends() {
        let mut p = Picker::catalog_order(20);
        p.move_by(7, 5);
        assert_eq!((p.selected, p.offset), (7, 3));
        p.move_by(-5, 5);
        assert_eq!((p.selected, p.offset), (2, 2));
        p.move_by(100, 5);
        assert_eq!((p.selected, p.offset), (19, 15));
        p.move_by(-100, 5);
        assert_eq!((p.selected, p.offset), (0, 0));
        let mut empty = Picker::default();
        empty.move_by(3, 5);
        assert_eq!(
            (empty.selected, empty.offset, empty.selected_hit()),
            (0, 0, None)
        );
    }

    #[test]
    fn a_taller_pane_shows_more_without_leaving_a_gap() {
        let mut p = Picker::catalog_order(10);
        p.select(9, 3);
        assert_eq!(p.offset, 7);
        p.fit(8);
        assert_eq!(p.offset, 2);
        assert_eq!(p.visible(8).count(), 8);
    }
}
