#!/usr/bin/env bash
# A trust's monthly gaps rerun: 20,000 staff, community = one ICB (Herefordshire and
# Worcestershire, its 480 LSOAs of 2011), every output a trust publishes (default disclosure
# rule, tables, GeoJSON, workbook). anchormap with its prepared store vs reading the files, and
# pandas reading its own prepared Parquet table of the national postcode -> LSOA -> decile
# assignment; both caches' cold build is timed too. Also the GeoPandas pipeline without a cache.
#
#   bash benchmarks/trust.sh [REFERENCE_DIR]      (default ../shared/reference)
#
# Needs a release build (cargo build --release), python3 with geopandas, pyogrio, pyarrow, GNU time.
source "$(dirname "$0")/common.sh"

icb=E54000019
echo "input: 20,000 staff, 85% at postcodes in ICB $icb, 15% elsewhere in England (fixed seed)"
reference=(--postcodes "$ref/codepo_gb.zip" --boundaries "$ref/LSOA_2011_EW_BSC.geojson")
"$bin" geocode <(echo postcode; unzip -p "$ref/codepo_gb.zip" 'Data/CSV/*.csv' | cut -d, -f1 | tr -d '"') \
  "${reference[@]}" --no-store -q -o "$work/placed.csv"
python3 - "$ref/lsoa11_to_sicbl_icb.csv" "$work/placed.csv" "$work/staff.csv" "$icb" <<'PY'
import csv, random, sys
icb = {r["LSOA11CD"] for r in csv.DictReader(open(sys.argv[1])) if r["icb_code"] == sys.argv[4]}
inside, england = [], []
for r in csv.DictReader(open(sys.argv[2])):
    if r["match"] == "within":
        (inside if r["area_code"] in icb else england if r["area_code"].startswith("E") else []).append(r["postcode"])
random.seed(2026)
bands = ["Band 2", "3", "4", "5", "6", "7", "8a", "Medical"]
with open(sys.argv[3], "w") as out:
    out.write("staff_id,home_postcode,staff_group,band\n")
    for i in range(20_000):
        out.write(f"{i},{random.choice(inside if random.random() < 0.85 else england)},Nursing,{bands[i % 8]}\n")
PY

sync
community=(--deprivation "$ref/File_1_-_IMD2019_Index_of_Multiple_Deprivation.csv"
  --population "$ref/File_6_-_IoD2019_Population_Denominators.csv"
  --community-lookup "$ref/lsoa11_to_sicbl_icb.csv" --community-filter "icb_code=$icb")
measure prepare "$bin" prepare "${reference[@]}" --store "$work/store"
measure prepared "$bin" gaps --staff "$work/staff.csv" "${reference[@]}" "${community[@]}" --store "$work/store" --out "$work/prepared" --force
measure files "$bin" gaps --staff "$work/staff.csv" "${reference[@]}" "${community[@]}" --no-store --out "$work/files" --force
diff -r -q "$work/prepared" "$work/files" > /dev/null && echo "outputs with and without the prepared store: byte-identical"
measure parquet_prepare python3 "$here/pandas_parquet_gaps.py" prepare "$ref/codepo_gb.zip" \
  "$ref/LSOA_2011_EW_BSC.geojson" "$ref/File_1_-_IMD2019_Index_of_Multiple_Deprivation.csv" "$work/cache.parquet"
measure parquet python3 "$here/pandas_parquet_gaps.py" run "$work/staff.csv" "$work/cache.parquet" \
  "$ref/File_6_-_IoD2019_Population_Denominators.csv" "$ref/lsoa11_to_sicbl_icb.csv" "icb_code=$icb" "$work/pandas"
measure geopandas python3 "$here/geopandas_gaps.py" "$work/staff.csv" "$ref/codepo_gb.zip" "$ref/LSOA_2011_EW_BSC.geojson" \
  "$ref/File_1_-_IMD2019_Index_of_Multiple_Deprivation.csv" "$ref/File_6_-_IoD2019_Population_Denominators.csv" \
  "$ref/lsoa11_to_sicbl_icb.csv" "icb_code=$icb" "$work/geopandas"
compare prepared parquet
compare files parquet
compare prepared geopandas
compare prepare parquet_prepare
python3 - "$work" <<'PY'
import sys, pandas as pd
a = pd.read_csv(f"{sys.argv[1]}/files/gaps_by_decile.csv", dtype=str)
g = pd.read_csv(f"{sys.argv[1]}/pandas/gaps_by_decile.csv")
print("staff by decile, anchormap (published, rounded to 5):", a[a.imd_decile != "total"].staff.tolist())
print("staff by decile, pandas (exact):                     ", g.staff.astype(int).tolist())
PY
