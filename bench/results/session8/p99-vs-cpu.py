"""p99 at 10k subscribers x 5 events/s against the same round's CPU per delivery, over the runs named.

Usage: python3 bench/results/session8/p99-vs-cpu.py FILE.csv ...  (rows as bench/run writes them)
Prints the rank correlation (Spearman) and the p99 per band of CPU per delivery, Spring left out.
"""
import csv
import statistics
import sys

rows = []
for path in sys.argv[1:]:
    for r in csv.DictReader(open(path)):
        if r['scenario'] == 'sweep' and r['step'] == '5' and r['server'] != 'spring':
            rows.append((r['server'], float(r['cpu_us_per_delivery']), float(r['p99_ms']), float(r['cpu_pct'])))


def ranks(values):
    order = sorted(range(len(values)), key=lambda i: values[i])
    out = [0] * len(values)
    for k, i in enumerate(order):
        out[i] = k
    return out


a, b = ranks([r[1] for r in rows]), ranks([r[2] for r in rows])
ma, mb = statistics.mean(a), statistics.mean(b)
cov = sum((x - ma) * (y - mb) for x, y in zip(a, b))
rho = cov / (sum((x - ma) ** 2 for x in a) ** .5 * sum((y - mb) ** 2 for y in b) ** .5)
print(f"{len(rows)} rounds, Spearman rho of CPU per delivery and p99: {rho:.2f}")
print("| CPU per delivery (µs) | rounds | p99 (ms), median [min–max] | server CPU (%), median | servers |")
print("|---|---|---|---|---|")
for lo, hi in [(0, 16), (16, 17.5), (17.5, 19), (19, 20.5), (20.5, 99)]:
    band = [r for r in rows if lo <= r[1] < hi]
    if band:
        p = [r[2] for r in band]
        names = ", ".join(sorted({r[0].split('-f')[0] for r in band}))
        print(f"| {lo}–{hi if hi < 99 else ''} | {len(band)} | {statistics.median(p):.0f} [{min(p):.0f}–{max(p):.0f}] "
              f"| {statistics.median(r[3] for r in band):.0f} | {names} |")
