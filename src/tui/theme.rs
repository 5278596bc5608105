//! Themes (`themes/*.toml`, shipped with `include_str!`, overridable as
//! `<config dir>/themes/<name>.toml`) and the glyph set (Unicode or ASCII borders).
//! NO_COLOR and TERM=dumb select `mono`; `--ascii` or a non-UTF-8 locale selects ASCII.

use std::path::Path;
use std::str::FromStr;

use ratatui::style::{Color, Modifier, Style};
use ratatui::symbols::border;

pub const SHIPPED: [(&str, &str); 4] = [
    ("dark", include_str!("../../themes/dark.toml")),
    ("light", include_str!("../../themes/light.toml")),
    ("high-contrast", include_str!("../../themes/high-contrast.toml")),
    ("mono", include_str!("../../themes/mono.toml")),
];

macro_rules! theme_styles {
    ($($field:ident,)*) => {
        /// Every style the views use, by role.
        #[derive(Debug, Clone, PartialEq)]
        pub struct Theme {
            pub name: String,
            pub glyphs: Glyphs,
            $(pub $field: Style,)*
        }

        impl Theme {
            /// Parses a theme file; every role must be present, errors name the role.
            pub fn parse(text: &str, glyphs: Glyphs) -> Result<Theme, String> {
                let table: toml::Table = crate::tomlpos::parse(text)?;
                let name = table.get("name").and_then(|v| v.as_str()).unwrap_or("custom").to_string();
                let styles = table.get("styles").and_then(|v| v.as_table()).ok_or("missing [styles] table")?;
                let at = |role: &str, msg: String| {
                    match crate::tomlpos::key_line(text, Some("styles"), role).or_else(|| crate::tomlpos::section_line(text, "styles")) {
                        Some(l) => format!("line {l}: {msg}"),
                        None => msg,
                    }
                };
                let get = |role: &str| -> Result<Style, String> {
                    let spec = styles.get(role).and_then(|v| v.as_str()).ok_or_else(|| at(role, format!("[styles] is missing `{role}` (or it is not a string)")))?;
                    parse_style(spec).map_err(|e| at(role, format!("[styles] {role} = \"{spec}\": {e}")))
                };
                Ok(Theme { name, glyphs, $($field: get(stringify!($field))?,)* })
            }
        }
    };
}

theme_styles! {
    text, dim, border, border_focus, title, tab, tab_active, keyword, string, number, comment,
    param, cursor, selection, header, null, cell_cursor, row_cursor, status, running, ok, error,
    notice,
}

/// Characters that differ between Unicode and ASCII terminals.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Glyphs {
    pub ascii: bool,
    pub border: border::Set,
    /// The focused pane's border, and the marker before its title.
    pub border_focus: border::Set,
    pub focus_mark: &'static str,
    pub ellipsis: &'static str,
    pub null: &'static str,
    pub sep: &'static str,
    pub dot: &'static str,
    pub up: &'static str,
    pub down: &'static str,
    pub folder_open: &'static str,
    pub folder_closed: &'static str,
    pub running: &'static str,
}

impl Glyphs {
    pub fn unicode() -> Glyphs {
        Glyphs {
            ascii: false,
            border: border::ROUNDED,
            border_focus: border::THICK,
            focus_mark: "▶",
            ellipsis: "…",
            null: "NULL",
            sep: " │ ",
            dot: "·",
            up: "▲",
            down: "▼",
            folder_open: "▾",
            folder_closed: "▸",
            running: "●",
        }
    }

    pub fn ascii() -> Glyphs {
        Glyphs {
            ascii: true,
            border: border::Set {
                top_left: "+",
                top_right: "+",
                bottom_left: "+",
                bottom_right: "+",
                vertical_left: "|",
                vertical_right: "|",
                horizontal_top: "-",
                horizontal_bottom: "-",
            },
            border_focus: border::Set {
                top_left: "#",
                top_right: "#",
                bottom_left: "#",
                bottom_right: "#",
                vertical_left: "#",
                vertical_right: "#",
                horizontal_top: "=",
                horizontal_bottom: "=",
            },
            focus_mark: ">",
            ellipsis: "~",
            null: "NULL",
            sep: " | ",
            dot: "-",
            up: "^",
            down: "v",
            folder_open: "-",
            folder_closed: "+",
            running: "*",
        }
    }
}

