"""Runs duckdb_requests.sql: the DuckDB side of `make bench` (never a dependency of the tool).

    run_duckdb.py INPUT AS_AT CASES SUMMARY [BASE_SQL]

BASE_SQL, when given (duckdb_requests_other.sql for the other export), replaces the
first statement of duckdb_requests.sql, the one that reads the extract into `base`.
"""
import pathlib
import sys

import duckdb

input_path, as_at, cases, summary = sys.argv[1:5]
here = pathlib.Path(__file__).parent
sql = (here / "duckdb_requests.sql").read_text()
if len(sys.argv) > 5:
    start = sql.index("CREATE TEMP TABLE base AS")
    end = sql.index(";\n", start) + 2
    sql = sql[:start] + (here / sys.argv[5]).read_text() + sql[end:]
sql = (sql.replace("{input}", input_path).replace("{as_at}", as_at)
       .replace("{cases}", cases).replace("{summary}", summary))
con = duckdb.connect()
con.execute(sql)
