#!/usr/bin/env bash
# RSS probe (issue 13): the hub with JVM flags OPTS (+ NMT), 10k idle subscribers from LoadGen's hold scenario,
# snapshots of RSS / NMT / heap before and after. Usage: bash bench/rss/probe.sh LABEL "JVM OPTS" [WAIT_S]
# env: SUBS (10000), NMT (summary|off), ENVV (e.g. MALLOC_ARENA_MAX=2), OUTDIR (/tmp/rss-out)
set -uo pipefail
cd "$(dirname "$0")/../.."
LABEL=$1; OPTS=$2; WAIT=${3:-65}
SUBS=${SUBS:-10000}; NMT=${NMT:-summary}
# JDK 21+ as bench/run finds it: JAVA_HOME when good enough, else the newest under /usr/lib/jvm.
jdk_ok() { local v; v=$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$1/release" 2>/dev/null); [ "${v:-0}" -ge 21 ] && [ -x "$1/bin/javac" ] && echo "$v $1"; }
J=$( { jdk_ok "${JAVA_HOME:-/nonexistent}" || for d in /usr/lib/jvm/*; do jdk_ok "$d"; done | sort -n | tail -1; } | cut -d' ' -f2-)
[ -n "$J" ] || { echo "rss probe: needs a JDK 21 or newer (set JAVA_HOME)"; exit 2; }
[ -f build/jdk-sse.jar ] || { echo "rss probe: run make jar first"; exit 2; }
JAVA=$J/bin/java; JCMD=$J/bin/jcmd
OUT=${OUTDIR:-/tmp/rss-out}/$LABEL; rm -rf "$OUT"; mkdir -p "$OUT"
[ -f build/bench/.stamp ] || { $J/bin/javac --release 21 -encoding UTF-8 -d build/bench bench/src/*.java && touch build/bench/.stamp; }
ulimit -n "$(ulimit -Hn)"
NMTF=; [ "$NMT" != off ] && NMTF="-XX:NativeMemoryTracking=$NMT"
# shellcheck disable=SC2086
env ${ENVV:-} taskset -c 0 "$JAVA" $OPTS $NMTF -Xlog:gc*:file=$OUT/gc.log -jar build/jdk-sse.jar --port 0 >"$OUT/hub.log" 2>&1 &
HUB=$!; GEN=
trap '[ -n "$GEN" ] && kill $GEN 2>/dev/null; kill $HUB 2>/dev/null; sleep 1; kill -9 $HUB 2>/dev/null' EXIT
# Up once its own log says where it listens (port 0: a free one), and only while it is alive.
PORT=
for i in $(seq 1 100); do
  kill -0 "$HUB" 2>/dev/null || { echo "probe: the hub exited at start"; cat "$OUT/hub.log"; exit 1; }
  PORT=$(sed -n 's/.*listening on http:\/\/127.0.0.1:\([0-9]*\)\/.*/\1/p' "$OUT/hub.log" | head -1)
  [ -n "$PORT" ] && break
  sleep 0.1
done
[ -n "$PORT" ] || { echo "probe: the hub did not start"; exit 1; }
cpu() { awk '{print $14+$15}' /proc/$HUB/stat; }   # utime+stime ticks (no ')' in "java")
snap() { # name
  local f=$OUT/$1
  cat /proc/$HUB/smaps_rollup >"$f.smaps"; cat /proc/$HUB/smaps >"$f.smapsfull"
  [ "$NMT" != off ] && $JCMD $HUB VM.native_memory summary >"$f.nmt" 2>&1
  $JCMD $HUB GC.heap_info >"$f.heap" 2>&1
  grep -E '^(Rss|Anonymous):' "$f.smaps" | tr '\n' ' ' | sed "s/^/$1 t=$(date +%s) /"; echo
}
live() { $JCMD $HUB GC.class_histogram | awk '$1=="Total"{t=$3} /FillerElement/{f+=$3} END{print int((t-f)/1024)}'; }
sleep 4
echo "live0_kib $(live)" | tee "$OUT/live"
sleep 1; snap s0
taskset -c 1 "$JAVA" -XX:+UseSerialGC -Xms256m -Xmx1g -cp build/bench LoadGen --server "$LABEL" --port "$PORT" --pid "$HUB" \
  --sub "/events?topic=bench" --pub "/events?topic=bench" --stats /stats --scenario hold --mode quick \
  --subs "$SUBS" --seconds $((WAIT + 60)) --csv "$OUT/gen.csv" >"$OUT/gen.log" 2>&1 &
GEN=$!
for i in $(seq 1 600); do grep -q "connected $SUBS" "$OUT/gen.log" && break; sleep 0.1; done
grep "connected" "$OUT/gen.log"
T0=$(date +%s)
sleep 4; snap t4
sleep 1; C0=$(cpu); sleep 30; C1=$(cpu); echo "cpu_5_35s_pct $(( (C1 - C0) * 100 / 30 ))e-2" | tee -a "$OUT/live"
snap t35
[ "$WAIT" -gt 35 ] && { sleep $(( WAIT - 35 )); C2=$(cpu); echo "cpu_35_${WAIT}s_pct $(( (C2 - C1) * 100 / (WAIT - 35) ))e-2" | tee -a "$OUT/live"; snap "t$WAIT"; }
echo "liveN_kib $(live)" | tee -a "$OUT/live"
sleep 1; snap afterfullgc
grep -c "Pause" "$OUT/gc.log" | sed 's/^/gc_log_pause_lines /'
