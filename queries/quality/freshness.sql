-- name: Price tables are fresh
-- description: each price table's latest trade_date is at most max_lag open trading days (reference.tb_calendar) behind as_of; a Monday check of Friday data is fresh. Also fails when the calendar does not reach as_of, since lag cannot be counted then.
-- engine: any
-- param: as_of date = 2024-12-31
-- param: max_lag int = 2
-- check: fail_above=0
-- tags: quality, freshness
WITH latest AS (
  SELECT 'market_data.us_stocks_price' AS table_name, 'US' AS market, MAX(trade_date) AS last_date
  FROM market_data.us_stocks_price
  WHERE trade_date > CAST(:as_of AS DATE) - INTERVAL '60' DAY AND trade_date <= CAST(:as_of AS DATE)
  UNION ALL
  SELECT 'market_data.kr_stocks_price', 'KR', MAX(trade_date)
  FROM market_data.kr_stocks_price
  WHERE trade_date > CAST(:as_of AS DATE) - INTERVAL '60' DAY AND trade_date <= CAST(:as_of AS DATE)
), cal AS (
  SELECT market, trade_date, is_open
  FROM reference.tb_calendar
  WHERE trade_date > CAST(:as_of AS DATE) - INTERVAL '60' DAY AND trade_date <= CAST(:as_of AS DATE)
), lag AS (
  SELECT l.table_name, l.market, l.last_date,
         SUM(CASE WHEN c.is_open AND (l.last_date IS NULL OR c.trade_date > l.last_date) THEN 1 ELSE 0 END) AS open_days_behind,
         MAX(c.trade_date) AS calendar_through
  FROM latest l
  LEFT JOIN cal c ON c.market = l.market
  GROUP BY l.table_name, l.market, l.last_date
)
SELECT table_name, last_date, open_days_behind, calendar_through,
       CASE WHEN calendar_through IS NULL OR calendar_through < CAST(:as_of AS DATE)
            THEN 'reference.tb_calendar does not reach as_of'
            ELSE 'more than max_lag open days behind' END AS reason
FROM lag
WHERE open_days_behind > :max_lag
   OR calendar_through IS NULL OR calendar_through < CAST(:as_of AS DATE)
ORDER BY table_name
