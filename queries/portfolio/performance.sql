-- name: Portfolio performance
-- description: per day, the growth of the holdings since the last rebalance (prices x rebalance weights), the NAV, and the month-end metrics
-- engine: any
-- param: port_id int = 1
-- param: start_date date = 2024-01-01
-- chart: line x=trade_date y=total_value
-- tags: portfolio, nav
WITH prices AS (
  SELECT meta_id, trade_date, adj_close FROM market_data.us_stocks_price WHERE trade_date >= CAST(:start_date AS DATE) - INTERVAL '100' DAY
  UNION ALL
  SELECT meta_id, trade_date, adj_close FROM market_data.kr_stocks_price WHERE trade_date >= CAST(:start_date AS DATE) - INTERVAL '100' DAY
), dates AS (
  SELECT DISTINCT rebal_date FROM portfolio.tb_rebalance WHERE port_id = :port_id
), periods AS (
  SELECT rebal_date, LEAD(rebal_date) OVER (ORDER BY rebal_date) AS next_rebal FROM dates
), holdings AS (
  SELECT r.rebal_date, pr.next_rebal, r.meta_id, r.weight, p0.adj_close AS base_price
  FROM portfolio.tb_rebalance r
  JOIN periods pr ON pr.rebal_date = r.rebal_date
  JOIN prices p0 ON p0.meta_id = r.meta_id AND p0.trade_date = r.rebal_date
  WHERE r.port_id = :port_id
), growth AS (
  SELECT p.trade_date, h.rebal_date, SUM(h.weight * p.adj_close / h.base_price) AS growth_since_rebal
  FROM holdings h
  JOIN prices p ON p.meta_id = h.meta_id
   AND p.trade_date >= h.rebal_date
   AND (h.next_rebal IS NULL OR p.trade_date < h.next_rebal)
  WHERE p.trade_date >= :start_date
  GROUP BY p.trade_date, h.rebal_date
)
SELECT g.trade_date, g.rebal_date, g.growth_since_rebal, n.value, n.cash, n.total_value,
       mt.sharpe, mt.mdd, mt.ann_ret, mt.ann_vol
FROM growth g
JOIN portfolio.tb_nav n ON n.port_id = :port_id AND n.trade_date = g.trade_date
LEFT JOIN analytics.tb_metrics mt ON mt.port_id = :port_id AND mt.calculation_date = g.trade_date
ORDER BY g.trade_date
