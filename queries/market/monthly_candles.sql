-- name: Monthly candles of one ticker
-- description: monthly open/high/low/close of one US ticker built from daily adj_close (first, max, min and last close of each month), drawn as candles
-- engine: any
-- param: ticker text = AAPL
-- param: start_date date = 2024-01-01
-- chart: candle x=month
-- tags: market, prices, candles
WITH daily AS (
  SELECT CAST(DATE_TRUNC('month', p.trade_date) AS DATE) AS month,
         p.adj_close,
         ROW_NUMBER() OVER (PARTITION BY CAST(DATE_TRUNC('month', p.trade_date) AS DATE) ORDER BY p.trade_date) AS from_start,
         ROW_NUMBER() OVER (PARTITION BY CAST(DATE_TRUNC('month', p.trade_date) AS DATE) ORDER BY p.trade_date DESC) AS from_end
  FROM market_data.us_stocks_price p
  JOIN reference.tb_meta m ON m.meta_id = p.meta_id
  WHERE m.ticker = :ticker
    AND p.trade_date >= :start_date
    AND p.adj_close IS NOT NULL
)
SELECT month,
       MAX(CASE WHEN from_start = 1 THEN adj_close END) AS open,
       MAX(adj_close) AS high,
       MIN(adj_close) AS low,
       MAX(CASE WHEN from_end = 1 THEN adj_close END) AS close,
       COUNT(*) AS trading_days
FROM daily
GROUP BY month
ORDER BY month
