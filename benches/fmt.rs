//! `fathom fmt` cost: formatting a 1,000-line SQL file (a saved query's header, then
//! statements with comments and `:params`), from text to text (target: 50 ms).

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use fathom::library::format::format_sql;

/// About `lines` lines of unformatted SQL.
fn thousand_lines(lines: usize) -> String {
    let mut out = String::from("-- name: Big report\n-- engine: any\n-- param: start_date date = 2024-01-01\n");
    let mut i = 0;
    while out.lines().count() < lines {
        out.push_str(&format!(
            "-- part {i}\nselect p.trade_date, m.ticker, avg(p.adj_close) as avg_{i}\nfrom market_data.us_stocks_price p join reference.tb_meta m on m.meta_id = p.meta_id\nwhere p.trade_date >= :start_date and m.sector in ('Technology', 'Energy') and p.volume > {i}\ngroup by p.trade_date, m.ticker having count(*) > 1 order by 1, 2;\n"
        ));
        i += 1;
    }
    out
}

fn bench(c: &mut Criterion) {
    let text = thousand_lines(1000);
    c.bench_function("fmt 1,000 lines", |b| b.iter(|| format_sql(black_box(&text)).map(|s| s.len())));
}

criterion_group!(benches, bench);
criterion_main!(benches);