/// "cyan bold", "black on #afd7ff", "" (default).
pub fn parse_style(spec: &str) -> Result<Style, String> {
    let mut style = Style::default();
    let mut words = spec.split_whitespace();
    while let Some(w) = words.next() {
        let m = match w {
            "bold" => Some(Modifier::BOLD),
            "dim" => Some(Modifier::DIM),
            "italic" => Some(Modifier::ITALIC),
            "underlined" => Some(Modifier::UNDERLINED),
            "reversed" => Some(Modifier::REVERSED),
            _ => None,
        };
        if let Some(m) = m {
            style = style.add_modifier(m);
        } else if w == "on" {
            let c = words.next().ok_or("`on` needs a colour after it")?;
            style = style.bg(Color::from_str(c).map_err(|_| format!("unknown colour '{c}'"))?);
        } else {
            style = style.fg(Color::from_str(w).map_err(|_| format!("unknown colour or modifier '{w}'"))?);
        }
    }
    Ok(style)
}

/// What the environment says about colour and glyphs.
#[derive(Debug, Clone, Default)]
pub struct Env {
    pub no_color: bool,
    pub term_dumb: bool,
    pub utf8_locale: bool,
}

impl Env {
    pub fn from_process() -> Env {
        let var = |k: &str| std::env::var(k).ok().filter(|v| !v.is_empty());
        let locale = var("LC_ALL").or_else(|| var("LC_CTYPE")).or_else(|| var("LANG")).unwrap_or_default();
        let lower = locale.to_ascii_lowercase();
        Env {
            no_color: var("NO_COLOR").is_some(),
            term_dumb: var("TERM").is_some_and(|t| t == "dumb"),
            utf8_locale: lower.contains("utf-8") || lower.contains("utf8"),
        }
    }
}

/// Picks the theme: mono under NO_COLOR / TERM=dumb, else `wanted` (a user file in
/// `<config dir>/themes/` first, then the shipped ones), else dark. Returns a message when
/// the wanted theme could not be used.
pub fn select(wanted: Option<&str>, ascii_flag: bool, env: &Env, config_dir: &Path) -> (Theme, Option<String>) {
    let glyphs = if ascii_flag || !env.utf8_locale || env.term_dumb { Glyphs::ascii() } else { Glyphs::unicode() };
    let name = if env.no_color || env.term_dumb { "mono" } else { wanted.unwrap_or("dark") };
    let user = config_dir.join("themes").join(format!("{name}.toml"));
    let mut warning = None;
    if let Ok(text) = std::fs::read_to_string(&user) {
        match Theme::parse(&text, glyphs) {
            Ok(t) => return (t, None),
            Err(e) => warning = Some(format!("{}: {e}; using a shipped theme", user.display())),
        }
    }
    let shipped = SHIPPED.iter().find(|(n, _)| *n == name);
    if shipped.is_none() && warning.is_none() {
        warning = Some(format!("no theme named '{name}': use dark, light, high-contrast or mono, or add {}", user.display()));
    }
    let text = shipped.map(|(_, t)| *t).unwrap_or(SHIPPED[0].1);
    (Theme::parse(text, glyphs).unwrap_or_else(|_| fallback(glyphs)), warning)
}

