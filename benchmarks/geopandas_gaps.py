"""The peer pipeline for `anchormap gaps`: the same aggregation with pandas and GeoPandas.

Reads the Code-Point zip, merges the staff postcodes onto it, spatially joins the points to LSOA
polygons (`sjoin` within), keeps staff living in the community (LSOAs selected from a lookup),
and writes the decile table (staff, population, shares, representation ratio, gap) and the
by-area table (staff, population, staff per 1,000, expected staff, shortfall). No disclosure
control (it would only add time to the peer).

usage: python geopandas_gaps.py STAFF.csv CODEPO.zip BOUNDARIES.geojson IMD_FILE_1.csv POP_FILE_6.csv \
           LOOKUP.csv COLUMN=VALUE OUT_DIR
"""
import os
import sys

import geopandas as gpd
import pandas as pd

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
    by_area = community_areas.merge(staff_by_area, on="LSOA11CD", how="left").fillna({"staff": 0})
    rate = by_area["staff"].sum() / by_area["population"].sum() * 1000
    by_area["staff_per_1000"] = by_area["staff"] / by_area["population"] * 1000
    by_area["expected_staff"] = by_area["population"] * rate / 1000
    by_area["shortfall"] = by_area["expected_staff"] - by_area["staff"]

    by_decile = by_area.groupby("imd_decile")[["staff", "population"]].sum()
    by_decile["staff_share"] = by_decile["staff"] / by_decile["staff"].sum()
    by_decile["population_share"] = by_decile["population"] / by_decile["population"].sum()
    by_decile["representation_ratio"] = by_decile["staff_share"] / by_decile["population_share"]
    by_decile["gap_pp"] = (by_decile["staff_share"] - by_decile["population_share"]) * 100

    os.makedirs(out_dir, exist_ok=True)
    by_decile.to_csv(os.path.join(out_dir, "gaps_by_decile.csv"))
    by_area.to_csv(os.path.join(out_dir, "gaps_by_area.csv"), index=False)


if __name__ == "__main__":
    main(*sys.argv[1:9])
