#!/usr/bin/env bash
# Runs the curl lines of README.md's "Mercure" section as written (only the port differs)
# against a hub that test/interop/run started with the README's flags, and checks what each
# subscriber received: the public update in both terminals, the private one in terminal 2 only.
# Usage: mercure-readme.sh README.md PORT. Prints one line; exits non-zero on failure.
set -uo pipefail
readme=$1 port=$2
tmp=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null; rm -rf "$tmp"' EXIT

# The first sh block of the section: its TOKEN= and curl lines, port substituted.
block=$(awk '/^## Mercure/{m=1} m && /^```sh/{b=1; next} b && /^```/{exit} b' "$readme" | sed "s/127\.0\.0\.1:8080/127.0.0.1:$port/g")
token_line=$(grep '^TOKEN=' <<<"$block")
mapfile -t subs < <(grep '^curl -N' <<<"$block")
mapfile -t pubs < <(grep '^curl ' <<<"$block" | grep -v '^curl -N')
[ -n "$token_line" ] && [ ${#subs[@]} -eq 2 ] && [ ${#pubs[@]} -eq 2 ] || { echo "expected TOKEN=, 2 subscribe and 2 publish lines in the README block"; exit 1; }
eval "$token_line"

subscribers() { curl -s "http://127.0.0.1:$port/stats" | sed -n 's/.*"subscribers":\([0-9]*\).*/\1/p'; }
before=$(subscribers)
for i in 0 1; do
  (eval "timeout 8 ${subs[$i]}" >"$tmp/sub$i.txt" 2>/dev/null &)
done
for _ in $(seq 100); do [ "$(subscribers)" -ge $((before + 2)) ] && break; sleep 0.05; done
ids=()
for p in "${pubs[@]}"; do
  id=$(eval "$p" 2>/dev/null) || { echo "publish failed: $p"; exit 1; }
  ids+=("$id")
done
for _ in $(seq 100); do grep -q 'stock' "$tmp/sub1.txt" 2>/dev/null && break; sleep 0.05; done
sleep 0.3
public='data: {"title":"Dune"}' private='data: {"stock":3}'
grep -qF "$public" "$tmp/sub0.txt" || { echo "terminal 1 did not get the public update: $(head -c 300 "$tmp/sub0.txt")"; exit 1; }
grep -qF "$private" "$tmp/sub0.txt" && { echo "terminal 1 (anonymous) got the private update"; exit 1; }
grep -qF "$public" "$tmp/sub1.txt" && grep -qF "$private" "$tmp/sub1.txt" || { echo "terminal 2 missed an update: $(head -c 300 "$tmp/sub1.txt")"; exit 1; }
grep -qF "id: ${ids[1]}" "$tmp/sub1.txt" || { echo "terminal 2 did not see the id ${ids[1]} the publish answered"; exit 1; }
echo "2 subscribers, 2 publishes (ids ${ids[*]}); the private update reached the token holder only"
