-- name: Monthly average price and volatility
-- description: per ticker and month: average adj_close, volatility of daily returns, trading days
-- engine: any
-- param: tickers list<text> = AAPL,MSFT,NVDA
-- param: start_date date = 2024-01-01
-- chart: line x=month y=avg_price series=ticker
-- tags: market, monthly
SELECT m.ticker,
       DATE_TRUNC('month', p.trade_date) AS month,
       AVG(p.adj_close) AS avg_price,
       STDDEV(p.gross_return) AS volatility,
       COUNT(*) AS trading_days
FROM market_data.us_stocks_price p
JOIN reference.tb_meta m ON m.meta_id = p.meta_id
WHERE m.ticker IN (:tickers)
  AND p.trade_date >= :start_date
GROUP BY m.ticker, DATE_TRUNC('month', p.trade_date)
ORDER BY m.ticker, month
