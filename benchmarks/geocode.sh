#!/usr/bin/env bash
# The national geocode benchmark: anchormap vs the GeoPandas pipeline, side by side in one run.
#
#   bash benchmarks/geocode.sh [REFERENCE_DIR]      (default ../shared/reference)
#
# Runs anchormap reading the files, then `anchormap prepare` (the prepared store, cold) and
# anchormap again with the store (warm), and the GeoPandas pipeline.
#
# Needs: a release build (cargo build --release), python3 with geopandas, pyogrio, pyarrow
# (pip install geopandas pyogrio pyarrow), GNU time (/usr/bin/time), unzip.
source "$(dirname "$0")/common.sh"

echo "input: every Code-Point Open postcode as a CSV with a postcode column"
(echo "id,postcode"; unzip -p "$ref/codepo_gb.zip" 'Data/CSV/*.csv' | awk -F, '{gsub(/"/,"",$1); print NR","$1}') > "$work/postcodes.csv"
wc -l < "$work/postcodes.csv"


sync
measure io_floor bash -c "unzip -p '$ref/codepo_gb.zip' 'Data/CSV/*.csv' > /dev/null; cat '$ref/LSOA_2011_EW_BSC.geojson' '$ref/File_1_-_IMD2019_Index_of_Multiple_Deprivation.csv' > /dev/null; cp '$work/postcodes.csv' '$work/copy.csv'"
reference=(--postcodes "$ref/codepo_gb.zip" --boundaries "$ref/LSOA_2011_EW_BSC.geojson"
  --deprivation "$ref/File_1_-_IMD2019_Index_of_Multiple_Deprivation.csv")
measure anchormap "$bin" geocode "$work/postcodes.csv" "${reference[@]}" --no-store -o "$work/anchormap.csv"
measure prepare "$bin" prepare "${reference[@]:0:4}" --store "$work/store"
measure prepared "$bin" geocode "$work/postcodes.csv" "${reference[@]}" --store "$work/store" -o "$work/prepared.csv"
cmp -s "$work/prepared.csv" "$work/anchormap.csv" && echo "outputs with and without the prepared store: byte-identical"
measure geopandas python3 "$here/geopandas_geocode.py" "$work/postcodes.csv" "$ref/codepo_gb.zip" \
  "$ref/LSOA_2011_EW_BSC.geojson" "$ref/File_1_-_IMD2019_Index_of_Multiple_Deprivation.csv" "$work/geopandas.csv"

grep -E "^(loaded|geocoded)" "$work/anchormap.log" | sed 's/^/  anchormap: /'
grep -E "^(loaded|geocoded)" "$work/prepared.log" | sed 's/^/  prepared: /'
compare anchormap geopandas
compare prepared geopandas

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
