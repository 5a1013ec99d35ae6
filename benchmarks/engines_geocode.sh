#!/usr/bin/env bash
# The national geocode, four ways side by side in one run: anchormap with its prepared store
# against the engines an analyst would otherwise reach for: SedonaDB, DuckDB with its spatial
# extension, and GeoPandas. Same input (every Code-Point Open postcode), same reference files,
# the same added columns; wall-clock and peak memory (GNU time) of each.
#
#   RUNS=1 bash benchmarks/engines_geocode.sh [REFERENCE_DIR]      (default ../shared/reference)
#
# Needs: a release build (cargo build --release); python3 with the packages of
# tests/requirements.txt plus sedonadb and geoarrow-pyarrow (PYTHON=path/to/python to choose
# one); GNU time (/usr/bin/time), unzip.
source "$(dirname "$0")/common.sh"
python=${PYTHON:-python3}

(echo "id,postcode"; unzip -p "$ref/codepo_gb.zip" 'Data/CSV/*.csv' | awk -F, '{gsub(/"/,"",$1); print NR","$1}') > "$work/postcodes.csv"
echo "input: $(($(wc -l < "$work/postcodes.csv") - 1)) Code-Point Open postcodes"
reference=(--postcodes "$ref/codepo_gb.zip" --boundaries "$ref/LSOA_2011_EW_BSC.geojson"
  --deprivation "$ref/File_1_-_IMD2019_Index_of_Multiple_Deprivation.csv")
peers=("$ref/codepo_gb.zip" "$ref/LSOA_2011_EW_BSC.geojson" "$ref/File_1_-_IMD2019_Index_of_Multiple_Deprivation.csv")

"$bin" prepare "${reference[@]:0:4}" --store "$work/store" > /dev/null 2>&1
sync
measure prepared "$bin" geocode "$work/postcodes.csv" "${reference[@]}" --store "$work/store" -o "$work/prepared.csv"
measure sedonadb "$python" "$here/sedonadb_geocode.py" "$work/postcodes.csv" "${peers[@]}" "$work/sedonadb.csv"
measure duckdb "$python" "$here/duckdb_geocode.py" "$work/postcodes.csv" "${peers[@]}" "$work/duckdb.csv"
measure geopandas "$python" "$here/geopandas_geocode.py" "$work/postcodes.csv" "${peers[@]}" "$work/geopandas.csv"
for peer in sedonadb duckdb geopandas; do compare prepared "$peer"; done

echo "agreement of the assigned area with anchormap (rows both placed):"
"$python" - "$work" <<'PY'
import sys, pandas as pd
work = sys.argv[1]
a = pd.read_csv(f"{work}/prepared.csv", usecols=["id", "area_code"], dtype=str)
for peer in ["sedonadb", "duckdb", "geopandas"]:
    g = pd.read_csv(f"{work}/{peer}.csv", usecols=["id", "area_code"], dtype=str)
    m = a.merge(g, on="id", suffixes=("_a", "_g"))
    both = m.dropna(subset=["area_code_a", "area_code_g"])
    print(f"  {peer}: rows {len(g):,}; placed {m.area_code_g.notna().sum():,} (anchormap {m.area_code_a.notna().sum():,}); "
          f"same area {(both.area_code_a == both.area_code_g).mean():.5%} of {len(both):,}")
PY
