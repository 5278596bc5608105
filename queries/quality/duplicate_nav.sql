-- name: NAV keys are unique
-- description: (trade_date, port_id) keys that occur more than once in portfolio.tb_nav, over the 31 days up to as_of
-- engine: any
-- param: as_of date = 2024-12-31
-- check: fail_above=0
-- tags: quality, duplicates
SELECT trade_date, port_id, COUNT(*) AS copies
FROM portfolio.tb_nav
WHERE trade_date > CAST(:as_of AS DATE) - INTERVAL '31' DAY AND trade_date <= CAST(:as_of AS DATE)
GROUP BY trade_date, port_id
HAVING COUNT(*) > 1
ORDER BY trade_date, port_id
