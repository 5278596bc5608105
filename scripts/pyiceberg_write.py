#!/usr/bin/env python3
"""scripts/pyiceberg_write.py WAREHOUSE_DIR — write a small Iceberg table with PyIceberg.

Stands in for the lake's PyIceberg writers so fathom's interop test has a warehouse that
fathom itself did not write. Run it with the python that scripts/python-env prints.

Catalog: PyIceberg SqlCatalog "default", uri sqlite:///WAREHOUSE_DIR/catalog.db,
warehouse file://WAREHOUSE_DIR/warehouse. Table pyice.prices:
    meta_id int required, trade_date date required, adj_close double, ticker string
    partitioned by month(trade_date) AS trade_month.
Data (deterministic): meta_id 1,2,3 (tickers AAA, BBB, 삼성전자) x every weekday from
2024-01-01 to 2024-06-28; day_index is the 0-based index of the weekday in that run and
adj_close = 100 + meta_id*10 + day_index*0.5. Written as two appends (Jan-Mar, Apr-Jun),
hence two snapshots. Idempotent: an existing pyice.prices is dropped and its files removed.

Prints JSON: {"catalog_uri", "warehouse", "rows", "snapshots" (ids, oldest first),
"snapshot_rows" (total rows as of each snapshot), "sum_adj_close", "max_trade_date"}.
"""
import datetime as dt
import json
import os
import shutil
import sys
from urllib.parse import urlparse

import pyarrow as pa
from pyiceberg.catalog.sql import SqlCatalog
from pyiceberg.partitioning import PartitionField, PartitionSpec
from pyiceberg.schema import Schema
from pyiceberg.transforms import MonthTransform
from pyiceberg.types import DateType, DoubleType, IntegerType, NestedField, StringType

TABLE = "pyice.prices"
TICKERS = {1: "AAA", 2: "BBB", 3: "삼성전자"}
SCHEMA = Schema(
    NestedField(1, "meta_id", IntegerType(), required=True),
    NestedField(2, "trade_date", DateType(), required=True),
    NestedField(3, "adj_close", DoubleType(), required=False),
    NestedField(4, "ticker", StringType(), required=False),
)
SPEC = PartitionSpec(
    PartitionField(source_id=2, field_id=1000, transform=MonthTransform(), name="trade_month")
)
ARROW_SCHEMA = pa.schema([
    pa.field("meta_id", pa.int32(), nullable=False),
    pa.field("trade_date", pa.date32(), nullable=False),
    pa.field("adj_close", pa.float64()),
    pa.field("ticker", pa.string()),
])


def weekdays(start, end):
    d = start
    while d <= end:
        if d.weekday() < 5:
            yield d
        d += dt.timedelta(days=1)


def rows_for(days):
    """days: [(day_index, date)] -> a pyarrow table, ordered by date then meta_id."""
    cols = {"meta_id": [], "trade_date": [], "adj_close": [], "ticker": []}
    for i, d in days:
        for meta_id, ticker in TICKERS.items():
            cols["meta_id"].append(meta_id)
            cols["trade_date"].append(d)
            cols["adj_close"].append(100 + meta_id * 10 + i * 0.5)
            cols["ticker"].append(ticker)
    return pa.table(cols, schema=ARROW_SCHEMA)


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: pyiceberg_write.py WAREHOUSE_DIR")
    root = os.path.abspath(sys.argv[1])
    os.makedirs(os.path.join(root, "warehouse"), exist_ok=True)
    uri = f"sqlite:///{root}/catalog.db"
    warehouse = f"file://{root}/warehouse"
    catalog = SqlCatalog("default", uri=uri, warehouse=warehouse)

    catalog.create_namespace_if_not_exists("pyice")
    if catalog.table_exists(TABLE):
        location = catalog.load_table(TABLE).location()
        catalog.drop_table(TABLE)
        path = urlparse(location).path
        if path.startswith(root + os.sep):  # never delete outside the warehouse given
            shutil.rmtree(path, ignore_errors=True)
    table = catalog.create_table(TABLE, schema=SCHEMA, partition_spec=SPEC)

    days = list(enumerate(weekdays(dt.date(2024, 1, 1), dt.date(2024, 6, 28))))
    first = rows_for([(i, d) for i, d in days if d.month <= 3])
    second = rows_for([(i, d) for i, d in days if d.month > 3])
    table.append(first)
    table.append(second)

    table = catalog.load_table(TABLE)
    snapshots = table.snapshots()  # oldest first
    all_rows = table.scan().to_arrow()
    print(json.dumps({
        "catalog_uri": uri,
        "warehouse": warehouse,
        "rows": all_rows.num_rows,
        "snapshots": [s.snapshot_id for s in snapshots],
        "snapshot_rows": [int(s.summary["total-records"]) for s in snapshots],
        "sum_adj_close": sum(all_rows.column("adj_close").to_pylist()),
        "max_trade_date": max(all_rows.column("trade_date").to_pylist()).isoformat(),
    }))


if __name__ == "__main__":
    main()
