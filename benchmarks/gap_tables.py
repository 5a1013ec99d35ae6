"""The gap tables both pandas peers of `anchormap gaps` write, from staff counted by area."""
import os


def write_gap_tables(staff_by_area, community_areas, out_dir):
    """staff_by_area: LSOA11CD, staff; community_areas: LSOA11CD, imd_decile, population."""
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
