-- name: Portfolio risk from NAV
-- description: daily returns from total_value (LAG), then annualized return (x252), annualized volatility (x sqrt 252) and Sharpe
-- engine: any
-- param: port_id int = 1
-- param: start_date date = 2000-01-01
-- tags: portfolio, risk
WITH nav AS (
  SELECT trade_date, total_value,
         LAG(total_value) OVER (ORDER BY trade_date) AS prev_value
  FROM portfolio.tb_nav
  WHERE port_id = :port_id AND trade_date >= :start_date
), returns AS (
  SELECT trade_date, total_value / prev_value - 1 AS daily_return
  FROM nav
  WHERE prev_value IS NOT NULL
)
SELECT COUNT(*) AS days,
       AVG(daily_return) * 252 AS ann_return,
       STDDEV(daily_return) * SQRT(252) AS ann_vol,
       (AVG(daily_return) * 252) / (STDDEV(daily_return) * SQRT(252)) AS sharpe
FROM returns
