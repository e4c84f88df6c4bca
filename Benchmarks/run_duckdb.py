"""Runs duckdb_requests.sql: the DuckDB side of `make bench` (never a dependency of the tool)."""
import pathlib
import sys

import duckdb

input_path, as_at, cases, summary = sys.argv[1:5]
sql = (pathlib.Path(__file__).with_name("duckdb_requests.sql").read_text()
       .replace("{input}", input_path).replace("{as_at}", as_at)
       .replace("{cases}", cases).replace("{summary}", summary))
con = duckdb.connect()
con.execute(sql)
