-- name: NAV is continuous
-- description: NAV rows of the 31 days up to as_of that follow the portfolio's previous row after more than a week, or move total_value by more than max_jump
-- engine: any
-- param: as_of date = 2024-12-31
-- param: max_jump float = 0.25
-- check: fail_above=0
-- tags: quality, sanity, portfolio
WITH nav AS (
  SELECT port_id, trade_date, total_value,
         LAG(trade_date) OVER (PARTITION BY port_id ORDER BY trade_date) AS prev_date,
         LAG(total_value) OVER (PARTITION BY port_id ORDER BY trade_date) AS prev_total
  FROM portfolio.tb_nav
  WHERE trade_date > CAST(:as_of AS DATE) - INTERVAL '45' DAY AND trade_date <= CAST(:as_of AS DATE)
)
SELECT port_id, prev_date, trade_date, prev_total, total_value
FROM nav
WHERE trade_date > CAST(:as_of AS DATE) - INTERVAL '31' DAY
  AND prev_date IS NOT NULL
  AND (prev_date < trade_date - INTERVAL '7' DAY
       OR total_value IS NULL OR prev_total <= 0
       OR ABS(total_value / prev_total - 1) > :max_jump)
ORDER BY port_id, trade_date
