"""The national geocode done in SedonaDB (pip `sedonadb`): Apache Sedona's single-node engine.

The same job as `duckdb_geocode.py` and `geopandas_geocode.py`: Code-Point Open points (read
with pyarrow out of the zip), LSOA polygons (read with pyogrio, reprojected to British National
Grid), IMD File 1; points joined to polygons with ST_Within in SedonaDB's SQL (its spatial join);
every input row written with the same added columns.

usage: python sedonadb_geocode.py INPUT.csv CODEPO.zip BOUNDARIES.geojson IMD_FILE_1.csv OUT.csv
"""
import sys
import zipfile

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyogrio
import shapely
import sedonadb

CODE_POINT = ["postcode", "pq", "easting", "northing"]


def read_code_point(path):
    with zipfile.ZipFile(path) as z:
        names = sorted(n for n in z.namelist() if n.startswith("Data/CSV/") and n.endswith(".csv"))
        options = pacsv.ReadOptions(column_names=CODE_POINT + [f"c{i}" for i in range(6)])
        convert = pacsv.ConvertOptions(include_columns=CODE_POINT,
                                       column_types={"postcode": pa.string(), "pq": pa.string()})
        tables = [pacsv.read_csv(z.open(n), read_options=options, convert_options=convert) for n in names]
    return pa.concat_tables(tables)


def main(input_csv, code_point, boundaries, imd, out_csv):
    sd = sedonadb.connect()
    strings = pacsv.ConvertOptions(strings_can_be_null=False, column_types={"id": pa.string(), "postcode": pa.string()})
    rows = pacsv.read_csv(input_csv, convert_options=strings)
    key = pc.replace_substring_regex(pc.utf8_upper(rows["postcode"]), r"\s+", "")
    normalised = pc.replace_substring_regex(key, r"^(.*)(...)$", r"\1 \2")
    rows = rows.append_column("postcode_normalised", normalised).append_column("row_id", pa.array(range(len(rows))))
    sd.create_data_frame(rows).to_view("input")
    sd.create_data_frame(read_code_point(code_point)).to_view("directory")
    areas = pyogrio.read_dataframe(boundaries, columns=["LSOA11CD", "LSOA11NM"]).to_crs(27700)
    wkb = shapely.to_wkb(areas.geometry.values)
    areas = pa.table({"LSOA11CD": areas["LSOA11CD"], "LSOA11NM": areas["LSOA11NM"], "wkb": pa.array(wkb, pa.binary())})
    sd.create_data_frame(areas).to_view("areas_wkb")
    sd.sql('SELECT "LSOA11CD", "LSOA11NM", ST_SetSRID(ST_GeomFromWKB(wkb), 27700) AS geometry FROM areas_wkb').to_view("areas")
    names = ["area_code", "area_name", "lad_code", "lad_name", "imd_rank", "imd_decile"]
    imd_table = pacsv.read_csv(imd, read_options=pacsv.ReadOptions(column_names=names, skip_rows=1),
                               convert_options=pacsv.ConvertOptions(column_types={n: pa.string() for n in names}))
    rank = pc.replace_substring(imd_table["imd_rank"], ",", "")
    imd_table = imd_table.set_column(names.index("imd_rank"), "imd_rank", rank)
    sd.create_data_frame(imd_table).to_view("deprivation")
    result = sd.sql("""
        WITH points AS (
            SELECT i.row_id, i.id, i.postcode, i.postcode_normalised, d.easting, d.northing,
                   ST_SetSRID(ST_Point(d.easting, d.northing), 27700) AS point
            FROM input i LEFT JOIN directory d ON d.postcode = i.postcode_normalised AND d.pq <> '90'
        )
        SELECT p.row_id, p.id, p.postcode, p.postcode_normalised, p.easting, p.northing,
               a."LSOA11CD" AS area_code, a."LSOA11NM" AS area_name, dep.imd_decile, dep.imd_rank,
               CASE WHEN a."LSOA11CD" IS NULL THEN 'outside' ELSE 'within' END AS match
        FROM points p
        LEFT JOIN areas a ON ST_Within(p.point, a.geometry)
        LEFT JOIN deprivation dep ON dep.area_code = a."LSOA11CD"
    """).to_arrow_table()
    result = result.sort_by([("row_id", "ascending")]).drop_columns(["row_id"])
    pacsv.write_csv(result, out_csv)


if __name__ == "__main__":
    main(*sys.argv[1:6])
