//! What a quant looks at: raw values, rebased to 100 at the first visible point, log scale,
//! or drawdown from the running peak; and the visible part of the date range (zoom, pan).
//! Pure functions on a small state struct, so the TUI's `update` can own a `ChartView`.

use super::error::ChartError;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ViewMode {
    #[default]
    Raw,
    /// Every series divided by its first visible value, times 100.
    Rebased,
    /// log10 of the values (all must be positive).
    Log,
    /// Percent below the running peak since the first visible point (0 at new highs).
    Drawdown,
}

impl ViewMode {
    pub fn parse(s: &str) -> Option<ViewMode> {
        match s {
            "raw" => Some(ViewMode::Raw),
            "rebased" | "rebase" => Some(ViewMode::Rebased),
            "log" => Some(ViewMode::Log),
            "drawdown" | "dd" => Some(ViewMode::Drawdown),
            _ => None,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            ViewMode::Raw => "raw",
            ViewMode::Rebased => "rebased",
            ViewMode::Log => "log",
            ViewMode::Drawdown => "drawdown",
        }
    }

    /// The next mode, for a key that cycles through them.
    pub fn next(self) -> ViewMode {
        match self {
            ViewMode::Raw => ViewMode::Rebased,
            ViewMode::Rebased => ViewMode::Log,
            ViewMode::Log => ViewMode::Drawdown,
            ViewMode::Drawdown => ViewMode::Raw,
        }
    }
}

/// The narrowest window zoom goes to, as a fraction of the full x range.
pub const MIN_WINDOW: f64 = 0.002;

/// The view mode and the visible window as fractions `(start, end)` of the full x range, so
/// it survives a re-run whose dates differ.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ChartView {
    pub mode: ViewMode,
    pub window: (f64, f64),
}

impl Default for ChartView {
    fn default() -> Self {
        ChartView { mode: ViewMode::Raw, window: (0.0, 1.0) }
    }
}

impl ChartView {
    pub fn with_mode(mode: ViewMode) -> ChartView {
        ChartView { mode, ..ChartView::default() }
    }

    /// Zooms by `factor` around the window's centre (< 1 zooms in, > 1 out).
    pub fn zoom(self, factor: f64) -> ChartView {
        let (a, b) = self.window;
        let width = ((b - a) * factor).clamp(MIN_WINDOW, 1.0);
        let centre = (a + b) / 2.0;
        self.placed(centre - width / 2.0, width)
    }

    /// Moves the window by `by` window widths (negative: back in time), stopping at the ends.
    pub fn pan(self, by: f64) -> ChartView {
        let (a, b) = self.window;
        self.placed(a + by * (b - a), b - a)
    }

    /// The whole range again, keeping the mode.
    pub fn reset(self) -> ChartView {
        ChartView { window: (0.0, 1.0), ..self }
    }

    fn placed(self, start: f64, width: f64) -> ChartView {
        let start = start.clamp(0.0, 1.0 - width);
        ChartView { window: (start, start + width), ..self }
    }

    /// The visible part of the full range `lo..=hi`.
    pub fn visible(&self, lo: f64, hi: f64) -> (f64, f64) {
        let span = hi - lo;
        (lo + span * self.window.0, lo + span * self.window.1)
    }

    pub fn is_zoomed(&self) -> bool {
        self.window != (0.0, 1.0)
    }
}

/// The values of one series as the mode shows them (`ys` already cut to the window).
pub fn transform(mode: ViewMode, name: &str, ys: &[f64]) -> Result<Vec<f64>, ChartError> {
    let positive = |view: &'static str| -> Result<(), ChartError> {
        match ys.iter().copied().reduce(f64::min) {
            Some(min) if min <= 0.0 => {
                Err(ChartError::NeedsPositive { view, series: name.to_string(), min: format!("{min}") })
            }
            _ => Ok(()),
        }
    };
    match mode {
        ViewMode::Raw => Ok(ys.to_vec()),
        ViewMode::Rebased => {
            let first = ys.first().copied().unwrap_or(1.0);
            if first <= 0.0 {
                return Err(ChartError::RebaseFromZero { series: name.to_string(), first: format!("{first}") });
            }
            Ok(ys.iter().map(|y| y / first * 100.0).collect())
        }
        ViewMode::Log => {
            positive("log")?;
            Ok(ys.iter().map(|y| y.log10()).collect())
        }
        ViewMode::Drawdown => {
            positive("drawdown")?;
            let mut peak = f64::MIN;
            Ok(ys
                .iter()
                .map(|&y| {
                    peak = peak.max(y);
                    (y / peak - 1.0) * 100.0
                })
                .collect())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zoom_and_pan_stay_inside_the_range() {
        let v = ChartView::default().zoom(0.5);
        assert_eq!(v.window, (0.25, 0.75));
        let v = v.pan(1.0);
        assert_eq!(v.window, (0.5, 1.0));
        assert_eq!(v.pan(3.0).window, (0.5, 1.0), "stops at the end");
        assert_eq!(v.pan(-5.0).window, (0.0, 0.5), "stops at the start");
        assert_eq!(v.zoom(10.0).window, (0.0, 1.0));
        let tiny = (0..40).fold(ChartView::default(), |v, _| v.zoom(0.5));
        assert!((tiny.window.1 - tiny.window.0 - MIN_WINDOW).abs() < 1e-12);
        assert_eq!(v.reset().window, (0.0, 1.0));
        assert_eq!(v.visible(100.0, 200.0), (150.0, 200.0));
    }

    #[test]
    fn rebased_starts_at_100_and_drawdown_tracks_the_peak() {
        assert_eq!(transform(ViewMode::Rebased, "a", &[50.0, 75.0, 25.0]).unwrap(), vec![100.0, 150.0, 50.0]);
        assert_eq!(transform(ViewMode::Drawdown, "a", &[100.0, 120.0, 90.0, 130.0]).unwrap(), vec![0.0, 0.0, -25.0, 0.0]);
        let log = transform(ViewMode::Log, "a", &[1.0, 100.0]).unwrap();
        assert_eq!(log, vec![0.0, 2.0]);
    }

    #[test]
    fn views_that_need_positive_values_say_so() {
        let e = transform(ViewMode::Log, "spread", &[1.0, -2.5, 3.0]).unwrap_err().to_string();
        assert!(e.contains("log view needs positive values") && e.contains("spread") && e.contains("-2.5"), "{e}");
        let e = transform(ViewMode::Rebased, "x", &[0.0, 1.0]).unwrap_err().to_string();
        assert!(e.contains("cannot rebase x"), "{e}");
    }
}
