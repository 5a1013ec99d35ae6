"""The peer pipeline for `anchormap geocode`: the same national job done with GeoPandas.

Reads the Code-Point Open zip, merges the input postcodes onto it, spatially joins the
points to LSOA polygons with `sjoin(predicate="within")`, attaches the IMD decile and rank,
and writes a CSV with every input row. (No nearest-area fallback: GeoPandas' `sjoin` has
none; `sjoin_nearest` on the unmatched rows would only add time.)

usage: python geopandas_geocode.py INPUT.csv CODEPO.zip BOUNDARIES.geojson IMD_FILE_1.csv OUT.csv
"""
import sys
import zipfile

import geopandas as gpd
import pandas as pd

CODE_POINT_COLUMNS = ["Postcode", "PQ", "Eastings", "Northings", "Country_code",
                      "NHS_regional_HA_code", "NHS_HA_code", "Admin_county_code",
                      "Admin_district_code", "Admin_ward_code"]


def read_code_point(path):
    with zipfile.ZipFile(path) as z:
        names = sorted(n for n in z.namelist() if n.startswith("Data/CSV/") and n.endswith(".csv"))
        parts = [pd.read_csv(z.open(n), header=None, names=CODE_POINT_COLUMNS,
                             usecols=["Postcode", "PQ", "Eastings", "Northings"]) for n in names]
    return pd.concat(parts, ignore_index=True)


def main(input_csv, code_point, boundaries, imd, out_csv):
    staff = pd.read_csv(input_csv, dtype=str, keep_default_na=False)
    staff["postcode_normalised"] = staff["postcode"].str.upper().str.replace(r"\s+", "", regex=True)
    staff["postcode_normalised"] = staff["postcode_normalised"].str[:-3] + " " + staff["postcode_normalised"].str[-3:]
    directory = read_code_point(code_point)
    directory = directory[directory["PQ"] != 90]
    points = staff.merge(directory, left_on="postcode_normalised", right_on="Postcode", how="left")
    points = gpd.GeoDataFrame(points, geometry=gpd.points_from_xy(points["Eastings"], points["Northings"]), crs=27700)

    areas = gpd.read_file(boundaries, columns=["LSOA11CD", "LSOA11NM"]).to_crs(27700)
    joined = gpd.sjoin(points, areas, how="left", predicate="within")
    joined = joined[~joined.index.duplicated(keep="first")]

    deprivation = pd.read_csv(imd, encoding="utf-8-sig", thousands=",")
    deprivation = deprivation.iloc[:, [0, 4, 5]]
    deprivation.columns = ["LSOA11CD", "imd_rank", "imd_decile"]
    joined = joined.merge(deprivation, on="LSOA11CD", how="left")
    joined = joined.rename(columns={"Eastings": "easting", "Northings": "northing",
                                    "LSOA11CD": "area_code", "LSOA11NM": "area_name"})
    joined["match"] = joined["area_code"].notna().map({True: "within", False: "outside"})
    keep = list(staff.columns) + ["easting", "northing", "area_code", "area_name", "imd_decile", "imd_rank", "match"]
    joined[keep].to_csv(out_csv, index=False)


if __name__ == "__main__":
    main(*sys.argv[1:6])
