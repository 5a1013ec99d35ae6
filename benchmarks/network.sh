#!/usr/bin/env bash
# The anchor network benchmark: 60,000 staff across 13 employers (about the Leeds Anchor Network),
# one community (the Herefordshire and Worcestershire ICB, 491 LSOA 2021 areas), every partner's
# gaps tables and the pool's protected as one system, from a prepared store.
#
#   bash benchmarks/network.sh [REFERENCE_DIR]      (default ../shared/reference)
#
# Needs a release build (cargo build --release; BIN=path to time another build) and GNU time.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(dirname "$here")
ref=${1:-$root/../shared/reference}
bin=${BIN:-${CARGO_TARGET_DIR:-$root/target}/release/anchormap}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
[ -x "$bin" ] || { echo "build first: cargo build --release (or BIN=...)" >&2; exit 1; }

echo "input: 60,000 staff at Worcestershire and Herefordshire postcodes (fixed seed), 13 employers"
python3 - "$ref/codepo_gb.zip" "$work" <<'PY'
import random, sys, zipfile, io, os
z = zipfile.ZipFile(sys.argv[1]); work = sys.argv[2]
local = []
for n in sorted(z.namelist()):
    if n.startswith("Data/CSV/") and os.path.basename(n).split(".")[0] in ("wr", "hr", "dy"):
        for line in io.TextIOWrapper(z.open(n)):
            f = line.split(",")
            if f[1] != "90":
                local.append(f[0].strip('"'))
random.seed(2031)
sizes = [20000, 9000, 7000, 5000, 4000, 3500, 3000, 2500, 2000, 1500, 1200, 800, 500]
groups = ["Nursing and Midwifery Registered", "Additional Clinical Services", "Administrative and Clerical",
          "Estates and Ancillary", "Medical and Dental", "Allied Health Professionals"]
bands = ["Band 2", "Band 3", "Band 4", "Band 5", "Band 6", "Band 7", "Band 8a", "Medical"]
with open(f"{work}/employers.csv", "w") as list_:
    list_.write("employer,file\n")
    for k, n in enumerate(sizes):
        list_.write(f"Partner {k + 1},staff{k + 1}.csv\n")
        with open(f"{work}/staff{k + 1}.csv", "w") as out:
            out.write("staff_id,home_postcode,staff_group,band\n")
            for i, pc in enumerate(random.choices(local, k=n)):
                out.write(f"{k}-{i},{pc},{random.choice(groups)},{random.choice(bands)}\n")
PY
"$bin" prepare --postcodes "$ref/codepo_gb.zip" --boundaries "$ref/LSOA_2021_EW_BSC_V4.geojson" --store "$work/store" -q
args=(network --employers "$work/employers.csv" --store "$work/store"
  --postcodes "$ref/codepo_gb.zip" --boundaries "$ref/LSOA_2021_EW_BSC_V4.geojson"
  --deprivation "$ref/File_1_IoD2025_Index_of_Multiple_Deprivation.csv"
  --population "$ref/census2021_lsoa21_age6_16to64.csv"
  --community-lookup "$ref/lsoa21_to_sicbl24_icb24.csv" --community-filter icb24_code=E54000019
  --by band --quiet --force --out "$work/network")
for i in 1 2 3; do
  /usr/bin/time -f "%e s, %M KB peak" "$bin" "${args[@]}"
done
# `anchormap audit "$work/network"` attacks the 14 folders as one system: see BENCHMARKS.md for its time.
