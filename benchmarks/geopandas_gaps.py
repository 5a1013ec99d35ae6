"""The peer pipeline for `anchormap gaps`: the same aggregation with pandas and GeoPandas.

Reads the Code-Point zip, merges the staff postcodes onto it, spatially joins the points to LSOA
polygons (`sjoin` within), keeps staff living in the community (LSOAs selected from a lookup),
and writes the decile table (staff, population, shares, representation ratio, gap) and the
by-area table (staff, population, staff per 1,000, expected staff, shortfall). No disclosure
control (it would only add time to the peer).

usage: python geopandas_gaps.py STAFF.csv CODEPO.zip BOUNDARIES.geojson IMD_FILE_1.csv POP_FILE_6.csv \
           LOOKUP.csv COLUMN=VALUE OUT_DIR
"""
import sys

import geopandas as gpd
import pandas as pd

from gap_tables import write_gap_tables
from geopandas_geocode import read_code_point


def main(staff_csv, code_point, boundaries, imd, population, lookup, community, out_dir):
    column, value = community.split("=", 1)
    staff = pd.read_csv(staff_csv, dtype=str, keep_default_na=False)
    staff["pc"] = staff["home_postcode"].str.upper().str.replace(r"\s+", "", regex=True)
    staff["pc"] = staff["pc"].str[:-3] + " " + staff["pc"].str[-3:]
    directory = read_code_point(code_point)
    directory = directory[directory["PQ"] != 90]
    points = staff.merge(directory, left_on="pc", right_on="Postcode", how="inner")
    points = gpd.GeoDataFrame(points, geometry=gpd.points_from_xy(points["Eastings"], points["Northings"]), crs=27700)
    areas = gpd.read_file(boundaries, columns=["LSOA11CD", "LSOA11NM"]).to_crs(27700)
    joined = gpd.sjoin(points, areas, how="inner", predicate="within")

    members = pd.read_csv(lookup, dtype=str)
    members = members.loc[members[column] == value, ["LSOA11CD"]]
    deprivation = pd.read_csv(imd, encoding="utf-8-sig", thousands=",").iloc[:, [0, 5]]
    deprivation.columns = ["LSOA11CD", "imd_decile"]
    pop = pd.read_csv(population, encoding="utf-8-sig", thousands=",").iloc[:, [0, 8]]
    pop.columns = ["LSOA11CD", "population"]
    community_areas = members.merge(deprivation, on="LSOA11CD").merge(pop, on="LSOA11CD")

    staff_by_area = joined.groupby("LSOA11CD").size().rename("staff").reset_index()
    write_gap_tables(staff_by_area, community_areas, out_dir)


if __name__ == "__main__":
    main(*sys.argv[1:9])
