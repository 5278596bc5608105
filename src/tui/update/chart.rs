//! Keys of the chart pane (given from the grid): the view (raw, rebased, log, drawdown),
//! zoom and pan, and the crosshair: `x` toggles it, left/right (h/l) move it a point, H/L a
//! page; the grid's selected row follows it, and it follows the grid's row. The chart is
//! extracted once per result on a task (`refresh` asks, `built` keeps it), never in `draw`.

use crate::chart::cache::ChartCache;
use crate::chart::ChartView;
use crate::library::parse_header;
use crate::tui::keymap::Cmd;
use crate::tui::layout::areas_of as areas;
use crate::tui::state::{Effect, RunState, State};

/// True for the commands this file handles in the grid (left/right only with the crosshair on).
pub fn takes(s: &State, cmd: Cmd) -> bool {
    match cmd {
        Cmd::ChartView
        | Cmd::ChartZoomIn
        | Cmd::ChartZoomOut
        | Cmd::ChartPanLeft
        | Cmd::ChartPanRight
        | Cmd::ChartReset
        | Cmd::ChartCursor
        | Cmd::ChartCursorPageLeft
        | Cmd::ChartCursorPageRight => true,
        Cmd::Left | Cmd::Right => s.chart_cursor.is_some() && s.show_chart,
        _ => false,
    }
}

pub fn key(s: &mut State, cmd: Cmd, fx: &mut Vec<Effect>) {
    let view = s.chart_view;
    let changed = match cmd {
        Cmd::ChartView => Some(ChartView { mode: view.mode.next(), ..view }),
        Cmd::ChartZoomIn => Some(view.zoom(0.5)),
        Cmd::ChartZoomOut => Some(view.zoom(2.0)),
        Cmd::ChartPanLeft => Some(view.pan(-0.25)),
        Cmd::ChartPanRight => Some(view.pan(0.25)),
        Cmd::ChartReset => Some(ChartView::default()),
        _ => None,
    };
    s.show_chart = true;
    if let Some(v) = changed {
        s.chart_view = v;
        return;
    }
    refresh(s, fx);
    if s.chart_building.is_some() {
        // The chart is being extracted: the crosshair comes on when it is back.
        // (the pane says "preparing the chart...").
        if cmd == Cmd::ChartCursor {
            s.chart_cursor_wanted = true;
        }
        return;
    }
    let stops = s.chart_cache.as_ref().map(|c| c.stops.len()).unwrap_or(0);
    let page = (stops / 10).max(1) as isize;
    match cmd {
        Cmd::ChartCursor if s.chart_cursor.is_some() => s.chart_cursor = None,
        Cmd::ChartCursor => {
            if stops == 0 {
                return s.notify("no points to put a crosshair on: run a query with a date column first", false);
            }
            s.chart_cursor = Some(0);
            follow_grid(s);
        }
        Cmd::Left => move_by(s, -1),
        Cmd::Right => move_by(s, 1),
        Cmd::ChartCursorPageLeft => move_by(s, -page),
        Cmd::ChartCursorPageRight => move_by(s, page),
        _ => {}
    }
}

/// Moves the crosshair `by` stops (turning it on at the first if it was off), and the grid's
/// row with it.
fn move_by(s: &mut State, by: isize) {
    let Some(cache) = &s.chart_cache else { return };
    let last = cache.stops.len().saturating_sub(1);
    if cache.stops.is_empty() {
        s.chart_cursor = None;
        return;
    }
    let at = s.chart_cursor.map(|c| c.saturating_add_signed(by).min(last)).unwrap_or(0);
    s.chart_cursor = Some(at);
    s.chart_view = keep_in_window(s.chart_view, &cache.stops, at);
    let Some(row) = cache.row_of_stop(at) else { return };
    let height = areas(s).grid_rows().max(1);
    if let Some(RunState::Ready(rs)) = s.tabs.get_mut(s.active).map(|t| &mut t.run) {
        let shown = match &rs.order {
            Some(order) => order.iter().position(|&r| r as usize == row).unwrap_or(row),
            None => row,
        };
        rs.row = shown;
        if shown < rs.top {
            rs.top = shown;
        } else if shown >= rs.top + height {
            rs.top = shown + 1 - height;
        }
    }
}

/// The view panned so stop `at` is inside its window (centred when it had left it).
fn keep_in_window(view: ChartView, stops: &[f64], at: usize) -> ChartView {
    let (Some(lo), Some(hi), Some(x)) = (stops.first(), stops.last(), stops.get(at)) else { return view };
    if hi <= lo {
        return view;
    }
    let f = (x - lo) / (hi - lo);
    let (a, b) = view.window;
    if f >= a && f <= b {
        return view;
    }
    view.pan((f - (a + b) / 2.0) / (b - a))
}

/// With the crosshair on, puts it on the x of the grid's selected row.
pub fn follow_grid(s: &mut State) {
    if s.chart_cursor.is_none() {
        return;
    }
    let Some(RunState::Ready(rs)) = s.tab().map(|t| &t.run) else { return };
    let row = rs.source_row(rs.row);
    if let Some(cache) = &s.chart_cache
        && let Some(stop) = cache.stop_of_row(row)
    {
        s.chart_cursor = Some(stop);
        s.chart_view = keep_in_window(s.chart_view, &cache.stops, stop);
    }
}

/// The cache key of the active tab's result: tab, query and the header's chart line.
fn key_of(s: &State) -> Option<(u64, u64, String)> {
    let tab = s.tab()?;
    let RunState::Ready(rs) = &tab.run else { return None };
    let header = parse_header(&tab.text(), std::path::Path::new(&tab.title)).unwrap_or_default();
    Some((tab.id, rs.query_id, header.chart.unwrap_or_default()))
}

/// Asks for the chart of the active result when it (or its header's chart line) changed:
/// the series are extracted on a task (`Effect::BuildChart`), never on the UI thread.
pub fn refresh(s: &mut State, fx: &mut Vec<Effect>) {
    let Some(key) = key_of(s) else {
        s.chart_building = None;
        if s.chart_cache.take().is_some() {
            s.chart_cursor = None;
        }
        return;
    };
    if s.chart_cache.as_ref().is_some_and(|c| c.key == key) || s.chart_building.as_ref() == Some(&key) {
        return;
    }
    let Some(RunState::Ready(rs)) = s.tab().map(|t| &t.run) else { return };
    fx.push(Effect::BuildChart { key: key.clone(), batch: rs.out.batch.clone() });
    s.chart_building = Some(key);
}

/// A chart came back from its task: kept if its result is still the active one (a new
/// result turns the crosshair off).
pub fn built(s: &mut State, cache: ChartCache) {
    if s.chart_building.as_ref() == Some(&cache.key) {
        s.chart_building = None;
    }
    if key_of(s).as_ref() != Some(&cache.key) {
        return;
    }
    let points = !cache.stops.is_empty();
    s.chart_cache = Some(cache);
    s.chart_cursor = None;
    s.dirty = true;
    if std::mem::take(&mut s.chart_cursor_wanted) {
        if !points {
            return s.notify("no points to put a crosshair on: run a query with a date column first", false);
        }
        s.chart_cursor = Some(0);
        follow_grid(s);
    }
}
