#!/usr/bin/env python3
"""scripts/pyiceberg_plan_files.py CATALOG_URI WAREHOUSE TABLE FILTER [--snapshot-id N] [--catalog-name NAME]

PyIceberg's file pruning, as the reference fathom's own pruning is compared with: loads
TABLE (e.g. pyice.prices) from the SqlCatalog "default" at CATALOG_URI (e.g.
sqlite:////tmp/x/catalog.db) with warehouse WAREHOUSE, plans
table.scan(row_filter=FILTER, snapshot_id=N).plan_files() and prints JSON
    {"files": [sorted data file paths], "snapshot_id": the snapshot scanned or null}
FILTER is a PyIceberg row-filter string, e.g.
    "trade_date >= '2024-03-01' and trade_date < '2024-04-01'"  ("true" for no filter).
Run it with the python that scripts/python-env prints.
"""
import argparse
import json

import sys

from pyiceberg.catalog.sql import SqlCatalog
from pyiceberg.exceptions import NoSuchTableError
from pyiceberg.expressions.parser import parse


def main():
    ap = argparse.ArgumentParser(description="Print the data files PyIceberg plans for a filter.")
    ap.add_argument("catalog_uri")
    ap.add_argument("warehouse")
    ap.add_argument("table")
    ap.add_argument("filter")
    ap.add_argument("--snapshot-id", type=int, default=None)
    ap.add_argument("--catalog-name", default="default", help="catalog_name in the SQL catalog (fathom's demo: fathom_demo)")
    args = ap.parse_args()

    try:
        row_filter = parse(args.filter)
    except Exception as e:  # pyparsing's message lists the whole grammar
        sys.exit(f"invalid row filter at char {getattr(e, 'loc', '?')}: {args.filter!r}")
    catalog = SqlCatalog(args.catalog_name, uri=args.catalog_uri, warehouse=args.warehouse)
    try:
        table = catalog.load_table(args.table)
    except NoSuchTableError as e:
        sys.exit(f"no such table: {e}")
    if args.snapshot_id is not None and table.snapshot_by_id(args.snapshot_id) is None:
        sys.exit(f"no snapshot {args.snapshot_id} in {args.table}")
    scan = table.scan(row_filter=row_filter, snapshot_id=args.snapshot_id)
    snapshot = scan.snapshot()
    files = sorted(task.file.file_path for task in scan.plan_files())
    print(json.dumps({
        "files": files,
        "snapshot_id": snapshot.snapshot_id if snapshot else None,
    }, ensure_ascii=False))


if __name__ == "__main__":
    main()
