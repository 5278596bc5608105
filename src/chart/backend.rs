//! A plotters `DrawingBackend` whose pixels are the dots of a terminal cell grid: braille
//! (2x4 dots a cell), quadrant blocks (2x2) or ASCII (1x1). Plotters maps data to dots and
//! draws the paths; `DotGrid::paint` turns the dots into characters in a ratatui `Buffer`.
//!
//! The pen colour carries the series index (`pen(i)`), so each cell remembers which series
//! drew in it last; the cell then gets that series' theme colour, or its marker in ASCII.

use std::convert::Infallible;

use plotters::style::RGBColor;
use plotters_backend::{BackendColor, BackendCoord, BackendStyle, DrawingBackend, DrawingErrorKind};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;

use super::style::{ChartStyle, GlyphMode};

/// Quadrant characters by bit set: 1 top-left, 2 top-right, 4 bottom-left, 8 bottom-right.
const QUADRANTS: [char; 16] = [' ', '▘', '▝', '▀', '▖', '▌', '▞', '▛', '▗', '▚', '▐', '▜', '▄', '▙', '▟', '█'];

/// The pen that draws series `i` (its index rides in the red channel).
pub fn pen(series: usize) -> RGBColor {
    RGBColor(u8::try_from(series).unwrap_or(u8::MAX), 0, 0)
}

/// Dots over a `cols` x `rows` cell grid.
#[derive(Debug, Clone)]
pub struct DotGrid {
    mode: GlyphMode,
    cols: u16,
    rows: u16,
    bits: Vec<u8>,
    owner: Vec<u8>,
}

impl DotGrid {
    pub fn new(mode: GlyphMode, cols: u16, rows: u16) -> DotGrid {
        let n = usize::from(cols) * usize::from(rows);
        DotGrid { mode, cols, rows, bits: vec![0; n], owner: vec![0; n] }
    }

    /// Size in dots.
    pub fn size(&self) -> (u32, u32) {
        let (dx, dy) = self.mode.dots();
        (u32::from(self.cols) * u32::from(dx), u32::from(self.rows) * u32::from(dy))
    }

    /// Sets the dot at `(x, y)` (in dots) for `series`; dots outside the grid are ignored.
    pub fn set(&mut self, x: i32, y: i32, series: u8) {
        let (w, h) = self.size();
        let (Ok(x), Ok(y)) = (u32::try_from(x), u32::try_from(y)) else { return };
        if x >= w || y >= h {
            return;
        }
        let (dx, dy) = self.mode.dots();
        let (cx, cy) = (x / u32::from(dx), y / u32::from(dy));
        let (sx, sy) = (x % u32::from(dx), y % u32::from(dy));
        let bit = match self.mode {
            GlyphMode::Braille => match (sx, sy) {
                (0, 3) => 0x40,
                (1, 3) => 0x80,
                (0, r) => 1 << r,
                (_, r) => 1 << (r + 3),
            },
            GlyphMode::Block => 1 << (sy * 2 + sx),
            GlyphMode::Ascii => 1,
        };
        let at = cy as usize * usize::from(self.cols) + cx as usize;
        self.bits[at] |= bit;
        self.owner[at] = series;
    }

    /// The cell `(col, row)` as drawn: its character and series, if any dot is set.
    pub fn cell(&self, col: u16, row: u16) -> Option<(char, usize)> {
        let at = usize::from(row) * usize::from(self.cols) + usize::from(col);
        let bits = *self.bits.get(at)?;
        if bits == 0 {
            return None;
        }
        let series = usize::from(self.owner[at]);
        let ch = match self.mode {
            GlyphMode::Braille => char::from_u32(0x2800 + u32::from(bits)).unwrap_or('⣿'),
            GlyphMode::Block => QUADRANTS[usize::from(bits & 0x0f)],
            GlyphMode::Ascii => ChartStyle::marker(series),
        };
        Some((ch, series))
    }

    /// Writes the drawn cells into `buf` with `area`'s top-left as the grid's origin.
    pub fn paint(&self, buf: &mut Buffer, area: Rect, style: &ChartStyle) {
        for row in 0..self.rows.min(area.height) {
            for col in 0..self.cols.min(area.width) {
                let Some((ch, series)) = self.cell(col, row) else { continue };
                if let Some(cell) = buf.cell_mut((area.x + col, area.y + row)) {
                    cell.set_char(ch);
                    if let Some(c) = style.color(series) {
                        cell.set_fg(c);
                    }
                }
            }
        }
    }
}

/// The plotters backend over a `DotGrid`.
pub struct DotBackend<'a> {
    pub grid: &'a mut DotGrid,
}

impl DrawingBackend for DotBackend<'_> {
    type ErrorType = Infallible;

    fn get_size(&self) -> (u32, u32) {
        self.grid.size()
    }

    fn ensure_prepared(&mut self) -> Result<(), DrawingErrorKind<Infallible>> {
        Ok(())
    }

    fn present(&mut self) -> Result<(), DrawingErrorKind<Infallible>> {
        Ok(())
    }

    fn draw_pixel(&mut self, point: BackendCoord, color: BackendColor) -> Result<(), DrawingErrorKind<Infallible>> {
        if color.alpha > 0.0 {
            self.grid.set(point.0, point.1, color.rgb.0);
        }
        Ok(())
    }

    /// Plain Bresenham: every dot fully on (plotters' default anti-aliases, which a dot
    /// grid cannot show).
    fn draw_line<S: BackendStyle>(&mut self, from: BackendCoord, to: BackendCoord, style: &S) -> Result<(), DrawingErrorKind<Infallible>> {
        let series = style.color().rgb.0;
        let (mut x, mut y) = from;
        let (dx, dy) = ((to.0 - x).abs(), -(to.1 - y).abs());
        let (sx, sy) = (if x < to.0 { 1 } else { -1 }, if y < to.1 { 1 } else { -1 });
        let mut err = dx + dy;
        loop {
            self.grid.set(x, y, series);
            if (x, y) == to {
                return Ok(());
            }
            let e2 = 2 * err;
            if e2 >= dy {
                err += dy;
                x += sx;
            }
            if e2 <= dx {
                err += dx;
                y += sy;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn braille_and_block_dots_map_to_the_right_bits() {
        let mut g = DotGrid::new(GlyphMode::Braille, 2, 1);
        g.set(0, 0, 0);
        g.set(1, 3, 0);
        assert_eq!(g.cell(0, 0), Some(('⢁', 0)));
        g.set(2, 0, 3);
        assert_eq!(g.cell(1, 0), Some(('⠁', 3)));
        g.set(9, 9, 0); // outside: ignored
        let mut g = DotGrid::new(GlyphMode::Block, 1, 1);
        g.set(0, 1, 0);
        g.set(1, 1, 0);
        assert_eq!(g.cell(0, 0), Some(('▄', 0)));
    }

    #[test]
    fn lines_are_continuous() {
        let mut g = DotGrid::new(GlyphMode::Ascii, 10, 5);
        let mut b = DotBackend { grid: &mut g };
        let style = plotters::style::ShapeStyle::from(&pen(1));
        b.draw_line((0, 4), (9, 0), &style).unwrap();
        for col in 0..10 {
            assert!((0..5).any(|row| g.cell(col, row) == Some(('o', 1))), "column {col} has a dot");
        }
    }
}
