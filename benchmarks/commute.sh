#!/usr/bin/env bash
# The commute benchmark: 1,500,000 staff (England's NHS workforce scale) living within 25 km of
# 128 English hospital sites (fixed seed), on LSOA 2021 with each home area's Census 2021 TS061
# split, through a prepared store.
#
#   bash benchmarks/commute.sh [REFERENCE_DIR]      (default ../shared/reference)
#
# Needs a release build (cargo build --release; BIN=path/to/anchormap to time another build),
# GNU time, and for the peer (benchmarks/commute_peer.py) pandas and GeoPandas: PYTHON=.venv/bin/python
# after `python3 -m venv .venv && .venv/bin/pip install pandas geopandas pyogrio pyarrow`.
source "$(dirname "$0")/common.sh"
bin=${BIN:-$bin}
python=${PYTHON:-python3}

echo "input: 1,500,000 staff within 25 km of 128 English hospital sites (fixed seed)"
python3 - "$ref" "$work/staff.csv" 1500000 <<'PY'
import csv, io, random, sys, zipfile
ref, out, rows = sys.argv[1], sys.argv[2], int(sys.argv[3])
rnd = random.Random(2026)
cells = {}
z = zipfile.ZipFile(f"{ref}/codepo_gb.zip")
for name in sorted(z.namelist()):
    if name.startswith("Data/CSV/"):
        for r in csv.reader(io.TextIOWrapper(z.open(name))):
            if r[4] == "E92000001" and r[1] != "90":
                e, n = int(r[2]), int(r[3])
                cells.setdefault((e // 5000, n // 5000), []).append((r[0], e, n))
sites = [s for s in csv.DictReader(open(f"{ref}/hospital_sites.csv")) if s["country"] == "England"]
near = []
for s in sites:
    se, sn = float(s["easting"]), float(s["northing"])
    cx, cy = int(se // 5000), int(sn // 5000)
    near.append([pc for dx in range(-5, 6) for dy in range(-5, 6) for pc, e, n in cells.get((cx + dx, cy + dy), ())
                 if (e - se) ** 2 + (n - sn) ** 2 < 25_000 ** 2])
groups = ["Nursing and Midwifery Registered", "Administrative and Clerical", "Additional Clinical Services",
          "Medical and Dental", "Allied Health Professionals", "Estates and Ancillary"]
bands = ["Band 2", "Band 3", "Band 4", "Band 5", "Band 6", "Band 7", "Band 8a", "Consultant"]
with open(out, "w", newline="") as f:
    w = csv.writer(f)
    w.writerow(["Employee Number", "Home Postcode", "Staff Group", "Pay Band", "Contracted Wte", "Location"])
    for i in range(rows):
        k = rnd.randrange(len(sites))
        w.writerow([10_000_000 + i, rnd.choice(near[k]), rnd.choice(groups), rnd.choice(bands),
                    rnd.choice(["1.00", "0.80", "0.60", "1.00", "0.40"]), sites[k]["site_code"]])
PY
"$bin" prepare --postcodes "$ref/codepo_gb.zip" --boundaries "$ref/LSOA_2021_EW_BSC_V4.geojson" --store "$work/store" -q
measure commute "$bin" commute --staff "$work/staff.csv" --sites "$ref/hospital_sites.csv" \
  --postcodes "$ref/codepo_gb.zip" --boundaries "$ref/LSOA_2021_EW_BSC_V4.geojson" \
  --deprivation "$ref/File_1_IoD2025_Index_of_Multiple_Deprivation.csv" \
  --travel-to-work "$ref/census2021-ts061-lsoa.csv" --days-on-site 3 --store "$work/store" --out "$work/out" --force
measure peer "$python" "$here/commute_peer.py" "$work/staff.csv" "$ref/hospital_sites.csv" "$ref/codepo_gb.zip" \
  "$ref/LSOA_2021_EW_BSC_V4.geojson" "$ref/File_1_IoD2025_Index_of_Multiple_Deprivation.csv" \
  "$ref/census2021-ts061-lsoa.csv" 3 "$work/peer"
compare commute peer
