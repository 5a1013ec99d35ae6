#!/usr/bin/env bash
# The emissions benchmark: 10 million outpatient appointments (about five years of an
# integrated care system) at English postcodes near real hospital sites, anchormap vs the
# pandas/GeoPandas pipeline, side by side; then memory on a national-size stream (ROWS_NATIONAL,
# default 130 million: the 10 million repeated 13 times, through standard input).
#
#   bash benchmarks/emissions.sh [REFERENCE_DIR]      (default ../shared/reference)
#
# Needs a release build (cargo build --release), python3 with geopandas, pyogrio, pyarrow, numpy, and GNU time.
source "$(dirname "$0")/common.sh"

echo "input: 10,000,000 appointments, patients within 30 km of 120 English hospital sites (fixed seed)"
python3 "$here/make_appointments.py" "$ref/codepo_gb.zip" "$ref/hospital_sites.csv" "$work/appointments.csv"
ls -la "$work/appointments.csv" | awk '{printf "appointments.csv: %.0f MB\n", $5 / 1048576}'

sync
common=(--sites "$ref/hospital_sites.csv" --postcodes "$ref/codepo_gb.zip" --boundaries "$ref/LSOA_2011_EW_BSC.geojson"
  --deprivation "$ref/File_1_-_IMD2019_Index_of_Multiple_Deprivation.csv" --shift-to-virtual 0.2 --min-count 0 --round-to 1)
measure anchormap "$bin" emissions --appointments "$work/appointments.csv" "${common[@]}" --no-store --out "$work/anchormap" --force
"$bin" prepare --postcodes "$ref/codepo_gb.zip" --boundaries "$ref/LSOA_2011_EW_BSC.geojson" --store "$work/store" -q
measure prepared "$bin" emissions --appointments "$work/appointments.csv" "${common[@]}" --store "$work/store" --out "$work/prepared" --force
measure geopandas python3 "$here/geopandas_emissions.py" "$work/appointments.csv" "$ref/hospital_sites.csv" \
  "$ref/codepo_gb.zip" "$ref/LSOA_2011_EW_BSC.geojson" "$ref/File_1_-_IMD2019_Index_of_Multiple_Deprivation.csv" 0.2 "$work/geopandas"
compare anchormap geopandas
compare prepared geopandas
python3 - "$work" <<'PY'
import json, sys
s = json.load(open(f"{sys.argv[1]}/anchormap/emissions_summary.json"))
peer = open(f"{sys.argv[1]}/geopandas.log").read().split()
print(f"kg CO2e: anchormap {s['kgco2e_total']:.1f}, geopandas {float(peer[1]):.1f}; placed: anchormap "
      f"{s['appointments_placed']:.0f}, geopandas {peer[3]}")
PY

national=${ROWS_NATIONAL:-130000000}
copies=$(( (national + 9999999) / 10000000 ))
echo "memory on a stream of $((copies * 10)) million appointments (standard input, output tables only):"
/usr/bin/time -f "%e %M" -o "$work/national.time" bash -c \
  "{ head -1 '$work/appointments.csv'; for i in \$(seq $copies); do tail -n +2 '$work/appointments.csv'; done; } \
   | '$bin' emissions --appointments - ${common[*]} --store '$work/store' --out '$work/national' -q"
read -r n_s n_kb < "$work/national.time"
printf '%-12s %8.2f s %9.0f MB   (%d million rows)\n' national "$n_s" "$((n_kb / 1024))" "$((copies * 10))"
