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
        .take_while(|l| !(l[axis_col..].starts_with("+-") || l[axis_col..].starts_with("++")))
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

/// The number after `key` in `text` ("high 212.34 2024-07-15" -> 212.34).
fn number_after(text: &str, key: &str) -> f64 {
    let word = text.split(key).nth(1).unwrap_or_else(|| panic!("no {key:?} in {text}")).split_whitespace().next().unwrap();
    value(word.trim_end_matches(')'))
}

#[test]
fn monthly_candles_match_the_query_max_and_min() {
    let want = home().rows(
        "SELECT MAX(p.adj_close) AS hi, MIN(p.adj_close) AS lo FROM market_data.us_stocks_price p \
         JOIN reference.tb_meta m ON m.meta_id = p.meta_id WHERE m.ticker = 'AAPL' AND p.trade_date >= DATE '2024-01-01'",
        &[],
    );
    let (hi, lo) = (f(&want[0], "hi"), f(&want[0], "lo"));
    let text = chart(&["queries/market/monthly_candles.sql", "--ascii", "--width", "100", "--height", "24"]);
    let legend = text.lines().next().unwrap();
    assert!(legend.starts_with("candles "), "{text}");
    assert!(!legend.contains("skipped"), "no bad rows in the demo lake: {legend}");
    // The legend's figures carry the step's precision: within a hundredth of the axis step.
    let rows = plot_rows(&text);
    let labelled: Vec<(usize, f64)> = rows.iter().enumerate().filter_map(|(r, (l, _))| l.map(|v| (r, v))).collect();
    let per_row = (labelled[0].1 - labelled[labelled.len() - 1].1) / (labelled[labelled.len() - 1].0 - labelled[0].0) as f64;
    assert!((number_after(legend, " high ") - hi).abs() <= per_row / 10.0, "legend {legend} vs MAX {hi}");
    assert!((number_after(legend, " low ") - lo).abs() <= per_row / 10.0, "legend {legend} vs MIN {lo}");
    // The highest wick and the lowest wick sit on the rows the axis gives MAX and MIN.
    let (r0, v0) = labelled[0];
    let at_row = |r: usize| v0 - (r as f64 - r0 as f64) * per_row;
    let drawn = |p: &str| p.contains(['|', 'o', '#']);
    let top = rows.iter().position(|(_, p)| drawn(p)).unwrap();
    let bottom = rows.iter().rposition(|(_, p)| drawn(p)).unwrap();
    assert!((at_row(top) - hi).abs() <= 1.01 * per_row, "top row {top} = {} vs MAX {hi}\n{text}", at_row(top));
    assert!((at_row(bottom) - lo).abs() <= 1.01 * per_row, "bottom row {bottom} = {} vs MIN {lo}\n{text}", at_row(bottom));
    // Up candles (o) and down candles (#) both appear over two years of months.
    assert!(text.contains('o') && text.contains('#'), "{text}");
}

#[test]
fn readout_at_the_drawdown_low_is_the_nav_there() {
    let rows = home().rows("SELECT trade_date, total_value FROM portfolio.tb_nav WHERE port_id = 1 ORDER BY trade_date", &[]);
    let (mut peak, mut worst, mut at) = (f64::MIN, 0.0, 0);
    for (k, r) in rows.iter().enumerate() {
        peak = peak.max(f(r, "total_value"));
        let dd = (f(r, "total_value") / peak - 1.0) * 100.0;
        if dd < worst {
            (worst, at) = (dd, k);
        }
    }
    let day = d(&rows[at], "trade_date").to_string();
    let nav = f(&rows[at], "total_value");
    let text = chart(&["queries/portfolio/nav.sql", "--view", "drawdown", "--cursor", &day, "--ascii", "--width", "90", "--height", "20"]);
    let readout = text.lines().last().unwrap();
    assert!(readout.starts_with(&day), "{readout}");
    assert!((number_after(readout, "total_value ") - nav).abs() < 0.006, "readout {readout} vs NAV {nav} on {day}");
    assert!((number_after(readout, "(drawdown ") - worst).abs() < 0.006, "readout {readout} vs worst drawdown {worst}");
    assert!(text.lines().nth(1).unwrap().contains(':'), "the crosshair rule is drawn:\n{text}");
}

