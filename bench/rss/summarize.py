#!/usr/bin/env python3
"""Summarizes bench/rss/probe.sh runs: RSS and live heap per subscriber, ratio, idle CPU, NMT and heap-VMA diffs."""
import os, re, sys, glob
base = sys.argv[1] if len(sys.argv) > 1 else '/tmp/rss-out'
N = int(os.environ.get('SUBS', '10000'))

def rss(path):
    t = open(path).read()
    return int(re.search(r'^Rss:\s+(\d+)', t, re.M).group(1))

def nmt(path):
    d = {}
    if not os.path.exists(path): return d
    for m in re.finditer(r'^-\s+(.+?) \(reserved=\d+KB, committed=(\d+)KB', open(path).read(), re.M):
        d[m.group(1).strip()] = int(m.group(2))
    return d

def heap_range(path):
    m = re.search(r'\[(0x[0-9a-f]+), (0x[0-9a-f]+)\)', open(path).read())
    return (int(m.group(1), 16), int(m.group(2), 16)) if m else None

def vma_rss(path, rng):
    """Rss of mappings inside rng, and of all the others by kind."""
    inside = other = 0
    cur = None
    for line in open(path):
        m = re.match(r'^([0-9a-f]+)-([0-9a-f]+) ', line)
        if m:
            cur = (int(m.group(1), 16), int(m.group(2), 16)); continue
        if line.startswith('Rss:'):
            v = int(line.split()[1])
            if rng and cur[0] >= rng[0] and cur[1] <= rng[1]: inside += v
            else: other += v
    return inside, other

for d in sorted(glob.glob(base + '/*/')):
    lab = os.path.basename(d.rstrip('/'))
    if not os.path.exists(d + 'live'): continue
    kv = dict(l.split()[:2] for l in open(d + 'live') if l.strip())
    if 'liveN_kib' not in kv: print(lab, 'incomplete'); continue
    live = (int(kv['liveN_kib']) - int(kv['live0_kib'])) / N
    r0 = rss(d + 's0.smaps')
    snaps = sorted([os.path.basename(f)[:-6] for f in glob.glob(d + 't*.smaps')], key=lambda s: int(s[1:]))
    parts = []
    for s in snaps + ['afterfullgc']:
        per = (rss(d + s + '.smaps') - r0) / N
        parts.append(f'{s}: {per:.1f} ({per / live:.2f})')
    cpu = ' '.join(f'{k}={float(v):.2f}%' for k, v in kv.items() if k.startswith('cpu'))
    print(f'{lab}: live {live:.1f} KiB/sub | RSS/sub (ratio) ' + ', '.join(parts) + f' | {cpu}')
    # NMT diff t4 - s0
    a, b = nmt(d + 's0.nmt'), nmt(d + 't4.nmt')
    if a and b:
        diffs = {k: (b.get(k, 0) - a.get(k, 0)) / N for k in set(a) | set(b)}
        print('   NMT committed diff t4-s0 KiB/sub: ' + ', '.join(f'{k} {v:.2f}' for k, v in sorted(diffs.items(), key=lambda x: -abs(x[1])) if abs(v) >= 0.02))
    if os.path.exists(d + 's0.smapsfull') and os.path.exists(d + 's0.heap'):
        for s in ['t4'] + snaps[-1:] + ['afterfullgc']:
            rng = heap_range(d + s + '.heap')
            h0, o0 = vma_rss(d + 's0.smapsfull', heap_range(d + 's0.heap'))
            h1, o1 = vma_rss(d + s + '.smapsfull', rng)
            print(f'   {s}: heap-VMA RSS {(h1 - h0) / N:.1f} KiB/sub, non-heap RSS {(o1 - o0) / N:.1f} KiB/sub; heap_info: '
                  + ' '.join(open(d + s + '.heap').read().split()[1:]))
