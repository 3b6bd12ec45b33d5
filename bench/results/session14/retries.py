"""Counts, per server, the sweep steps that failed, and how many of them passed when run again.

Usage: python3 bench/results/session14/retries.py bench/results/runs/quick-*.csv
A retry row has the step "N-again" (bench/src/LoadGen.java, sweep); runs before it have none.
"""
import collections
import csv
import sys

tried = collections.Counter()
passed = collections.Counter()
with_retry = collections.defaultdict(list)
without = collections.defaultdict(list)
decided = collections.Counter()  # rounds whose capacity is higher than the sweep would have found without the second try
for path in sys.argv[1:]:
    rounds = collections.defaultdict(list)
    for r in csv.DictReader(open(path)):
        if r['scenario'] == 'sweep':
            rounds[(r['server'], r['round'])].append(r)
    for (server, _), rows in rounds.items():
        # the capacity the sweep had found without the second try: it stopped at the first failed step at 5 events/s or more
        first = 0
        for r in rows:
            if r['step'].endswith('-again'):
                continue
            if r['note'].startswith('sustained'):
                first = max(first, float(r['deliveries_per_s']))
            elif int(r['step']) >= 5:
                break
        best = max((float(r['deliveries_per_s']) for r in rows if r['note'].startswith('sustained')), default=0)
        for r in rows:
            if r['step'].endswith('-again'):
                tried[server] += 1
                passed[server] += r['note'].startswith('sustained')
        decided[server] += best > first
        with_retry[server].append(best)
        without[server].append(first)


def spread(v):
    v = sorted(v)
    n = len(v)
    med = v[n // 2] if n % 2 else (v[n // 2 - 1] + v[n // 2]) / 2
    return f'{med / 1000:.0f}k [{v[0] / 1000:.0f}k–{v[-1] / 1000:.0f}k]'


print('| server | failed steps run again | passed the second time | rounds whose capacity it raised |'
      ' capacity with the second try | without it |')
print('|---|---|---|---|---|---|')
for s in tried:
    print(f'| {s} | {tried[s]} | {passed[s]} | {decided[s]} | {spread(with_retry[s])} | {spread(without[s])} |')
