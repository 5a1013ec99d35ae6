#!/usr/bin/env bash
# The national geocode benchmark: anchormap vs the GeoPandas pipeline, side by side in one run.
#
#   bash benchmarks/geocode.sh [REFERENCE_DIR]      (default ../shared/reference)
#
# Needs: a release build (cargo build --release), python3 with geopandas, pyogrio, pyarrow
# (pip install geopandas pyogrio pyarrow), GNU time (/usr/bin/time), unzip.
source "$(dirname "$0")/common.sh"

echo "input: every Code-Point Open postcode as a CSV with a postcode column"
(echo "id,postcode"; unzip -p "$ref/codepo_gb.zip" 'Data/CSV/*.csv' | awk -F, '{gsub(/"/,"",$1); print NR","$1}') > "$work/postcodes.csv"
wc -l < "$work/postcodes.csv"


sync
measure io_floor bash -c "unzip -p '$ref/codepo_gb.zip' 'Data/CSV/*.csv' > /dev/null; cat '$ref/LSOA_2011_EW_BSC.geojson' '$ref/File_1_-_IMD2019_Index_of_Multiple_Deprivation.csv' > /dev/null; cp '$work/postcodes.csv' '$work/copy.csv'"
measure anchormap "$bin" geocode "$work/postcodes.csv" --postcodes "$ref/codepo_gb.zip" \
  --boundaries "$ref/LSOA_2011_EW_BSC.geojson" --deprivation "$ref/File_1_-_IMD2019_Index_of_Multiple_Deprivation.csv" \
  -o "$work/anchormap.csv"
measure geopandas python3 "$here/geopandas_geocode.py" "$work/postcodes.csv" "$ref/codepo_gb.zip" \
  "$ref/LSOA_2011_EW_BSC.geojson" "$ref/File_1_-_IMD2019_Index_of_Multiple_Deprivation.csv" "$work/geopandas.csv"

grep -E "^(loaded|geocoded)" "$work/anchormap.log" | sed 's/^/  anchormap: /'
read -r a_s a_kb < "$work/anchormap.time"
read -r g_s g_kb < "$work/geopandas.time"
python3 - "$a_s" "$a_kb" "$g_s" "$g_kb" <<'PY'
import sys
a_s, a_kb, g_s, g_kb = map(float, sys.argv[1:])
print(f"speed-up {g_s / a_s:.1f}x wall-clock; peak memory {a_kb / g_kb:.2f} of GeoPandas'")
PY

echo "agreement of the assigned area (rows both placed):"
python3 - "$work/anchormap.csv" "$work/geopandas.csv" <<'PY'
import sys, pandas as pd
a = pd.read_csv(sys.argv[1], usecols=["id", "area_code", "match"], dtype=str)
g = pd.read_csv(sys.argv[2], usecols=["id", "area_code"], dtype=str)
m = a.merge(g, on="id", suffixes=("_a", "_g"))
both = m.dropna(subset=["area_code_a", "area_code_g"])
print(f"  rows {len(m):,}; placed by anchormap {m.area_code_a.notna().sum():,}, by GeoPandas {m.area_code_g.notna().sum():,}; "
      f"same area {(both.area_code_a == both.area_code_g).mean():.5%} of {len(both):,}")
PY
