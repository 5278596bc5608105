-- name: Daily prices of one ticker
-- description: close, adj_close and volume of one US ticker since a date (prices joined to tb_meta by ticker)
-- engine: any
-- param: ticker text = AAPL
-- param: start_date date = 2024-01-01
-- chart: line x=trade_date y=adj_close
-- tags: market, prices
SELECT p.trade_date, m.ticker, p.close, p.adj_close, p.volume
FROM market_data.us_stocks_price p
JOIN reference.tb_meta m ON m.meta_id = p.meta_id
WHERE m.ticker = :ticker
  AND p.trade_date >= :start_date
ORDER BY p.trade_date
