"""The peer pipeline for `anchormap emissions`: the same job with pandas and GeoPandas.

Reads the appointments and the Code-Point zip, merges patient postcodes onto their points,
spatially joins each *distinct* postcode to an LSOA (`sjoin` within; joining distinct postcodes
rather than every row is the fast way to write it), merges the IMD decile and the sites, and
computes per appointment the return trip (straight line x circuity x 2), kg CO2e under a blended
mode-share factor, what already-virtual appointments avoided, and the scenario moving a fraction
of face-to-face follow-ups; writes the by-area, by-decile and by-site tables. No disclosure control.

usage: python geopandas_emissions.py APPOINTMENTS.csv SITES.csv CODEPO.zip BOUNDARIES.geojson IMD_FILE_1.csv \
           SHIFT_FRACTION OUT_DIR
"""
import os
import sys

import geopandas as gpd
import numpy as np
import pandas as pd

from geopandas_geocode import read_code_point

CIRCUITY = 1.3
BLENDED = 0.88 * 0.16725 + 0.03 * 0.10385 + 0.08 * 0.03546  # kg CO2e per passenger-km
MEASURES = ["appointments", "face_to_face", "virtual", "patient_km", "kgco2e", "kgco2e_avoided", "scenario_kgco2e_saved"]


def main(appointments_csv, sites_csv, code_point, boundaries, imd, fraction, out_dir):
    fraction = float(fraction)
    appts = pd.read_csv(appointments_csv, dtype=str, keep_default_na=False)
    pc = appts["patient_postcode"].str.upper().str.replace(r"\s+", "", regex=True)
    appts["pc"] = pc.str[:-3] + " " + pc.str[-3:]
    directory = read_code_point(code_point)
    directory = directory[directory["PQ"] != 90][["Postcode", "Eastings", "Northings"]]

    distinct = directory[directory["Postcode"].isin(appts["pc"].unique())]
    points = gpd.GeoDataFrame(distinct, geometry=gpd.points_from_xy(distinct["Eastings"], distinct["Northings"]), crs=27700)
    areas = gpd.read_file(boundaries, columns=["LSOA11CD", "LSOA11NM"]).to_crs(27700)
    placed = gpd.sjoin(points, areas, how="left", predicate="within")
    placed = placed.drop_duplicates("Postcode")[["Postcode", "Eastings", "Northings", "LSOA11CD"]]

    sites = pd.read_csv(sites_csv, dtype={"site_code": str})[["site_code", "easting", "northing"]]
    rows = appts.merge(placed, left_on="pc", right_on="Postcode", how="inner").merge(sites, on="site_code", how="inner")
    mode = rows["consultation_medium_used"].str.lstrip("0")
    face = mode.eq("1")
    km = np.hypot(rows["Eastings"] - rows["easting"], rows["Northings"] - rows["northing"]) / 1000 * CIRCUITY * 2
    rows["appointments"] = 1
    rows["face_to_face"] = face.astype(int)
    rows["virtual"] = (~face).astype(int)
    rows["patient_km"] = km.where(face, 0.0)
    rows["kgco2e"] = rows["patient_km"] * BLENDED
    rows["kgco2e_avoided"] = km.where(~face, 0.0) * BLENDED
    follow_up = rows["first_follow_up"].eq("Follow-up")
    rows["scenario_kgco2e_saved"] = (rows["kgco2e"] * fraction).where(follow_up, 0.0)

    deprivation = pd.read_csv(imd, encoding="utf-8-sig", thousands=",").iloc[:, [0, 5]]
    deprivation.columns = ["LSOA11CD", "imd_decile"]
    by_area = rows.groupby("LSOA11CD")[MEASURES].sum().reset_index().merge(deprivation, on="LSOA11CD", how="left")
    by_decile = by_area.groupby("imd_decile", dropna=False)[MEASURES].sum()
    by_site = rows.groupby("site_code")[MEASURES].sum()
    os.makedirs(out_dir, exist_ok=True)
    by_area.to_csv(os.path.join(out_dir, "emissions_by_area.csv"), index=False)
    by_decile.to_csv(os.path.join(out_dir, "emissions_by_decile.csv"))
    by_site.to_csv(os.path.join(out_dir, "emissions_by_site.csv"))
    print(f"kgco2e_total {rows['kgco2e'].sum():.3f} appointments_placed {len(rows)}")


if __name__ == "__main__":
    main(*sys.argv[1:8])
