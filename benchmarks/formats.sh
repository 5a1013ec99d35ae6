#!/usr/bin/env bash
# What the analysts' formats cost (issue 29): the national gaps run (1,500,000 staff, every English
# LSOA) and the emissions run (10,000,000 appointments) from a prepared store, CSV alone against
# CSV with each other format beside it (`--format parquet`, `geoparquet`, `topojson`), alternated.
#
#   RUNS=3 bash benchmarks/formats.sh [REFERENCE_DIR]      (default ../shared/reference)
#
# Needs a release build (cargo build --release), python3 with numpy and pandas, and GNU time.
source "$(dirname "$0")/common.sh"

python3 "$here/make_staff.py" "$ref/codepo_gb.zip" "$work/staff.csv"
python3 "$here/make_appointments.py" "$ref/codepo_gb.zip" "$ref/hospital_sites.csv" "$work/appointments.csv"
reference=(--postcodes "$ref/codepo_gb.zip" --boundaries "$ref/LSOA_2011_EW_BSC.geojson"
  --deprivation "$ref/File_1_-_IMD2019_Index_of_Multiple_Deprivation.csv" --store "$work/store")
"$bin" prepare "${reference[@]:0:4}" --store "$work/store" -q
gaps=(gaps --staff "$work/staff.csv" "${reference[@]}"
  --population "$ref/File_6_-_IoD2019_Population_Denominators.csv"
  --community-lookup "$ref/lsoa11_to_sicbl_icb.csv" --community-filter country=England --force -q)
emissions=(emissions --appointments "$work/appointments.csv" "${reference[@]}" --sites "$ref/hospital_sites.csv"
  --shift-to-virtual 0.2 --force -q)
sync
for ((round = 1; round <= ${RUNS:-3}; round++)); do
  for run in gaps emissions; do
    declare -n args=$run
    for formats in csv parquet geoparquet topojson; do
      /usr/bin/time -f "$run --format $formats: %e s, %M KB" "$bin" "${args[@]}" --format $formats --out "$work/$run-$formats" 2>&1 | tail -1
    done
  done
done
for run in gaps emissions; do
  echo "$run: $(ls "$work/$run-parquet" | grep -c '\.parquet$') Parquet tables beside $(ls "$work/$run-csv" | grep -c '\.csv$') CSV tables"
done
