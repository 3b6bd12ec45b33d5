import sys,re
def load(p):
    d={}
    for l in open(p):
        m=re.match(r'\s*\d+:\s+(\d+)\s+(\d+)\s+(\S+)',l)
        if m: d[m.group(3)]=(int(m.group(1)),int(m.group(2)))
    return d
a=load(sys.argv[1]); b=load(sys.argv[2]); n=int(sys.argv[3]) if len(sys.argv)>3 else 10000
rows=[]
for k in set(a)|set(b):
    ia,ba=a.get(k,(0,0)); ib,bb=b.get(k,(0,0))
    rows.append((ba-bb,ia-ib,k,ba,bb))
rows.sort(reverse=True)
print("bytes/sub diff  inst/sub diff  class  (A bytes/sub, B bytes/sub)")
for r in rows[:25]:
    print("%8.1f %8.2f  %s (%.1f, %.1f)"%(r[0]/n,r[1]/n,r[2],r[3]/n,r[4]/n))
print("total A %.1f KiB/sub, B %.1f KiB/sub"%(sum(v[1] for v in a.values())/n/1024,sum(v[1] for v in b.values())/n/1024))
