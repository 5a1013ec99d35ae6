"""The peer pipeline for `anchormap commute`: the same job with pandas and GeoPandas.

Reads the staff file and the Code-Point zip, merges home postcodes onto their points, spatially
joins each *distinct* postcode to an LSOA 2021 (`sjoin` within; joining distinct postcodes rather
than every row is the fast way to write it), merges the IoD2025 decile, each home LSOA's Census 2021
TS061 split (home working and "other" dropped, the rest renormalised; the national split where an
area has none) and the sites; computes per member of staff the year's return trips (WTE x (260 - 35)
x days on site / 5, clinical groups 5 days), km (straight line x 1.3 x 2), kg CO2e (DESNZ 2025 by
mode, car passengers half a car), car mileage cost and hours (9.5 + 1.04 min per straight-line km,
x 1.8 without a car); writes the by-area, by-decile, by-band-group, by-staff-group, by-site and
decile x band tables. No disclosure control, no GeoJSON, no workbook: less than anchormap does.

usage: python commute_peer.py STAFF.csv SITES.csv CODEPO.zip BOUNDARIES_LSOA21.geojson IOD2025_FILE_1.csv \
           TS061.csv DAYS_ON_SITE OUT_DIR
"""
import os
import sys

import geopandas as gpd
import numpy as np
import pandas as pd

from geopandas_geocode import read_code_point

CIRCUITY = 1.3
DAYS_A_YEAR = 260 - 35
FACTORS = {"car": 0.16725, "car_passenger": 0.16725 / 2, "bus": 0.10385, "rail": 0.03546, "tram": 0.02860,
           "taxi": 0.14861, "motorbike": 0.11367, "walk_cycle": 0.0}
# TS061 columns (after date, geography, code, total, home) and the mode each is.
METHODS = ["tram", "rail", "bus", "taxi", "motorbike", "car", "car_passenger", "walk_cycle", "walk_cycle"]
LIKE_A_CAR = {"car", "car_passenger", "taxi", "motorbike"}
CLINICAL = ["medical", "dental", "nursing", "midwi", "alliedhealth", "additionalclinical", "scientist",
            "scientific", "student"]
MEASURES = ["staff", "wte", "trips", "km", "kgco2e", "cost_gbp", "hours"]


def area_blends(ts061):
    census = pd.read_csv(ts061)
    counts = census.iloc[:, 5:14].to_numpy(dtype=float)
    modes = pd.DataFrame(0.0, index=census["geography code"], columns=list(FACTORS))
    for i, mode in enumerate(METHODS):
        modes[mode] += counts[:, i]
    travellers = modes.sum(axis=1)
    national = modes.sum() / travellers.sum()
    shares = modes.div(travellers, axis=0)[travellers > 0]
    def blend(s):
        return pd.DataFrame({
            "kg_per_km": sum(s[m] * f for m, f in FACTORS.items()),
            "car_share": s["car"] + s["car_passenger"],
            "time_factor": sum(s[m] * (1.0 if m in LIKE_A_CAR else 1.8) for m in FACTORS),
        })
    return blend(shares), blend(national.to_frame().T).iloc[0]


def band_group(staff):
    band = staff["Pay Band"].str.lower()
    medical = staff["Staff Group"].str.lower().str.contains("medical")
    number = band.str.extract(r"band\s*(\d)")[0].astype(float)
    group = np.select([number <= 4, number <= 7, number <= 9], ["Bands 1-4", "Bands 5-7", "Bands 8a-9"], "Band not recorded")
    return np.where(medical | band.str.contains("consultant"), "Medical and dental", group)


def main(staff_csv, sites_csv, code_point, boundaries, iod, ts061, days_on_site, out_dir):
    staff = pd.read_csv(staff_csv, dtype=str, keep_default_na=False)
    pc = staff["Home Postcode"].str.upper().str.replace(r"\s+", "", regex=True)
    staff["pc"] = pc.str[:-3] + " " + pc.str[-3:]
    directory = read_code_point(code_point)
    directory = directory[directory["PQ"] != 90][["Postcode", "Eastings", "Northings"]]
    distinct = directory[directory["Postcode"].isin(staff["pc"].unique())]
    points = gpd.GeoDataFrame(distinct, geometry=gpd.points_from_xy(distinct["Eastings"], distinct["Northings"]), crs=27700)
    areas = gpd.read_file(boundaries, columns=["LSOA21CD"]).to_crs(27700)
    placed = gpd.sjoin(points, areas, how="left", predicate="within")
    placed = pd.DataFrame(placed.drop_duplicates("Postcode")[["Postcode", "Eastings", "Northings", "LSOA21CD"]])

    sites = pd.read_csv(sites_csv, dtype={"site_code": str})[["site_code", "easting", "northing"]]
    rows = staff.merge(placed, left_on="pc", right_on="Postcode", how="inner")
    rows = rows.merge(sites, left_on="Location", right_on="site_code", how="inner")
    blends, national = area_blends(ts061)
    rows = rows.merge(blends, left_on="LSOA21CD", right_index=True, how="left")
    for column in ["kg_per_km", "car_share", "time_factor"]:
        rows[column] = rows[column].fillna(national[column])

    group_key = rows["Staff Group"].str.lower().str.replace(r"[^a-z]", "", regex=True)
    clinical = group_key.str.contains("|".join(CLINICAL))
    days = np.where(clinical, 5.0, float(days_on_site))
    wte = pd.to_numeric(rows["Contracted Wte"], errors="coerce").fillna(1.0).clip(0.0, 1.5)
    straight_km = np.hypot(rows["Eastings"] - rows["easting"], rows["Northings"] - rows["northing"]) / 1000
    km = straight_km * CIRCUITY * 2
    rows["staff"] = 1
    rows["wte"] = wte
    rows["trips"] = wte * DAYS_A_YEAR * days / 5
    rows["km"] = rows["trips"] * km
    rows["kgco2e"] = rows["km"] * rows["kg_per_km"]
    rows["cost_gbp"] = rows["km"] * rows["car_share"] / 1.609344 * 0.45
    rows["hours"] = rows["trips"] * 2 * (9.5 + 1.04 * straight_km) * rows["time_factor"] / 60
    rows["band_group"] = band_group(rows)

    deprivation = pd.read_csv(iod, encoding="utf-8-sig").iloc[:, [0, 5]]
    deprivation.columns = ["LSOA21CD", "imd_decile"]
    rows = rows.merge(deprivation, on="LSOA21CD", how="left")
    os.makedirs(out_dir, exist_ok=True)
    tables = {
        "by_area": ["LSOA21CD", "imd_decile"], "by_decile": ["imd_decile"], "by_band": ["band_group"],
        "by_staff_group": ["Staff Group"], "by_site": ["site_code"], "by_decile_band": ["imd_decile", "band_group"],
    }
    for name, keys in tables.items():
        table = rows.groupby(keys, dropna=False)[MEASURES].sum().reset_index()
        table["kgco2e_per_staff"] = table["kgco2e"] / table["staff"]
        table.to_csv(os.path.join(out_dir, f"commute_{name}.csv"), index=False)
    print(f"staff_placed {len(rows)} trips {rows['trips'].sum():.0f} km {rows['km'].sum():.0f} "
          f"kgco2e {rows['kgco2e'].sum():.0f} hours {rows['hours'].sum():.0f}")


if __name__ == "__main__":
    main(*sys.argv[1:9])
