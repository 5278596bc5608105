//! How a chart looks: the dot grid (braille, block or ASCII) and one colour per series.
//! Each series also has a marker character, so series stay apart without colour.

use ratatui::style::Color;

/// The characters a plot is drawn with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum GlyphMode {
    /// Braille patterns: 2x4 dots a cell.
    #[default]
    Braille,
    /// Quadrant blocks: 2x2 dots a cell.
    Block,
    /// Plain ASCII: one dot a cell, each series its own marker; axes of `-`, `|`, `+`.
    Ascii,
}

impl GlyphMode {
    /// Dots per cell, across and down.
    pub fn dots(self) -> (u16, u16) {
        match self {
            GlyphMode::Braille => (2, 4),
            GlyphMode::Block => (2, 2),
            GlyphMode::Ascii => (1, 1),
        }
    }
}

/// Markers of series 0, 1, 2, ... (cycled), used in ASCII plots and in every legend.
pub const MARKERS: [char; 10] = ['*', 'o', 'x', '#', '@', '%', '&', '=', '~', '$'];

/// The glyph mode and the series colours (empty: no colour, e.g. a mono theme).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChartStyle {
    pub glyphs: GlyphMode,
    pub colors: Vec<Color>,
    /// Colour of axes, ticks and labels (None: the buffer's default).
    pub axis: Option<Color>,
}

impl Default for ChartStyle {
    fn default() -> Self {
        ChartStyle {
            glyphs: GlyphMode::Braille,
            colors: vec![
                Color::Cyan,
                Color::Yellow,
                Color::Magenta,
                Color::Green,
                Color::LightRed,
                Color::LightBlue,
                Color::LightCyan,
                Color::LightYellow,
                Color::LightMagenta,
                Color::LightGreen,
            ],
            axis: Some(Color::Gray),
        }
    }
}

impl ChartStyle {
    /// No colours; series told apart by markers.
    pub fn mono(glyphs: GlyphMode) -> ChartStyle {
        ChartStyle { glyphs, colors: Vec::new(), axis: None }
    }

    pub fn color(&self, series: usize) -> Option<Color> {
        (!self.colors.is_empty()).then(|| self.colors[series % self.colors.len()])
    }

    pub fn marker(series: usize) -> char {
        MARKERS[series % MARKERS.len()]
    }
}
