"""Issue 13, tenth session: per-set medians [min-max] over the rounds of `bench/run flags` CSVs.
Usage: python3 bench/results/session10/ab.py FLAGS.csv [...]  (sets are read per file: f0 is the file's own baseline)."""
import csv, sys, statistics

def spread(v):
    v = sorted(x for x in v if x == x)
    return f"{statistics.median(v):.3g} [{v[0]:.3g}-{v[-1]:.3g}]" if v else "-"

for path in sys.argv[1:]:
    rows = list(csv.DictReader(open(path)))
    by = {}
    for r in rows:
        by.setdefault(r['server'], {}).setdefault(r['round'], []).append(r)
    print(f"## {path}")
    print("| set | RSS/live 4 s | RSS/live settled | idle CPU % settling | µs/deliv 10k×2 | 1k×10 | B/deliv 10k×2 | p99 ms 10k×2 | 1k×10 | 10k×5 | capacity k/s |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for s in sorted(by):
        cols = [[] for _ in range(10)]
        for rr in by[s].values():
            g = lambda sc, st: next((r for r in rr if r['scenario'] == sc and r['step'] == st), None)
            f = lambda r, c: float(r[c]) if r and r[c] else float('nan')
            live = f(g('idle', 'live'), 'value')
            cols[0].append(f(g('idle', '10000'), 'value') / live)
            cols[1].append(f(g('idle', 'settled'), 'value') / live)
            cols[2].append(f(g('idle', 'settled'), 'cpu_pct'))
            cols[3].append(f(g('cost', '10000x2'), 'cpu_us_per_delivery'))
            cols[4].append(f(g('cost', '1000x10'), 'cpu_us_per_delivery'))
            cols[5].append(f(g('cost', '10000x2'), 'alloc_b_per_delivery'))
            cols[6].append(f(g('cost', '10000x2'), 'p99_ms'))
            cols[7].append(f(g('cost', '1000x10'), 'p99_ms'))
            cols[8].append(f(g('sweep', '5'), 'p99_ms'))
            ok = [float(r['deliveries_per_s']) for r in rr if r['scenario'] == 'sweep' and r['note'].endswith('sustained')
                  and 'not sustained' not in r['note']]
            cols[9].append(max(ok) / 1000 if ok else float('nan'))
        print(f"| {s} | " + " | ".join(spread(c) for c in cols) + " |")
