-- name: Rebalance weights sum to 1
-- description: (port_id, rebal_date) rebalances since the start of the previous year whose weights do not sum to 1 within tolerance
-- engine: any
-- param: as_of date = 2024-12-31
-- param: tolerance float = 0.000001
-- check: fail_above=0
-- tags: quality, sanity, portfolio
SELECT port_id, rebal_date, COUNT(*) AS members, SUM(weight) AS weight_sum
FROM portfolio.tb_rebalance
WHERE rebal_date > CAST(:as_of AS DATE) - INTERVAL '400' DAY AND rebal_date <= CAST(:as_of AS DATE)
GROUP BY port_id, rebal_date
HAVING ABS(SUM(weight) - 1) > :tolerance
ORDER BY rebal_date, port_id
