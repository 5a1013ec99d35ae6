#!/usr/bin/env bash
# The national IMD decile map (34,753 LSOAs), SVG and PNG: anchormap vs GeoPandas + matplotlib.
#
#   bash benchmarks/map.sh [REFERENCE_DIR]      (default ../shared/reference)
#
# Needs a release build (cargo build --release), python3 with geopandas, pyogrio, matplotlib, and GNU time.
source "$(dirname "$0")/common.sh"
b=$ref/LSOA_2011_EW_BSC.geojson
d=$ref/File_1_-_IMD2019_Index_of_Multiple_Deprivation.csv
for format in svg png; do
  measure "anchormap_$format" "$bin" map "$b" --deprivation "$d" -o "$work/anchormap.$format"
  measure "geopandas_$format" python3 "$here/geopandas_map.py" "$b" "$d" "$work/geopandas.$format"
  read -r a_s _ < "$work/anchormap_$format.time"
  read -r g_s _ < "$work/geopandas_$format.time"
  a_size=$(stat -c %s "$work/anchormap.$format"); g_size=$(stat -c %s "$work/geopandas.$format")
  python3 -c "print(f'$format: speed-up {$g_s / $a_s:.1f}x; file {$a_size / 1e6:.1f} MB vs {$g_size / 1e6:.1f} MB')"
done
