// Shared helpers for the interop checks: a tiny check runner whose PASS/FAIL lines
// test/interop/run counts, HTTP helpers for the hub's API, and small waits.
import net from 'node:net';

/** Reads a required environment variable (the run script sets them). */
export function env(name) {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set (run these checks through test/interop/run)`);
  return v;
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Rejects with a message naming what was awaited when the promise takes longer than ms. */
export function within(ms, promise, what) {
  let t;
  const timer = new Promise((_, rej) => { t = setTimeout(() => rej(new Error(`timed out after ${ms} ms: ${what}`)), ms); });
  return Promise.race([promise, timer]).finally(() => clearTimeout(t));
}

/** Polls fn until it returns a truthy value; throws after ms with the last value in the message. */
export async function waitFor(fn, ms, what, every = 50) {
  const end = Date.now() + ms;
  let last;
  for (;;) {
    last = await fn();
    if (last) return last;
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms: ${what}` + (last === undefined ? '' : ` (last: ${JSON.stringify(last)})`));
    await sleep(every);
  }
}

/**
 * Publishes one event to the hub (POST /events?topic=...) and returns the id it assigned.
 * By default the data goes as a raw UTF-8 body with the event type in the query, the form
 * the hub's API gives for arbitrary payloads; form: true sends the urlencoded form instead.
 */
export async function publish(hub, topic, data, { event, form = false } = {}) {
  const q = new URLSearchParams({ topic });
  let init;
  if (form) {
    const f = new URLSearchParams({ data });
    if (event != null) f.set('event', event);
    init = { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: f.toString() };
  } else {
    if (event != null) q.set('event', event);
    init = { method: 'POST', headers: { 'Content-Type': 'text/plain; charset=utf-8' }, body: Buffer.from(data, 'utf8') };
  }
  const res = await fetch(`${hub}/events?${q}`, init);
  const text = await res.text();
  if (res.status !== 200) throw new Error(`publish to ${topic} answered ${res.status}: ${text.slice(0, 200)}`);
  const id = text.trim();
  if (!id) throw new Error('publish answered 200 with an empty id');
  return id;
}

/**
 * Returns n distinct TCP ports that were free on 127.0.0.1 a moment ago, chosen below the
 * kernel's ephemeral range. Ports from listen(0) come from that range, which is also where
 * every outgoing connection (a browser's, a fetch's) takes its local port: on a busy machine
 * one of them can hold the port by the time a server binds it. Below the range, only another
 * listener can.
 */
export async function freePorts(n) {
  const fs = await import('node:fs');
  let low = 32768;
  try { low = Number(fs.readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]) || low; } catch { /* not Linux */ }
  const from = Math.max(1024, low - 12000), to = low - 1;
  const ports = new Set();
  for (let tries = 0; ports.size < n && tries < 1000; tries++) {
    const p = from + Math.floor(Math.random() * (to - from + 1));
    if (ports.has(p)) continue;
    const ok = await new Promise((resolve) => {
      const s = net.createServer();
      s.once('error', () => resolve(false));
      s.listen(p, '127.0.0.1', () => s.close(() => resolve(true)));
    });
    if (ok) ports.add(p);
  }
  if (ports.size < n) throw new Error(`found only ${ports.size} free ports of ${n} in ${from}-${to}`);
  return [...ports];
}

/** Returns one free TCP port on 127.0.0.1 (see freePorts). */
export async function freePort() {
  return (await freePorts(1))[0];
}

/**
 * Runs checks one after another, each bounded by its own timeout, and prints one line per
 * check: "PASS name: detail" or "FAIL name: reason". A check passes when its function
 * resolves (its return value is the detail) and fails when it throws or times out. Returns
 * the number of failures; the process exit code is set from it.
 */
export async function runChecks(checks, { cleanup } = {}) {
  let failed = 0;
  for (const c of checks) {
    const t0 = Date.now();
    try {
      const detail = await within(c.timeoutMs ?? 60_000, Promise.resolve().then(c.fn), c.name);
      console.log(`PASS ${c.name}: ${detail ?? 'ok'} (${Date.now() - t0} ms)`);
    } catch (e) {
      failed++;
      console.log(`FAIL ${c.name}: ${(e && e.message) || e} (${Date.now() - t0} ms)`);
      if (process.env.INTEROP_DEBUG && e && e.stack) console.error(e.stack);
    }
  }
  if (cleanup) { try { await cleanup(); } catch (e) { console.error(`cleanup: ${e.message}`); } }
  process.exitCode = failed ? 1 : 0;
  return failed;
}

/**
 * Launches Debian's Chromium headless through playwright-core with the background-networking
 * features off (this machine has no network but the loopback). Playwright gives every launch
 * a fresh, empty profile directory of its own (it refuses a --user-data-dir argument) and
 * deletes it on close. CHROMIUM overrides the executable path.
 */
export async function launchChromium() {
  const { chromium } = await import('playwright-core');
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    timeout: 30_000,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}
