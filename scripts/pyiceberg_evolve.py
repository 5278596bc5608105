#!/usr/bin/env python3
"""scripts/pyiceberg_evolve.py WAREHOUSE_DIR — tables whose schema or spec PyIceberg evolved.

The lake's writers evolve tables with PyIceberg; fathom must read every such table the way
Iceberg defines it (columns by field id). Catalog: PyIceberg SqlCatalog "default",
uri sqlite:///WAREHOUSE_DIR/catalog.db, warehouse file://WAREHOUSE_DIR/warehouse.
Tables in namespace `evo`, each written as an append, an evolution, then another append:

  rename     id int, volume long, price double; rename volume -> vol
  relabel    id int, volume long; rename volume -> vol and add price double, no append after
  add        id int, price double; add note string
  drop       id int, gone string, price double; drop gone
  readd      id int, tag string; drop tag, add tag long (old files hold the dropped tag)
  promote    id int, qty int, ratio float; qty -> long, ratio -> double
  spec       id int, d date, price double, partitioned month(d); spec -> day(d)
  cow        id int, price double; delete id % 3 = 0 (copy-on-write, PyIceberg's delete)

Prints JSON: {"catalog_uri", "warehouse", "tables": {name: {"rows": [row dicts sorted by
id, dates as YYYY-MM-DD, NaN-free], "files": [plan_files() paths, sorted],
"filter_files": {filter: [paths]}}}}.
"""
import datetime as dt
import json
import os
import shutil
import sys

import pyarrow as pa
from pyiceberg.catalog.sql import SqlCatalog
from pyiceberg.expressions import EqualTo
from pyiceberg.expressions.parser import parse
from pyiceberg.partitioning import PartitionField, PartitionSpec
from pyiceberg.schema import Schema
from pyiceberg.transforms import DayTransform, MonthTransform
from pyiceberg.types import DateType, DoubleType, FloatType, IntegerType, LongType, NestedField, StringType

NS = "evo"
# Row filters whose planned files fathom must match (PyIceberg expression syntax).
FILTERS = {
    "spec": ["d >= '2024-02-10' and d < '2024-02-12'", "d >= '2024-01-05' and d < '2024-01-06'"],
    "rename": ["vol > 1500"],
    "relabel": ["vol > 250"],
    "promote": ["qty > 1000000000"],
}


def field(i, name, t, required=False):
    return NestedField(i, name, t, required=required)


def arrow(table, cols):
    return pa.Table.from_pydict(cols, schema=table.schema().as_arrow())


def append(table, cols):
    table.append(arrow(table, cols))


def write_rename(cat):
    t = cat.create_table(f"{NS}.rename", Schema(field(1, "id", IntegerType(), True), field(2, "volume", LongType()), field(3, "price", DoubleType())))
    append(t, {"id": [1, 2, 3], "volume": [1000, 2000, None], "price": [1.5, 2.5, 3.5]})
    with t.update_schema() as u:
        u.rename_column("volume", "vol")
    append(t, {"id": [4, 5], "vol": [4000, 500], "price": [4.5, 5.5]})


def write_relabel(cat):
    t = cat.create_table(f"{NS}.relabel", Schema(field(1, "id", IntegerType(), True), field(2, "volume", LongType())))
    append(t, {"id": [1, 2, 3], "volume": [100, 200, 300]})
    with t.update_schema() as u:
        u.rename_column("volume", "vol")
        u.add_column("price", DoubleType())


def write_add(cat):
    t = cat.create_table(f"{NS}.add", Schema(field(1, "id", IntegerType(), True), field(2, "price", DoubleType())))
    append(t, {"id": [1, 2], "price": [1.0, 2.0]})
    with t.update_schema() as u:
        u.add_column("note", StringType())
    append(t, {"id": [3, 4], "price": [3.0, 4.0], "note": ["new", None]})


def write_drop(cat):
    t = cat.create_table(f"{NS}.drop", Schema(field(1, "id", IntegerType(), True), field(2, "gone", StringType()), field(3, "price", DoubleType())))
    append(t, {"id": [1, 2], "gone": ["x", "y"], "price": [1.0, 2.0]})
    with t.update_schema() as u:
        u.delete_column("gone")
    append(t, {"id": [3], "price": [3.0]})


