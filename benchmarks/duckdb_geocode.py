"""The national geocode done in DuckDB with its spatial extension (pip `duckdb`, `duckdb-ext-spatial`).

Reads the Code-Point Open CSVs out of the zip, the input postcodes, the LSOA polygons (reprojected
to British National Grid) and IMD File 1; joins points to polygons with ST_Within (DuckDB plans an
R-tree SPATIAL_JOIN); writes every input row with the same added columns as the GeoPandas peer.

usage: python duckdb_geocode.py INPUT.csv CODEPO.zip BOUNDARIES.geojson IMD_FILE_1.csv OUT.csv
"""
import os
import sys
import tempfile
import zipfile
from importlib.metadata import files

import duckdb


def spatial_extension():
    return str(next(f for f in files("duckdb-ext-spatial") if f.name == "spatial.duckdb_extension").locate())


def main(input_csv, code_point, boundaries, imd, out_csv):
    con = duckdb.connect()
    con.execute(f"LOAD '{spatial_extension()}'")
    with tempfile.TemporaryDirectory() as tmp:
        with zipfile.ZipFile(code_point) as z:
            members = [n for n in z.namelist() if n.startswith("Data/CSV/") and n.endswith(".csv")]
            z.extractall(tmp, members)
        con.execute(f"""
            CREATE TABLE directory AS
            SELECT column0 AS postcode, column2::DOUBLE AS easting, column3::DOUBLE AS northing
            FROM read_csv('{os.path.join(tmp, "Data", "CSV", "*.csv")}', header = false, all_varchar = true)
            WHERE column1 <> '90'""")
    con.execute(f"""
        CREATE TABLE areas AS
        SELECT LSOA11CD AS area_code, LSOA11NM AS area_name,
               ST_Transform(geom, 'EPSG:4326', 'EPSG:27700', always_xy := true) AS geom
        FROM ST_Read('{boundaries}')""")
    con.execute(f"""
        CREATE TABLE deprivation AS
        SELECT area_code, replace(imd_rank, ',', '')::INTEGER AS imd_rank, imd_decile::INTEGER AS imd_decile
        FROM read_csv('{imd}', header = true, all_varchar = true,
                      names = ['area_code', 'area_name', 'lad_code', 'lad_name', 'imd_rank', 'imd_decile'])""")
    con.execute(f"""
        COPY (
            WITH input AS (
                SELECT *, row_number() OVER () AS row_id,
                       regexp_replace(upper(postcode), '\\s+', '', 'g') AS key
                FROM read_csv('{input_csv}', all_varchar = true)
            ),
            points AS (
                SELECT i.*, left(i.key, length(i.key) - 3) || ' ' || right(i.key, 3) AS postcode_normalised,
                       d.easting, d.northing, ST_Point(d.easting, d.northing) AS point
                FROM input i LEFT JOIN directory d ON d.postcode = left(i.key, length(i.key) - 3) || ' ' || right(i.key, 3)
            )
            SELECT p.id, p.postcode, p.postcode_normalised, p.easting, p.northing, a.area_code, a.area_name,
                   dep.imd_decile, dep.imd_rank,
                   CASE WHEN a.area_code IS NULL THEN 'outside' ELSE 'within' END AS match
            FROM points p
            LEFT JOIN areas a ON ST_Within(p.point, a.geom)
            LEFT JOIN deprivation dep ON dep.area_code = a.area_code
            ORDER BY p.row_id
        ) TO '{out_csv}' (HEADER)""")


if __name__ == "__main__":
    main(*sys.argv[1:6])
