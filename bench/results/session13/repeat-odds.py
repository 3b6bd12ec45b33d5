#!/usr/bin/env python3
"""How often two runs of make bench-quick would give different verdicts, at 3 and at 5 rounds.

Pools every round of each server from the quick runs named (per-round figures as Report reads them),
then draws pairs of runs of N rounds each (with replacement) and applies Report's rule to both: a
verdict needs the whole spread of one server on one side of the other's (times k), else within noise.
Usage: python3 repeat-odds.py bench/results/runs/quick-A.csv ... (the runs on one hub's hot path)
"""
import csv, random, sys, collections

def figures(paths):
    pool = collections.defaultdict(lambda: collections.defaultdict(list))
    for p in paths:
        capacity = collections.defaultdict(float)  # (server, round): highest step sustained, as Report reads it
        for r in csv.DictReader(open(p)):
            if r['scenario'] == 'sweep':
                key = (r['server'], r['round'])
                capacity[key] = max(capacity[key], float(r['deliveries_per_s']) if r['note'].startswith('sustained') else 0.0)
            s, sc, step = r['server'], r['scenario'], r['step']
            try:
                if sc == 'cost' and step in ('10000x2', '1000x10'):
                    pool['cpu ' + step][s].append(float(r['cpu_us_per_delivery']))
                elif sc == 'sweep' and step == '5' and r['p99_ms']:
                    pool['p99 10k x 5'][s].append(float(r['p99_ms']))
            except ValueError:
                pass
        for (server, _), value in capacity.items():
            pool['capacity'][server].append(value)
    return pool

def compare(a, b, k=1.0):
    if max(a) < min(b) * k: return 'better'
    if min(a) > max(b) * k: return 'worse'
    return 'within noise'

def verdicts(draw):
    v = {}
    for fig in ('cpu 10000x2', 'cpu 1000x10'):
        d = draw[fig]
        v[fig + ' vs floor-jdk'] = compare(d['jdksse'], d['floor-jdk'], 1.05)
        cs = [compare(d['jdksse'], d[s]) for s in ('go', 'node', 'helidon', 'spring')]
        v[fig + ' below every peer'] = 'not met' if 'worse' in cs else 'met' if all(c == 'better' for c in cs) else 'within noise'
    d = draw['p99 10k x 5']
    best = min(('go', 'node', 'helidon', 'spring'), key=lambda s: sorted(d[s])[len(d[s]) // 2])
    v['p99 10k x 5 vs best peer'] = compare(d['jdksse'], d[best])
    d = {s: [-x for x in xs] for s, xs in draw['capacity'].items()}  # higher is better: negate
    best = min(('go', 'node', 'helidon', 'spring'), key=lambda s: sorted(d[s])[len(d[s]) // 2])
    v['capacity vs best peer'] = compare(d['jdksse'], d[best])
    return v

def main():
    pool = figures(sys.argv[1:])
    rng = random.Random(13)
    for n in (3, 5, 7):
        differ, trials = collections.Counter(), 4000
        any_differ = 0
        for _ in range(trials):
            a, b = [verdicts({f: {s: [rng.choice(v) for _ in range(n)] for s, v in pool[f].items()} for f in pool}) for _ in (0, 1)]
            diff = [t for t in a if a[t] != b[t]]
            differ.update(diff)
            any_differ += bool(diff)
        print(f'{n} rounds: two runs differ in at least one of these six verdicts {any_differ / trials:.0%} of the time')
        for t in sorted(verdicts({f: {s: v for s, v in pool[f].items()} for f in pool})):
            print(f'  {t}: {differ[t] / trials:.0%}')
    print('rounds pooled per server:', {s: len(v) for s, v in pool['cpu 10000x2'].items()})

main()