/// A theme that needs no file (used only if a shipped file were broken; a test forbids that).
fn fallback(glyphs: Glyphs) -> Theme {
    let d = Style::default();
    let b = d.add_modifier(Modifier::BOLD);
    let r = d.add_modifier(Modifier::REVERSED);
    Theme {
        name: "fallback".into(),
        glyphs,
        text: d,
        dim: d,
        border: d,
        border_focus: b,
        title: b,
        tab: d,
        tab_active: r,
        keyword: b,
        string: d,
        number: d,
        comment: d,
        param: d,
        cursor: r,
        selection: r,
        header: b,
        null: d,
        cell_cursor: r,
        row_cursor: b,
        status: r,
        running: b,
        ok: d,
        error: b,
        notice: b,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_shipped_theme_parses_with_every_role() {
        for (name, text) in SHIPPED {
            let t = Theme::parse(text, Glyphs::unicode()).unwrap_or_else(|e| panic!("{name}: {e}"));
            assert_eq!(t.name, name);
        }
    }

    #[test]
    fn mono_has_no_colours() {
        let t = Theme::parse(SHIPPED[3].1, Glyphs::ascii()).unwrap();
        for s in [t.text, t.keyword, t.header, t.null, t.cell_cursor, t.status, t.error, t.selection] {
            assert_eq!((s.fg, s.bg), (None, None), "{s:?}");
        }
    }

    #[test]
    fn no_color_and_dumb_terminals_get_mono_and_ascii_follows_the_locale() {
        let dir = tempfile::tempdir().unwrap();
        let env = Env { no_color: true, term_dumb: false, utf8_locale: true };
        let (t, _) = select(Some("dark"), false, &env, dir.path());
        assert_eq!((t.name.as_str(), t.glyphs.ascii), ("mono", false));
        let env = Env { no_color: false, term_dumb: true, utf8_locale: true };
        assert_eq!(select(None, false, &env, dir.path()).0.name, "mono");
        let env = Env { no_color: false, term_dumb: false, utf8_locale: false };
        let (t, _) = select(Some("light"), false, &env, dir.path());
        assert_eq!((t.name.as_str(), t.glyphs.ascii), ("light", true));
        let env = Env { no_color: false, term_dumb: false, utf8_locale: true };
        assert!(select(None, true, &env, dir.path()).0.glyphs.ascii);
        let (t, warn) = select(Some("solarized"), false, &env, dir.path());
        assert_eq!(t.name, "dark");
        assert!(warn.unwrap().contains("no theme named 'solarized'"));
    }

    #[test]
    fn user_theme_file_overrides_and_bad_styles_are_named() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("themes")).unwrap();
        let custom = SHIPPED[0].1.replace("keyword = \"magenta bold\"", "keyword = \"red\"");
        std::fs::write(dir.path().join("themes/dark.toml"), custom).unwrap();
        let env = Env { no_color: false, term_dumb: false, utf8_locale: true };
        assert_eq!(select(None, false, &env, dir.path()).0.keyword, Style::default().fg(Color::Red));
        let err = Theme::parse("[styles]\ntext = \"blurple\"\n", Glyphs::unicode()).unwrap_err();
        assert!(err.contains("text") && err.contains("blurple"), "{err}");
    }

    #[test]
    fn theme_errors_name_their_real_line() {
        let bad = SHIPPED[0].1.replace("keyword = \"magenta bold\"", "keyword = \"blurple\"");
        let line = bad.lines().position(|l| l.contains("blurple")).unwrap() + 1;
        assert!(line > 1);
        let err = Theme::parse(&bad, Glyphs::unicode()).unwrap_err();
        assert!(err.starts_with(&format!("line {line}: [styles] keyword")), "{err}");
        let missing = SHIPPED[0].1.lines().filter(|l| !l.starts_with("keyword")).collect::<Vec<_>>().join("\n");
        let err = Theme::parse(&missing, Glyphs::unicode()).unwrap_err();
        assert!(err.contains("missing `keyword`") && err.starts_with("line "), "{err}");
        let err = Theme::parse("name = \"x\"\n\n[styles]\ntext = \"red\"\ntext = \"blue\"\n", Glyphs::unicode()).unwrap_err();
        assert!(err.starts_with("line 5"), "{err}");
    }
}
