"""docs/warehouse.md's recipes on the demo: `hes` writes HES-shaped appointment rows (and a small LSOA
2011 -> 2021 bridge) from the demo's appointments; `check` runs the DuckDB recipes, and the Spark SQL
ones transpiled by sqlglot, over the demo's rows and `anchormap export lookups`, and compares each
table with the CLI's exact one: counts equal, every other figure within one unit of its last decimal.
"""

import csv
import re
import sys
from pathlib import Path

import duckdb

LOOKUPS = ["postcodes", "areas", "lsoa_bridge", "site_trips"]

# Demo areas given by codes of an older vintage: two split from one, one merged from two.
BRIDGE = """LSOA11CD,CHGIND,LSOA21CD
E01880001,S,E01990002
E01880001,S,E01990003
E01880002,M,E01990004
E01880003,M,E01990004
"""

HES = """
COPY (
  SELECT a.attendance_id AS appointment_id,
         CASE WHEN p.area_code IN ('E01990002', 'E01990003') THEN 'E01880001'
              WHEN p.area_code = 'E01990004'
                THEN CASE WHEN CAST(a.attendance_id AS INT) % 2 = 0 THEN 'E01880002' ELSE 'E01880003' END
              ELSE p.area_code END AS patient_lsoa,
         a.site_code,
         CASE WHEN a.consultation_medium_used = '01'
                THEN CASE WHEN a.first_follow_up = 'First' THEN '1' ELSE '2' END
              ELSE CASE WHEN a.first_follow_up = 'First' THEN '3' ELSE '4' END END AS firstatt,
         CASE WHEN CAST(a.attendance_id AS INT) % 20 = 0 THEN '3' ELSE '5' END AS attended
  FROM read_csv('{appointments}', all_varchar = true) AS a
  LEFT JOIN read_parquet('{postcodes}') AS p
    ON p.postcode_key = upper(replace(trim(a.patient_postcode), ' ', ''))
  ORDER BY a.attendance_id
) TO '{out}' (HEADER)
"""


def hes(appointments, lookups, out_dir):
    """HES-shaped rows (LSOA, not postcode; FIRSTATT and ATTENDED codes) and the bridge they need."""
    out_dir = Path(out_dir)
    postcodes = Path(lookups) / "postcodes.parquet"
    duckdb.sql(HES.format(appointments=appointments, postcodes=postcodes, out=out_dir / "hes.csv"))
    (out_dir / "bridge.csv").write_text(BRIDGE)


def recipes(doc):
    """Each `<!-- recipe: ENGINE NAME -->` block of the page: {(engine, name): sql}."""
    text = Path(doc).read_text(encoding="utf-8")
    found = re.findall(r"<!-- recipe: (\w+) (\w+) -->\s*```sql\n(.*?)```", text, re.S)
    return {(engine, name): sql for engine, name, sql in found}


def decimals(cell):
    return len(cell.split(".")[1]) if "." in cell else 0


def compare(name, engine, cli_csv, rows, columns):
    """Stops with every difference between the CLI's table and the recipe's."""
    with open(cli_csv, newline="", encoding="utf-8") as f:
        cli = list(csv.reader(f))
    problems = []
    if cli[0] != columns:
        problems.append(f"columns: CLI {cli[0]} recipe {columns}")
    if len(cli) - 1 != len(rows):
        problems.append(f"rows: CLI {len(cli) - 1} recipe {len(rows)}")
    for want, got in zip(cli[1:], rows):
        for header, cell, value in zip(cli[0], want, got):
            if cell == "" or value is None:
                if (cell == "") != (value is None):
                    problems.append(f"{want[0]} {header}: CLI '{cell}' recipe {value}")
                continue
            if header == cli[0][0]:
                ok = cell == str(value)
            elif decimals(cell) == 0:
                ok = float(cell) == float(value)
            else:
                # A half-way value may round either way: one unit of the last decimal.
                ok = abs(float(cell) - float(value)) <= 10 ** -decimals(cell) + 1e-9
            if not ok:
                problems.append(f"{want[0]} {header}: CLI {cell} recipe {value}")
    if problems:
        sys.exit(f"{name} ({engine}) differs from {cli_csv}:\n  " + "\n  ".join(problems))
    print(f"{name} ({engine}): {len(rows)} rows x {len(columns)} columns equal the CLI's exact table")


def check(doc, lookups, staff, appointments, gaps_csv, emissions_csv):
    import sqlglot

    con = duckdb.connect()
    for table in LOOKUPS:
        con.execute(f"CREATE VIEW {table} AS SELECT * FROM read_parquet('{Path(lookups) / (table + '.parquet')}')")
    con.execute(f"CREATE VIEW staff AS SELECT * FROM read_csv('{staff}', all_varchar = true)")
    con.execute(f"CREATE VIEW appointments AS SELECT * FROM read_csv('{appointments}', all_varchar = true)")
    found = recipes(doc)
    expected = {"gaps_by_decile": gaps_csv, "emissions_by_decile": emissions_csv}
    for name, cli_csv in expected.items():
        for engine in ["duckdb", "spark"]:
            sql = found.get((engine, name))
            if sql is None:
                sys.exit(f"{doc} has no '<!-- recipe: {engine} {name} -->' block")
            if engine == "spark":
                sqlglot.parse_one(sql, read="spark")
                sql = sqlglot.transpile(sql, read="spark", write="duckdb")[0]
            result = con.execute(sql)
            columns = [d[0] for d in result.description]
            compare(name, engine, cli_csv, result.fetchall(), columns)


if __name__ == "__main__":
    command, args = sys.argv[1], sys.argv[2:]
    {"hes": hes, "check": check}[command](*args)
