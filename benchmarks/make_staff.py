"""1,500,000 staff at English postcodes drawn at random (fixed seed), for the benchmarks.

    python3 benchmarks/make_staff.py CODEPO_GB.zip OUT.csv
"""
import random, sys, zipfile, io
z = zipfile.ZipFile(sys.argv[1])
english = []
for n in sorted(z.namelist()):
    if n.startswith("Data/CSV/"):
        for line in io.TextIOWrapper(z.open(n)):
            f = line.split(",")
            if f[4] == '"E92000001"' and f[1] != "90":
                english.append(f[0].strip('"'))
random.seed(2026)
bands = ["Band 2", "3", "4", "5", "6", "7", "8a", "Medical"]
with open(sys.argv[2], "w") as out:
    out.write("staff_id,home_postcode,staff_group,band\n")
    for i, pc in enumerate(random.choices(english, k=1_500_000)):
        out.write(f"{i},{pc},Nursing,{bands[i % 8]}\n")