def write_readd(cat):
    t = cat.create_table(f"{NS}.readd", Schema(field(1, "id", IntegerType(), True), field(2, "tag", StringType())))
    append(t, {"id": [1, 2], "tag": ["old-a", "old-b"]})
    with t.update_schema() as u:
        u.delete_column("tag")
    with t.update_schema() as u:
        u.add_column("tag", LongType())
    append(t, {"id": [3, 4], "tag": [30, None]})


def write_promote(cat):
    t = cat.create_table(f"{NS}.promote", Schema(field(1, "id", IntegerType(), True), field(2, "qty", IntegerType()), field(3, "ratio", FloatType())))
    append(t, {"id": [1, 2], "qty": [10, 2_000_000_000], "ratio": [0.5, 0.25]})
    with t.update_schema() as u:
        u.update_column("qty", LongType())
        u.update_column("ratio", DoubleType())
    append(t, {"id": [3], "qty": [5_000_000_000], "ratio": [0.125]})


def write_spec(cat):
    schema = Schema(field(1, "id", IntegerType(), True), field(2, "d", DateType(), True), field(3, "price", DoubleType()))
    spec = PartitionSpec(PartitionField(source_id=2, field_id=1000, transform=MonthTransform(), name="d_month"))
    t = cat.create_table(f"{NS}.spec", schema, partition_spec=spec)
    jan = [dt.date(2024, 1, d) for d in range(2, 12)]
    feb = [dt.date(2024, 2, d) for d in range(5, 15)]
    append(t, {"id": list(range(1, 11)), "d": jan, "price": [float(i) for i in range(1, 11)]})
    with t.update_spec() as u:
        u.remove_field("d_month")
        u.add_field("d", DayTransform(), "d_day")
    for i, d in enumerate(feb):
        append(t, {"id": [11 + i], "d": [d], "price": [11.0 + i]})


def write_cow(cat):
    t = cat.create_table(f"{NS}.cow", Schema(field(1, "id", IntegerType(), True), field(2, "price", DoubleType())))
    append(t, {"id": list(range(1, 10)), "price": [i * 1.5 for i in range(1, 10)]})
    append(t, {"id": list(range(10, 13)), "price": [i * 1.5 for i in range(10, 13)]})
    for i in (3, 6, 9, 12):
        t.delete(EqualTo("id", i))


def jsonable(v):
    if isinstance(v, (dt.date, dt.datetime)):
        return v.isoformat()
    return v


def describe(cat, name):
    t = cat.load_table(f"{NS}.{name}")
    rows = [{k: jsonable(v) for k, v in r.items()} for r in t.scan().to_arrow().to_pylist()]
    rows.sort(key=lambda r: r["id"])
    files = sorted(task.file.file_path for task in t.scan().plan_files())
    filter_files = {
        f: sorted(task.file.file_path for task in t.scan(row_filter=parse(f)).plan_files()) for f in FILTERS.get(name, [])
    }
    return {"rows": rows, "files": files, "filter_files": filter_files}


WRITERS = {
    "rename": write_rename,
    "relabel": write_relabel,
    "add": write_add,
    "drop": write_drop,
    "readd": write_readd,
    "promote": write_promote,
    "spec": write_spec,
    "cow": write_cow,
}


def fresh_catalog(script):
    """The SqlCatalog over the empty WAREHOUSE_DIR of argv, with namespace NS: (cat, uri, warehouse, root)."""
    if len(sys.argv) != 2:
        sys.exit(f"usage: {script} WAREHOUSE_DIR")
    root = os.path.abspath(sys.argv[1])
    shutil.rmtree(root, ignore_errors=True)
    os.makedirs(os.path.join(root, "warehouse"), exist_ok=True)
    uri = f"sqlite:///{root}/catalog.db"
    warehouse = f"file://{root}/warehouse"
    cat = SqlCatalog("default", uri=uri, warehouse=warehouse)
    cat.create_namespace(NS)
    return cat, uri, warehouse, root


def main():
    cat, uri, warehouse, _ = fresh_catalog("pyiceberg_evolve.py")
    for write in WRITERS.values():
        write(cat)
    out = {"catalog_uri": uri, "warehouse": warehouse, "tables": {n: describe(cat, n) for n in WRITERS}}
    print(json.dumps(out))


if __name__ == "__main__":
    main()
