//! `fathom chart` run by the real binary against the small demo lake: the plotted NAV must
//! be the data's (its extremes checked against the query's MIN/MAX, through the legend and
//! through where the highest and lowest dots sit on the labelled y axis), long data makes
//! one series per key, and bad input gets a message, not a panic.

mod common;

use common::*;

fn home() -> &'static Home {
    lake("chart")
}

fn chart(args: &[&str]) -> String {
    let out = home().cmd().arg("chart").args(args).output().unwrap();
    assert!(out.status.success(), "fathom chart {args:?} failed: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

/// "1.05M", "980k", "-12%", "101.5" as numbers.
fn value(label: &str) -> f64 {
    let label = label.trim().trim_end_matches('%');
    let (num, unit) = match label.chars().last() {
        Some('k') => (&label[..label.len() - 1], 1e3),
        Some('M') => (&label[..label.len() - 1], 1e6),
        Some('B') => (&label[..label.len() - 1], 1e9),
        _ => (label, 1.0),
    };
    num.parse::<f64>().unwrap_or_else(|_| panic!("not a value label: {label:?}")) * unit
}

/// The plot's rows (below the legend, above the x axis): (y label if any, plot text).
fn plot_rows(text: &str) -> Vec<(Option<f64>, String)> {
    let lines: Vec<&str> = text.lines().collect();
    let axis_col = lines[1].find(['|', '+']).expect("a y axis on the first plot row");
    lines[1..]
        .iter()
        .take_while(|l| !l[axis_col..].starts_with("+-"))
        .map(|l| {
            let label = l[..axis_col].trim();
            (if label.is_empty() { None } else { Some(value(label)) }, l[axis_col + 1..].to_string())
        })
        .collect()
}

#[test]
fn nav_chart_plots_the_data_extremes() {
    let want = home().rows(
        "SELECT MIN(total_value) AS lo, MAX(total_value) AS hi, COUNT(*) AS n FROM portfolio.tb_nav WHERE port_id = 1",
        &[],
    );
    let (lo, hi) = (f(&want[0], "lo"), f(&want[0], "hi"));
    assert!(i(&want[0], "n") > 100 && lo < hi);
    let text = chart(&["queries/portfolio/nav.sql", "--param", "port_id=1", "--ascii"]);
    assert!(text.is_ascii(), "{text}");
    assert!(text.lines().count() <= 30 && text.lines().all(|l| l.len() <= 100), "{text}");

    // The legend states the extremes (in M with 4 decimals).
    let legend = text.lines().next().unwrap();
    assert!(legend.starts_with("* total_value"), "{legend}");
    let word_after = |key: &str| value(legend.split(key).nth(1).unwrap().split_whitespace().next().unwrap());
    assert!((word_after(" min ") - lo).abs() <= 50.0, "legend {legend} vs MIN {lo}");
    assert!((word_after(" max ") - hi).abs() <= 50.0, "legend {legend} vs MAX {hi}");

    // The top and bottom dots sit where the labelled axis puts MAX and MIN (one row slack).
    let rows = plot_rows(&text);
    let labelled: Vec<(usize, f64)> = rows.iter().enumerate().filter_map(|(r, (l, _))| l.map(|v| (r, v))).collect();
    assert!(labelled.len() >= 3, "{text}");
    let ((r0, v0), (r1, v1)) = (labelled[0], labelled[labelled.len() - 1]);
    let per_row = (v0 - v1) / (r1 - r0) as f64;
    let at_row = |r: usize| v0 - (r as f64 - r0 as f64) * per_row;
    let top = rows.iter().position(|(_, p)| p.contains('*')).unwrap();
    let bottom = rows.iter().rposition(|(_, p)| p.contains('*')).unwrap();
    assert!((at_row(top) - hi).abs() <= 1.01 * per_row, "top dot row {top} = {} vs MAX {hi}\n{text}", at_row(top));
    assert!((at_row(bottom) - lo).abs() <= 1.01 * per_row, "bottom dot row {bottom} = {} vs MIN {lo}\n{text}", at_row(bottom));
    // And the axis brackets the data: MAX is at most a row above the top label, MIN below the last.
    assert!(v0 <= hi + per_row && v1 >= lo - per_row, "labels {v0}..{v1} vs data {lo}..{hi}");
}

#[test]
fn drawdown_of_nav_bottoms_at_the_worst_drawdown() {
    let rows = home().rows("SELECT trade_date, total_value FROM portfolio.tb_nav WHERE port_id = 1 ORDER BY trade_date", &[]);
    let mut peak = f64::MIN;
    let worst = rows
        .iter()
        .map(|r| {
            peak = peak.max(f(r, "total_value"));
            (f(r, "total_value") / peak - 1.0) * 100.0
        })
        .fold(0.0, f64::min);
    let text = chart(&["queries/portfolio/nav.sql", "-p", "port_id=1", "--view", "drawdown", "--ascii", "--width", "80", "--height", "20"]);
    let legend = text.lines().next().unwrap();
    assert!(legend.contains("drawdown from peak"), "{legend}");
    let shown = value(legend.split(" worst ").nth(1).unwrap().split_whitespace().next().unwrap());
    assert!((shown - worst).abs() < 0.01, "legend {legend} vs computed {worst}");
}

#[test]
fn long_data_gets_one_series_per_key_from_the_header() {
    let text = chart(&["queries/market/backtest_input.sql", "--view", "rebased", "--width", "90", "--height", "20"]);
    let legend = text.lines().next().unwrap();
    assert!(legend.starts_with("* 1  o 2  x 3  # 4  @ 5"), "{legend}");
    assert!(legend.contains("rebased to 100 at 2024-01-02"), "{legend}");
    assert!(text.lines().any(|l| l.starts_with("100┤")), "100 is labelled:\n{text}");
    assert!(text.chars().any(|c| ('\u{2801}'..='\u{28ff}').contains(&c)), "braille by default");
    // Flags override the header: one series of one column.
    let text = chart(&["queries/market/daily_prices.sql", "-p", "ticker=MSFT", "--y", "close", "--ascii"]);
    assert!(text.starts_with("* close  last "), "{text}");
}

#[test]
fn bad_input_says_what_to_do() {
    let err = home().fails(&["chart", "SELECT 1 AS a, 2 AS b"]);
    assert!(err.contains("no date or timestamp column") && err.contains("--x"), "{err}");
    let err = home().fails(&["chart", "SELECT DATE '2024-01-02' AS d, 'x' AS s"]);
    assert!(err.contains("no numeric column"), "{err}");
    let err = home().fails(&[
        "chart",
        "SELECT trade_date, gross_return FROM market_data.us_stocks_price WHERE meta_id = 1 AND gross_return IS NOT NULL",
        "--view",
        "log",
    ]);
    assert!(err.contains("log view needs positive values"), "{err}");
    let err = home().fails(&["chart", "queries/portfolio/nav.sql", "--width", "10", "--height", "5"]);
    assert!(err.contains("pane too small"), "{err}");
    let err = home().fails(&["chart", "queries/portfolio/nav.sql", "--view", "candles"]);
    assert!(err.contains("expected raw, rebased, log or drawdown"), "{err}");
    let err = home().fails(&["chart", "queries/portfolio/nav.sql", "--y", "nope"]);
    assert!(err.contains("no column 'nope'"), "{err}");
}

#[test]
fn dumb_terminals_get_ascii() {
    let out = home().cmd().env("TERM", "dumb").args(["chart", "queries/portfolio/nav.sql", "--height", "12"]).output().unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.is_ascii() && text.contains('*') && text.contains("+-"), "{text}");
}
