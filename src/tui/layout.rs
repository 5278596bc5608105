//! Where each pane goes for a terminal size. Pure, so `update` (scrolling) and `draw`
//! agree on pane sizes. Collapses down to 80×24 and below.

use ratatui::layout::Rect;

/// The panes' rectangles. A `None` pane is not shown at this size.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Areas {
    pub browser: Option<Rect>,
    pub preview: Option<Rect>,
    pub editor: Rect,
    pub grid: Rect,
    /// The chart pane's slot (shown when toggled and wide enough).
    pub chart: Option<Rect>,
    pub status: Rect,
}

impl Areas {
    /// Text rows inside the editor's border.
    pub fn editor_rows(&self) -> usize {
        self.editor.height.saturating_sub(2) as usize
    }

    pub fn editor_cols(&self) -> usize {
        self.editor.width.saturating_sub(2) as usize
    }

    /// Data rows the grid shows (inside the border, below the header).
    pub fn grid_rows(&self) -> usize {
        self.grid.height.saturating_sub(3) as usize
    }

    pub fn grid_cols(&self) -> usize {
        self.grid.width.saturating_sub(2) as usize
    }
}

/// Lays out a `width`×`height` screen. Narrow screens drop the browser unless it has focus
/// (then it takes the whole left side); short screens drop the header preview.
pub fn areas(width: u16, height: u16, show_browser: bool, browser_focused: bool, show_chart: bool) -> Areas {
    let status = Rect::new(0, height.saturating_sub(1), width, 1.min(height));
    let body_h = height.saturating_sub(1);
    let browser_w = if !show_browser && !browser_focused {
        0
    } else if width < 60 {
        if browser_focused { width } else { 0 }
    } else if width >= 140 {
        36
    } else if width >= 100 {
        30
    } else {
        24
    };
    let (browser, preview) = if browser_w == 0 {
        (None, None)
    } else {
        let preview_h = if body_h >= 20 { (body_h / 3).clamp(8, 14) } else { 0 };
        let list = Rect::new(0, 0, browser_w, body_h - preview_h);
        let preview = (preview_h > 0).then(|| Rect::new(0, body_h - preview_h, browser_w, preview_h));
        (Some(list), preview)
    };
    let right_x = if browser_w >= width { width } else { browser_w };
    let right_w = width - right_x;
    let editor_h = if body_h < 12 { body_h / 2 } else { (body_h * 2 / 5).max(6) };
    let editor = Rect::new(right_x, 0, right_w, editor_h);
    let lower = Rect::new(right_x, editor_h, right_w, body_h - editor_h);
    let (grid, chart) = if show_chart && right_w >= 60 {
        let half = right_w / 2;
        (Rect::new(right_x, editor_h, half, lower.height), Some(Rect::new(right_x + half, editor_h, right_w - half, lower.height)))
    } else {
        (lower, None)
    };
    Areas { browser, preview, editor, grid, chart, status }
}

/// The current areas of the panes of a state.
pub fn areas_of(s: &crate::tui::state::State) -> Areas {
    areas(s.size.0, s.size.1, s.show_browser, s.focus == crate::tui::state::Focus::Browser, s.show_chart)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn eighty_by_twenty_four_keeps_every_pane_usable() {
        let a = areas(80, 24, true, false, false);
        let b = a.browser.unwrap();
        assert_eq!((b.width, a.editor.x, a.editor.width), (24, 24, 56));
        assert!(a.preview.is_some());
        assert!(a.editor_rows() >= 5 && a.grid_rows() >= 8, "{a:?}");
        assert_eq!(a.status, Rect::new(0, 23, 80, 1));
    }

    #[test]
    fn narrow_screens_drop_the_browser_unless_focused_and_charts_split_the_grid() {
        let a = areas(50, 20, true, false, false);
        assert_eq!((a.browser, a.editor.width), (None, 50));
        let a = areas(50, 20, true, true, false);
        assert_eq!(a.browser.unwrap().width, 50);
        let a = areas(160, 48, true, false, true);
        let (g, c) = (a.grid, a.chart.unwrap());
        assert_eq!(g.width + c.width, 160 - 36);
    }
}
