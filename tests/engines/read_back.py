"""Reads a run folder's Parquet and GeoParquet back in DuckDB (with its spatial extension) and,
when installed, GeoPandas, and checks every value against the CSV and GeoJSON beside them.

Usage: python read_back.py RUN_FOLDER. Prints one line per file checked; exits non-zero on the
first difference."""

import csv
import glob
import json
import math
import os
import sys

import duckdb


def spatial_extension():
    """The spatial extension file that the pip package duckdb-ext-spatial ships."""
    from importlib.metadata import files

    found = [f for f in files("duckdb-ext-spatial") if f.name == "spatial.duckdb_extension"]
    assert found, "duckdb-ext-spatial ships no spatial.duckdb_extension"
    return str(found[0].locate())


def same(csv_cell, value, suppressed):
    """A CSV cell and the Parquet value (and its flag) say the same."""
    if csv_cell == "*":
        return value is None and suppressed is True
    if suppressed:
        return False
    if csv_cell == "":
        return value is None
    if isinstance(value, bool):
        return csv_cell == ("true" if value else "false")
    if isinstance(value, (int, float)):
        return math.isclose(float(csv_cell), float(value), rel_tol=0, abs_tol=1e-9)
    return csv_cell == value


def check_table(con, parquet, csv_path):
    with open(csv_path, newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    header, rows = rows[0], rows[1:]
    result = con.execute(f"SELECT * FROM read_parquet('{parquet}')")
    names = [d[0] for d in result.description]
    got = result.fetchall()
    assert len(got) == len(rows), f"{parquet}: {len(got)} rows, the CSV has {len(rows)}"
    assert [n for n in names if not n.endswith("_suppressed")] == header, f"{parquet}: columns {names}"
    for r, (row, values) in enumerate(zip(rows, got)):
        record = dict(zip(names, values))
        for column, cell in zip(header, row):
            flag = record.get(column + "_suppressed", False)
            if cell.startswith("'"):  # a formula neutralised in the CSV only
                cell = cell[1:]
            assert same(cell, record[column], flag), f"{parquet} row {r + 1} {column}: CSV {cell!r}, Parquet {record[column]!r}"
    return len(rows)


def check_layer(con, geoparquet, geojson_path):
    with open(geojson_path, encoding="utf-8") as f:
        features = json.load(f)["features"]
    meta = con.execute(f"SELECT value FROM parquet_kv_metadata('{geoparquet}') WHERE key = 'geo'").fetchone()
    geo = json.loads(meta[0])
    assert geo["version"] == "1.1.0" and geo["primary_column"] == "geometry", geo
    column = geo["columns"]["geometry"]
    assert column["encoding"] == "WKB" and column["covering"]["bbox"]["xmin"] == ["bbox", "xmin"], column
    assert column["crs"]["id"] == {"authority": "OGC", "code": "CRS84"}, column["crs"]
    native = con.execute(f"SELECT typeof(geometry) FROM read_parquet('{geoparquet}') LIMIT 1").fetchone()
    assert native is None or native[0] == "GEOMETRY", f"DuckDB does not take {geoparquet} as GeoParquet: {native}"
    con.execute("SET enable_geoparquet_conversion = false")
    rows = con.execute(
        f"""SELECT area_code, ST_Area(ST_GeomFromWKB(geometry)), ST_XMin(ST_GeomFromWKB(geometry)), bbox.xmin,
                   ST_IsValid(ST_GeomFromWKB(geometry))
            FROM read_parquet('{geoparquet}')"""
    ).fetchall()
    con.execute("SET enable_geoparquet_conversion = true")
    assert len(rows) == len(features), f"{geoparquet}: {len(rows)} rows, the GeoJSON has {len(features)}"
    for (code, area, xmin, bbox_xmin, _), feature in zip(rows, features):
        assert code == feature["properties"]["area_code"], (code, feature["properties"]["area_code"])
        assert area > 0 and abs(xmin - bbox_xmin) < 1e-12, (code, area, xmin, bbox_xmin)
        ring = feature["geometry"]["coordinates"][0][0]
        assert abs(min(p[0] for p in ring) - xmin) < 1e-9 or len(feature["geometry"]["coordinates"]) > 1
    try:
        import geopandas
    except ImportError:
        print("GeoPandas not installed: GeoParquet read in DuckDB only")
        return len(rows)
    frame = geopandas.read_parquet(geoparquet)
    assert frame.crs is not None and frame.crs.equals("OGC:CRS84"), frame.crs
    assert list(frame["area_code"]) == [f["properties"]["area_code"] for f in features]
    assert frame.geometry.is_valid.all() and not frame.geometry.is_empty.any()
    same_columns = con.execute(f"SELECT * EXCLUDE (geometry, bbox) FROM read_parquet('{geoparquet}')").df()
    import pandas

    plain = frame.drop(columns=[c for c in ["geometry", "bbox"] if c in frame.columns])
    def cells(df):
        df = pandas.DataFrame(df).astype(object)
        return df.where(df.notna(), None).values.tolist()

    assert list(plain.columns) == list(same_columns.columns), (list(plain.columns), list(same_columns.columns))
    assert cells(plain) == cells(same_columns), f"{geoparquet}: GeoPandas and DuckDB read different values"
    return len(rows)


def main(folder):
    con = duckdb.connect()
    con.execute(f"LOAD '{spatial_extension()}'")
    checked = 0
    for parquet in sorted(glob.glob(os.path.join(folder, "*.parquet"))):
        if parquet.endswith(".geo.parquet"):
            n = check_layer(con, parquet, parquet[: -len(".geo.parquet")] + ".geojson")
        else:
            n = check_table(con, parquet, parquet[: -len(".parquet")] + ".csv")
        print(f"{os.path.basename(parquet)}: {n} rows as in the CSV/GeoJSON")
        checked += 1
    assert checked > 0, f"no Parquet file in {folder}"


if __name__ == "__main__":
    main(sys.argv[1])
