//! Display width of text as a terminal draws it: one grapheme cluster at a time (an emoji ZWJ
//! sequence, a flag, a syllable of conjoining Hangul jamo each take one or two cells), shared
//! by the grid and the table writer.

use unicode_segmentation::UnicodeSegmentation;
use unicode_width::UnicodeWidthStr;

/// Cells one grapheme cluster takes: 0 (controls, lone combining marks), 1 or 2.
pub fn grapheme_width(g: &str) -> usize {
    if g.chars().all(char::is_control) {
        return 0;
    }
    let w = g.width();
    // Emoji presentation (VS16), ZWJ sequences and flags draw as one double-width glyph.
    let emoji = g.contains('\u{fe0f}') || g.contains('\u{200d}') || g.chars().any(|c| ('\u{1f1e6}'..='\u{1f1ff}').contains(&c));
    if emoji { 2 } else { w.min(2) }
}

/// Cells `text` takes on a terminal.
pub fn width(text: &str) -> usize {
    // Most cells are ASCII (numbers, dates, tickers): one cell a printable byte, none for a
    // control, the same as the grapheme walk below gives them, without the segmentation.
    if text.is_ascii() {
        return text.bytes().filter(|b| !b.is_ascii_control()).count();
    }
    graphemes_width(text)
}

fn graphemes_width(text: &str) -> usize {
    text.graphemes(true).map(grapheme_width).sum()
}

/// `text` cut to at most `max` cells at a grapheme boundary, with `ellipsis` (one cell) when
/// cut; control characters are dropped (they would move the cursor).
pub fn fit(text: &str, max: usize, ellipsis: &str) -> String {
    if text.is_ascii() {
        let mut clean: String = text.chars().filter(|c| !c.is_ascii_control()).collect();
        if clean.len() > max {
            clean.truncate(max.saturating_sub(1));
            if max > 0 {
                clean.push_str(ellipsis);
            }
        }
        return clean;
    }
    fit_graphemes(text, max, ellipsis)
}

fn fit_graphemes(text: &str, max: usize, ellipsis: &str) -> String {
    let clean = |g: &&str| !g.chars().all(char::is_control);
    if width(text) <= max {
        return text.graphemes(true).filter(clean).collect();
    }
    let budget = max.saturating_sub(1);
    let mut out = String::new();
    let mut used = 0;
    for g in text.graphemes(true).filter(clean) {
        let w = grapheme_width(g);
        if used + w > budget {
            break;
        }
        out.push_str(g);
        used += w;
    }
    if max > 0 {
        out.push_str(ellipsis);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clusters_are_measured_as_they_are_drawn() {
        assert_eq!(width("abc"), 3);
        assert_eq!(width("삼성전자"), 8);
        // family: man ZWJ woman ZWJ girl ZWJ boy, one glyph
        assert_eq!(width("\u{1f468}\u{200d}\u{1f469}\u{200d}\u{1f467}\u{200d}\u{1f466}"), 2);
        // thumbs up with a skin tone
        assert_eq!(width("\u{1f44d}\u{1f3fd}"), 2);
        // flags: KR, US
        assert_eq!(width("\u{1f1f0}\u{1f1f7}\u{1f1fa}\u{1f1f8}"), 4);
        // conjoining jamo: ᄒ ᅡ ᆫ (one syllable, 한)
        assert_eq!(width("\u{1112}\u{1161}\u{11ab}"), 2);
        // full-width digits
        assert_eq!(width("１２３"), 6);
        assert_eq!(width("e\u{301}"), 1);
        assert_eq!(width("a\tb\u{7}"), 2);
    }

    proptest::proptest! {
        /// The ASCII fast paths answer as the grapheme walk does.
        #[test]
        fn ascii_takes_the_fast_path_to_the_same_answer(text in "[\\x00-\\x7f]{0,40}", max in 0usize..45) {
            proptest::prop_assert_eq!(width(&text), graphemes_width(&text));
            proptest::prop_assert_eq!(fit(&text, max, "~"), fit_graphemes(&text, max, "~"));
        }
    }

    #[test]
    fn fit_cuts_at_grapheme_boundaries() {
        let fam = "\u{1f468}\u{200d}\u{1f469}\u{200d}\u{1f467}";
        assert_eq!(fit(&format!("{fam}{fam}{fam}"), 5, "~"), format!("{fam}{fam}~"));
        assert_eq!(fit("\u{1f1f0}\u{1f1f7}abc", 3, "~"), "\u{1f1f0}\u{1f1f7}~");
        assert_eq!(fit("１２３", 4, "~"), "１~");
        assert_eq!(fit("a\u{1b}[31mb", 10, "~"), "a[31mb");
        for s in ["\u{1112}\u{1161}\u{11ab}\u{1112}\u{1161}\u{11ab}", "１２３４", "e\u{301}e\u{301}e\u{301}"] {
            for max in 0..8 {
                let f = fit(s, max, "~");
                assert!(width(&f) <= max.max(1), "{s:?} at {max}: {f:?}");
            }
        }
    }
}
