#!/usr/bin/env python3
"""scripts/trino_parse.py < queries.json

Checks that SQL parses under a Trino (Athena engine v3) grammar, sqlglot's `trino` dialect.
Input: a JSON list of {"file": ..., "sql": ...} on stdin (parameters already turned into `?`).
Output: a JSON list of {"file": ..., "ok": bool, "error": str|null}; exit 0 either way.
Run it with the python that scripts/python-env prints.
"""
import json
import sys

import sqlglot
from sqlglot.errors import ErrorLevel


def main():
    out = []
    for item in json.load(sys.stdin):
        try:
            trees = sqlglot.parse(item["sql"], read="trino", error_level=ErrorLevel.RAISE)
            ok = len([t for t in trees if t is not None]) == 1
            out.append({"file": item["file"], "ok": ok, "error": None if ok else "not exactly one statement"})
        except Exception as e:  # sqlglot raises ParseError / TokenError with a position
            out.append({"file": item["file"], "ok": False, "error": str(e).splitlines()[0]})
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
