#!/usr/bin/env python3
"""scripts/pyiceberg_posdeletes.py WAREHOUSE_DIR — a v2 table with a real position-delete file.

PyIceberg writes deletes copy-on-write only (merge-on-read falls back to it), but it reads
position deletes. This script makes one as a merge-on-read writer (Spark, Trino, Athena's
DELETE) would: table `evo.posdel` (id int, price double) gets one appended data file of 10
rows, then a Parquet position-delete file (file_path, pos: the spec's field ids) naming rows
2 and 5 of it, committed in its own snapshot through a delete manifest.

Catalog: PyIceberg SqlCatalog "default", uri sqlite:///WAREHOUSE_DIR/catalog.db, warehouse
file://WAREHOUSE_DIR/warehouse. Prints JSON: {"catalog_uri", "warehouse", "delete_file",
"data_file", "all_rows": 10, "rows": [PyIceberg's scan().to_arrow() rows sorted by id, the
deletes applied]}.
"""
import json
import os

import pyarrow as pa
import pyarrow.parquet as pq
from pyiceberg.manifest import DataFile, DataFileContent, FileFormat, ManifestContent, ManifestEntry, ManifestEntryStatus, ManifestWriterV2
from pyiceberg.schema import Schema
from pyiceberg.table.update.snapshot import _FastAppendFiles
from pyiceberg.typedef import Record
from pyiceberg.types import DoubleType, IntegerType, NestedField

from pyiceberg_evolve import NS, fresh_catalog

# The position-delete file's columns, by the Iceberg spec's reserved field ids.
FILE_PATH_ID, POS_ID = 2147483546, 2147483545


class DeleteManifestWriter(ManifestWriterV2):
    """A v2 manifest of delete files (PyIceberg writes data manifests only)."""

    def content(self):
        return ManifestContent.DELETES

    @property
    def _meta(self):
        return {**super()._meta, "content": "deletes"}


class AddDeletes(_FastAppendFiles):
    """A snapshot that adds delete files: a fast append whose new manifest holds them."""

    def __init__(self, *args, delete_files=(), **kwargs):
        super().__init__(*args, **kwargs)
        self._delete_files = list(delete_files)

    def _process_manifests(self, manifests):
        spec = self._transaction.table_metadata.spec()
        writer = DeleteManifestWriter(spec, self.schema(), self.new_manifest_output(), self._snapshot_id, self._compression)
        with writer:
            for f in self._delete_files:
                writer.add(
                    ManifestEntry.from_args(
                        status=ManifestEntryStatus.ADDED,
                        snapshot_id=self._snapshot_id,
                        sequence_number=None,
                        file_sequence_number=None,
                        data_file=f,
                    )
                )
        return [*manifests, writer.to_manifest_file()]


def main():
    cat, uri, warehouse, root = fresh_catalog("pyiceberg_posdeletes.py")
    schema = Schema(NestedField(1, "id", IntegerType(), required=True), NestedField(2, "price", DoubleType(), required=False))
    t = cat.create_table(f"{NS}.posdel", schema, properties={"format-version": "2"})
    t.append(pa.Table.from_pydict({"id": list(range(10)), "price": [100.0 + i for i in range(10)]}, schema=t.schema().as_arrow()))
    t = cat.load_table(f"{NS}.posdel")
    (task,) = list(t.scan().plan_files())
    data_file = task.file.file_path

    path = os.path.join(root, "warehouse", NS, "posdel", "data", "pos-deletes-00001.parquet")
    deletes = pa.table(
        {"file_path": pa.array([data_file, data_file], pa.string()), "pos": pa.array([2, 5], pa.int64())},
        schema=pa.schema([
            pa.field("file_path", pa.string(), nullable=False, metadata={"PARQUET:field_id": str(FILE_PATH_ID)}),
            pa.field("pos", pa.int64(), nullable=False, metadata={"PARQUET:field_id": str(POS_ID)}),
        ]),
    )
    pq.write_table(deletes, path)
    delete_file = DataFile.from_args(
        content=DataFileContent.POSITION_DELETES,
        file_path=f"file://{path}",
        file_format=FileFormat.PARQUET,
        partition=Record(),
        record_count=2,
        file_size_in_bytes=os.path.getsize(path),
    )
    delete_file.spec_id = 0
    with t.transaction() as tx:
        producer = AddDeletes(operation=_operation_overwrite(), transaction=tx, io=t.io, delete_files=[delete_file])
        producer.commit()

    t = cat.load_table(f"{NS}.posdel")
    rows = sorted(t.scan().to_arrow().to_pylist(), key=lambda r: r["id"])
    out = {"catalog_uri": uri, "warehouse": warehouse, "delete_file": f"file://{path}", "data_file": data_file, "all_rows": 10, "rows": rows}
    print(json.dumps(out))


def _operation_overwrite():
    from pyiceberg.table.snapshots import Operation

    return Operation.OVERWRITE


if __name__ == "__main__":
    main()
