//! Where each pane goes for a terminal size: side by side from 100 columns, stacked below that, the results alone on short or narrow screens, and a bare line-per-part form at tiny sizes. Pure geometry, shared by drawing and by mouse hit-testing.

use ratatui::layout::{Constraint, Layout, Rect};

/// The widest terminal that still gets the stacked layout.
const SIDE_BY_SIDE_FROM: u16 = 100;
/// Below this many columns or rows, panes have no borders and only the results are shown.
const TINY_WIDTH: u16 = 30;
const TINY_HEIGHT: u16 = 8;

/// The rectangles of one frame; a pane that does not fit is `None`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Areas {
    pub query: Rect,
    pub results: Rect,
    pub detail: Option<Rect>,
    pub alikes: Option<Rect>,
    pub status: Option<Rect>,
    /// Whether panes are drawn with borders (not at tiny sizes).
    pub bordered: bool,
}

impl Areas {
    pub fn new(area: Rect) -> Self {
        if area.width < TINY_WIDTH || area.height < TINY_HEIGHT {
            return Self::tiny(area);
        }
        let [query, body, status] = Layout::vertical([
            Constraint::Length(3),
            Constraint::Min(1),
            Constraint::Length(1),
        ])
        .areas(area);
        let (results, detail, alikes) = if area.width >= SIDE_BY_SIDE_FROM {
            let [left, right] =
                Layout::horizontal([Constraint::Percentage(60), Constraint::Percentage(40)])
                    .areas(body);
            let [detail, alikes] =
                Layout::vertical([Constraint::Percentage(55), Constraint::Percentage(45)])
                    .areas(right);
            (left, Some(detail), Some(alikes))
        } else if body.height >= 16 {
            let [top, bottom] =
                Layout::vertical([Constraint::Min(6), Constraint::Length(body.height / 2)])
                    .areas(body);
            if body.width >= 60 {
                let [detail, alikes] =
                    Layout::horizontal([Constraint::Percentage(50), Constraint::Percentage(50)])
                        .areas(bottom);
                (top, Some(detail), Some(alikes))
            } else {
                (top, Some(bottom), None)
            }
        } else {
            (body, None, None)
        };
        Self {
            query,
            results,
            detail,
            alikes,
            status: Some(status),
            bordered: true,
        }
    }

    /// One line of query, the results below, one line of status: for terminals too small for boxes.
    fn tiny(area: Rect) -> Self {
        let query = Rect {
            height: area.height.min(1),
            ..area
        };
        let status = (area.height >= 3).then(|| Rect {
            y: area.bottom() - 1,
            height: 1,
            ..area
        });
        let results_top = query.bottom();
        let results_bottom = status.map_or(area.bottom(), |s| s.y);
        let results = Rect {
            y: results_top,
            height: results_bottom.saturating_sub(results_top),
            ..area
        };
        Self {
            query,
            results,
            detail: None,
            alikes: None,
            status,
            bordered: false,
        }
    }

    /// The area of a pane's rows (inside its border).
    pub fn inner(&self, pane: Rect) -> Rect {
        if self.bordered {
            pane.inner(ratatui::layout::Margin::new(1, 1))
        } else {
            pane
        }
    }

    /// How many rows of products the results pane shows.
    pub fn result_rows(&self) -> usize {
        usize::from(self.inner(self.results).height)
    }

    pub fn alike_rows(&self) -> usize {
        self.alikes.map_or(0, |a| usize::from(self.inner(a).height))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_size_fits_inside_the_screen() {
        for width in 0..130 {
            for height in 0..45 {
                let area = Rect::new(0, 0, width, height);
                let areas = Areas::new(area);
                let parts = [
                    Some(areas.query),
                    Some(areas.results),
                    areas.detail,
                    areas.alikes,
                    areas.status,
                ];
                for part in parts.into_iter().flatten() {
                    assert_eq!(area.intersection(part), part, "{width}x{height}");
                }
            }
        }
    }

    #[test]
    fn wide_is_side_by_side_and_80x24_is_stacked() {
        let wide = Areas::new(Rect::new(0, 0, 120, 40));
        assert_eq!(wide.results.height, 36);
        assert!(wide.detail.unwrap().x > wide.results.x);
        let narrow = Areas::new(Rect::new(0, 0, 80, 24));
        assert!(narrow.detail.unwrap().y > narrow.results.y);
        assert!(narrow.alikes.is_some());
        assert!(narrow.result_rows() >= 6);
    }
}
