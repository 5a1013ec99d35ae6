"""The peer for a trust's `anchormap gaps` rerun on prepared data: pandas reading its own Parquet cache.

`prepare` builds the cache once, the usual way: Code-Point joined to the LSOA polygons with
GeoPandas (`sjoin` within), the IMD decile attached, written as one Parquet table of the national
postcode -> LSOA -> decile assignment. `run` is what a rerun then does: read the staff file and the
Parquet table (postcode, area and decile columns only), merge, keep the community's areas (from
the lookup), attach the population, and write the decile table (staff, population, shares,
representation ratio, gap) and the by-area table (staff, population, staff per 1,000, expected
staff, shortfall). No disclosure control, no GeoJSON, no workbook (all would only add time).

usage: python pandas_parquet_gaps.py prepare CODEPO.zip BOUNDARIES.geojson IMD_FILE_1.csv CACHE.parquet
       python pandas_parquet_gaps.py run STAFF.csv CACHE.parquet POP_FILE_6.csv LOOKUP.csv COLUMN=VALUE OUT_DIR
"""
import sys

import pandas as pd

from gap_tables import write_gap_tables


def prepare(code_point, boundaries, imd, cache):
    import geopandas as gpd
    from geopandas_geocode import read_code_point

    directory = read_code_point(code_point)
    directory = directory[directory["PQ"] != 90]
    points = gpd.GeoDataFrame(directory[["Postcode"]],
                              geometry=gpd.points_from_xy(directory["Eastings"], directory["Northings"]), crs=27700)
    areas = gpd.read_file(boundaries, columns=["LSOA11CD"]).to_crs(27700)
    joined = gpd.sjoin(points, areas, how="inner", predicate="within")
    joined = joined[~joined.index.duplicated(keep="first")]
    deprivation = pd.read_csv(imd, encoding="utf-8-sig", thousands=",").iloc[:, [0, 5]]
    deprivation.columns = ["LSOA11CD", "imd_decile"]
    table = pd.DataFrame({"postcode": joined["Postcode"], "LSOA11CD": joined["LSOA11CD"]})
    table = table.merge(deprivation, on="LSOA11CD", how="left")
    table.to_parquet(cache, index=False)


def run(staff_csv, cache, population, lookup, community, out_dir):
    column, value = community.split("=", 1)
    staff = pd.read_csv(staff_csv, dtype=str, keep_default_na=False)
    staff["pc"] = staff["home_postcode"].str.upper().str.replace(r"\s+", "", regex=True)
    staff["pc"] = staff["pc"].str[:-3] + " " + staff["pc"].str[-3:]
    assignment = pd.read_parquet(cache, columns=["postcode", "LSOA11CD", "imd_decile"])
    placed = staff.merge(assignment, left_on="pc", right_on="postcode", how="inner")

    members = pd.read_csv(lookup, dtype=str, usecols=["LSOA11CD", column])
    members = members.loc[members[column] == value, ["LSOA11CD"]]
    deciles = assignment[["LSOA11CD", "imd_decile"]].drop_duplicates("LSOA11CD")
    pop = pd.read_csv(population, encoding="utf-8-sig", thousands=",").iloc[:, [0, 8]]
    pop.columns = ["LSOA11CD", "population"]
    community_areas = members.merge(deciles, on="LSOA11CD").merge(pop, on="LSOA11CD")

    staff_by_area = placed.groupby("LSOA11CD").size().rename("staff").reset_index()
    write_gap_tables(staff_by_area, community_areas, out_dir)


if __name__ == "__main__":
    {"prepare": prepare, "run": run}[sys.argv[1]](*sys.argv[2:])
