-- name: Per-ticker summary
-- description: trading days, average/min/max adj_close, average daily return and volatility per ticker
-- engine: any
-- param: tickers list<text> = AAPL,MSFT,NVDA,AMZN
-- param: start_date date = 2024-01-01
-- tags: market, summary
SELECT m.ticker,
       m.name,
       COUNT(*) AS trading_days,
       AVG(p.adj_close) AS avg_price,
       MIN(p.adj_close) AS min_price,
       MAX(p.adj_close) AS max_price,
       AVG(p.gross_return) AS avg_return,
       STDDEV(p.gross_return) AS volatility
FROM market_data.us_stocks_price p
JOIN reference.tb_meta m ON m.meta_id = p.meta_id
WHERE m.ticker IN (:tickers)
  AND p.trade_date >= :start_date
GROUP BY m.ticker, m.name
ORDER BY m.ticker