#[test]
fn kinds_from_the_command_line() {
    let text = chart(&[
        "SELECT trade_date, gross_return FROM market_data.us_stocks_price WHERE meta_id = 1 AND gross_return IS NOT NULL",
        "--kind",
        "hist",
        "--ascii",
        "--width",
        "80",
        "--height",
        "16",
    ]);
    let n = home().rows("SELECT COUNT(*) AS n FROM market_data.us_stocks_price WHERE meta_id = 1 AND gross_return IS NOT NULL", &[]);
    assert!(text.starts_with(&format!("histogram of gross_return: {} values", i(&n[0], "n"))), "{text}");
    assert!(text.contains('#'), "{text}");
    let text = chart(&["SELECT trade_date, 5 AS flat FROM portfolio.tb_nav WHERE port_id = 1", "--kind", "hist", "--ascii"]);
    assert!(text.contains("all ") && text.contains("one bar"), "{text}");
    let text = chart(&["queries/market/daily_prices.sql", "--y", "volume", "--kind", "bar", "--ascii", "--height", "12"]);
    assert!(text.starts_with("* volume"), "{text}");
    let err = home().fails(&["chart", "queries/portfolio/nav.sql", "--kind", "pie"]);
    assert!(err.contains("expected line, candle, bar or hist"), "{err}");
    let err = home().fails(&["chart", "queries/portfolio/nav.sql", "--kind", "candle"]);
    assert!(err.contains("candles need open, high, low and close"), "{err}");
    let err = home().fails(&["chart", "queries/portfolio/nav.sql", "--cursor", "someday"]);
    assert!(err.contains("--cursor 'someday'"), "{err}");
}

#[test]
fn price_over_volume_shares_the_date_axis() {
    let sql = "SELECT p.trade_date, p.adj_close, p.volume FROM market_data.us_stocks_price p WHERE p.meta_id = 1 ORDER BY 1";
    // Without a header: one pane of lines; volume dwarfs prices, so it gets the right axis.
    let text = chart(&[sql, "--ascii", "--height", "24"]);
    assert!(text.lines().next().unwrap().contains("* adj_close  o volume (right axis)"), "{text}");
    let right_labels: Vec<f64> = text.lines().skip(1).filter_map(|l| l.rsplit_once('+').map(|(_, r)| r.trim())).filter(|r| !r.is_empty() && r.chars().all(|c| c.is_ascii_digit() || ".kMB".contains(c))).map(value).collect();
    assert!(right_labels.len() >= 3 && right_labels.iter().any(|v| *v >= 1e5), "volume labels on the right: {right_labels:?}\n{text}");
    // With a stacked header: price above, volume bars below, one date axis.
    let dir = std::env::temp_dir().join(format!("fathom-chart-stack-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("price_volume.sql");
    std::fs::write(&file, format!("-- name: Price over volume\n-- chart: line x=trade_date y=adj_close; bar y=volume\n{sql}\n")).unwrap();
    let text = chart(&[file.to_str().unwrap(), "--ascii", "--width", "90", "--height", "30", "--cursor", "2024-06-03"]);
    let lines: Vec<&str> = text.lines().collect();
    assert!(lines[0].starts_with("* adj_close"), "{text}");
    let lower = lines.iter().position(|l| l.starts_with("* volume")).unwrap_or_else(|| panic!("no volume pane:\n{text}"));
    assert!(lower > 10, "price pane above volume:\n{text}");
    // Both plots start in the same column (aligned y axes), and only the bottom pane labels dates.
    let axis_col = |l: &str| l.find('|');
    assert_eq!(axis_col(lines[1]), axis_col(lines[lower + 1]), "{text}");
    let date_rows = lines[..lines.len() - 1].iter().filter(|l| !l.trim().is_empty() && !l.contains(['|', '+', '*', ':'])).count();
    assert_eq!(date_rows, 1, "one date axis:\n{text}");
    let readout = lines.last().unwrap();
    assert!(readout.starts_with("2024-06-03") && readout.contains("adj_close ") && readout.contains("volume "), "{readout}");
    std::fs::remove_dir_all(&dir).unwrap();
}
