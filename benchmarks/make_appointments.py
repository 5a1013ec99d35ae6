"""10,000,000 outpatient appointments, patients within 30 km of the English hospital sites (fixed
seed), for the benchmarks.

    python3 benchmarks/make_appointments.py CODEPO_GB.zip HOSPITAL_SITES.csv OUT.csv
"""
import io, sys, zipfile
import numpy as np, pandas as pd
z = zipfile.ZipFile(sys.argv[1])
parts = [pd.read_csv(z.open(n), header=None, usecols=[0, 1, 2, 3, 4], names=["pc", "pq", "e", "n", "ctry"])
         for n in sorted(z.namelist()) if n.startswith("Data/CSV/")]
pcs = pd.concat(parts)
pcs = pcs[(pcs.ctry == "E92000001") & (pcs.pq != 90)]
sites = pd.read_csv(sys.argv[2])
sites = sites[sites.country == "England"].reset_index(drop=True)
rng = np.random.default_rng(2026)
e, n = pcs.e.to_numpy(float), pcs.n.to_numpy(float)
near = [np.flatnonzero(np.hypot(e - s.easting, n - s.northing) < 30_000) for s in sites.itertuples()]
rows = 10_000_000
site = rng.integers(0, len(sites), rows)
pick = np.empty(rows, dtype=np.int64)
for i, candidates in enumerate(near):
    mask = site == i
    pick[mask] = candidates[rng.integers(0, len(candidates), mask.sum())]
mode = rng.choice(["01", "02", "03"], rows, p=[0.75, 0.2, 0.05])
follow = np.where(rng.random(rows) < 0.65, "Follow-up", "First")
tfc = rng.choice(["100", "110", "120", "130", "300", "320", "330", "502"], rows)
pd.DataFrame({"appointment_id": np.arange(rows), "patient_postcode": pcs.pc.to_numpy()[pick],
              "site_code": sites.site_code.to_numpy()[site], "consultation_medium_used": mode,
              "treatment_function_code": tfc, "first_follow_up": follow}).to_csv(sys.argv[3], index=False)
