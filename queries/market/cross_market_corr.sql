-- name: US vs KR cross-market correlation
-- description: two tickers' daily returns side by side (FULL OUTER JOIN on date) with a rolling 20-day correlation
-- engine: any
-- param: us_ticker text = AAPL
-- param: kr_ticker text = 005930
-- param: start_date date = 2024-01-01
-- chart: line x=trade_date y=corr_20d
-- tags: market, correlation
WITH us AS (
  SELECT p.trade_date, p.gross_return AS us_return
  FROM market_data.us_stocks_price p
  JOIN reference.tb_meta m ON m.meta_id = p.meta_id
  WHERE m.ticker = :us_ticker AND p.trade_date >= :start_date
), kr AS (
  SELECT p.trade_date, p.gross_return AS kr_return
  FROM market_data.kr_stocks_price p
  JOIN reference.tb_meta m ON m.meta_id = p.meta_id
  WHERE m.ticker = :kr_ticker AND p.trade_date >= :start_date
), joined AS (
  SELECT COALESCE(us.trade_date, kr.trade_date) AS trade_date, us.us_return, kr.kr_return
  FROM us FULL OUTER JOIN kr ON us.trade_date = kr.trade_date
)
SELECT trade_date,
       us_return,
       kr_return,
       CORR(us_return, kr_return) OVER (ORDER BY trade_date ROWS BETWEEN 19 PRECEDING AND CURRENT ROW) AS corr_20d
FROM joined
ORDER BY trade_date
