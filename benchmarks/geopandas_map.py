"""The peer for `anchormap map`: the national IMD decile map with GeoPandas and matplotlib.

Reads the LSOA boundaries and IoD File 1, merges the decile, projects to British National Grid,
and draws a choropleth (viridis, 10 classes, legend, title), saved as SVG or PNG by extension.
No simplification (GeoPandas has no topology-preserving simplify), no scale bar or attribution.

usage: python geopandas_map.py BOUNDARIES.geojson IMD_FILE_1.csv OUT.svg|OUT.png
"""
import sys

import geopandas as gpd
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import pandas as pd


def main(boundaries, imd, out):
    areas = gpd.read_file(boundaries, columns=["LSOA11CD"]).to_crs(27700)
    deprivation = pd.read_csv(imd, encoding="utf-8-sig").iloc[:, [0, 5]]
    deprivation.columns = ["LSOA11CD", "imd_decile"]
    areas = areas.merge(deprivation, on="LSOA11CD", how="left")
    fig, ax = plt.subplots(figsize=(10, 10))
    areas.plot(ax=ax, column="imd_decile", categorical=True, cmap="viridis", legend=True,
               missing_kwds={"color": "#e8e8e8"}, linewidth=0)
    ax.set_axis_off()
    ax.set_title("Index of Multiple Deprivation (IoD2019): national decile")
    fig.savefig(out, dpi=200)


if __name__ == "__main__":
    main(*sys.argv[1:4])
