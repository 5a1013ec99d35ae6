#!/usr/bin/env bash
# The national gaps benchmark: 1.5 million staff (about the NHS in England), community = every
# English LSOA, anchormap vs the pandas/GeoPandas pipeline, side by side in one run.
#
#   bash benchmarks/gaps.sh [REFERENCE_DIR]      (default ../shared/reference)
#
# Needs a release build (cargo build --release), python3 with geopandas, pyogrio, pyarrow, and GNU time.
source "$(dirname "$0")/common.sh"

echo "input: 1,500,000 staff at English postcodes drawn at random (fixed seed)"
python3 "$here/make_staff.py" "$ref/codepo_gb.zip" "$work/staff.csv"

sync
common=(--postcodes "$ref/codepo_gb.zip" --boundaries "$ref/LSOA_2011_EW_BSC.geojson"
  --deprivation "$ref/File_1_-_IMD2019_Index_of_Multiple_Deprivation.csv"
  --population "$ref/File_6_-_IoD2019_Population_Denominators.csv"
  --community-lookup "$ref/lsoa11_to_sicbl_icb.csv" --community-filter country=England)
measure anchormap "$bin" gaps --staff "$work/staff.csv" "${common[@]}" --min-count 0 --round-to 1 --no-store --out "$work/anchormap" --force
"$bin" prepare --postcodes "$ref/codepo_gb.zip" --boundaries "$ref/LSOA_2011_EW_BSC.geojson" --store "$work/store" -q
measure prepared "$bin" gaps --staff "$work/staff.csv" "${common[@]}" --min-count 0 --round-to 1 --store "$work/store" --out "$work/prepared" --force
measure geopandas python3 "$here/geopandas_gaps.py" "$work/staff.csv" "$ref/codepo_gb.zip" "$ref/LSOA_2011_EW_BSC.geojson" \
  "$ref/File_1_-_IMD2019_Index_of_Multiple_Deprivation.csv" "$ref/File_6_-_IoD2019_Population_Denominators.csv" \
  "$ref/lsoa11_to_sicbl_icb.csv" country=England "$work/geopandas"
read -r a_s a_kb < "$work/anchormap.time"
read -r g_s g_kb < "$work/geopandas.time"
compare anchormap geopandas
compare prepared geopandas
python3 - "$a_s" "$a_kb" "$g_s" "$g_kb" "$work" <<'PY'
import sys, pandas as pd
a = pd.read_csv(f"{sys.argv[5]}/anchormap/gaps_by_decile.csv", dtype=str)
g = pd.read_csv(f"{sys.argv[5]}/geopandas/gaps_by_decile.csv")
a = a[a.imd_decile != "total"].astype({"imd_decile": int, "staff": float}).set_index("imd_decile")
print("staff by decile, anchormap - geopandas:", (a.staff - g.set_index("imd_decile").staff).astype(int).tolist())
PY
