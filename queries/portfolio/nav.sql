-- name: Portfolio NAV
-- description: the daily NAV of one portfolio
-- engine: any
-- param: port_id int = 1
-- param: start_date date = 2000-01-01
-- chart: line x=trade_date y=total_value
-- tags: portfolio, nav
SELECT trade_date, value, cash, total_value
FROM portfolio.tb_nav
WHERE port_id = :port_id AND trade_date >= :start_date
ORDER BY trade_date
