// Third-party clients read exactly what the hub sent: the `eventsource` package (the de facto
// Node client), `eventsource-parser` (the streaming parser most JavaScript SDKs use) and
// Chromium's own EventSource subscribe to one topic; every adversarial payload from
// payloads.mjs is published once; each client's dispatched events must equal the published
// ones field by field (event type, data, id), in order, with nothing extra.
// Env: HUB_URL (http://127.0.0.1:PORT).
import { EventSource } from 'eventsource';
import { createParser } from 'eventsource-parser';
import { env, publish, runChecks, waitFor, launchChromium } from './lib.mjs';
import { payloads, expected, show } from './payloads.mjs';

const hub = env('HUB_URL');
const topic = `interop-payloads-${process.pid}-${Date.now()}`;
const url = `${hub}/events?topic=${encodeURIComponent(topic)}`;
const list = payloads();
const types = [...new Set(list.map((p) => p.event).filter(Boolean))];

/** Client 1: the eventsource package; listens for "message" and every named type published. */
function viaEventSource() {
  const got = [];
  const es = new EventSource(url);
  const on = (e) => got.push({ type: e.type, data: e.data, id: e.lastEventId });
  es.addEventListener('message', on);
  for (const t of types) if (t !== 'message') es.addEventListener(t, on);
  const errors = [];
  es.onerror = (e) => errors.push(e.message || 'error');
  const opened = new Promise((resolve) => { es.onopen = resolve; });
  return { name: 'eventsource', got, errors, opened, close: () => es.close() };
}

/** Client 2: a fetch() body decoded as UTF-8 and fed to eventsource-parser. */
function viaParser() {
  const got = [];
  const errors = [];
  const ac = new AbortController();
  const parser = createParser({
    onEvent: (m) => got.push({ type: m.event ?? 'message', data: m.data, id: m.id }),
    onError: (e) => errors.push(`${e.type}: ${e.message}`),
  });
  const opened = (async () => {
    const res = await fetch(url, { headers: { Accept: 'text/event-stream' }, signal: ac.signal });
    if (res.status !== 200) throw new Error(`subscribe answered ${res.status}`);
    (async () => {
      const decoder = new TextDecoder('utf-8');
      try {
        for await (const chunk of res.body) parser.feed(decoder.decode(chunk, { stream: true }));
      } catch (e) { if (!ac.signal.aborted) errors.push(`stream: ${e.message}`); }
    })();
  })();
  return { name: 'eventsource-parser', got, errors, opened, close: () => ac.abort() };
}

/** Client 3: Chromium's EventSource in a page served by the hub itself (same origin). */
async function viaChromium(browser) {
  const page = await browser.newPage();
  await page.goto(`${hub}/healthz`);
  await page.evaluate(([u, ts]) => {
    window.got = []; window.errors = 0;
    const es = new EventSource(u);
    const on = (e) => window.got.push({ type: e.type, data: e.data, id: e.lastEventId });
    es.addEventListener('message', on);
    for (const t of ts) if (t !== 'message') es.addEventListener(t, on);
    es.onerror = () => { window.errors++; };
    window.opened = new Promise((r) => { es.onopen = r; });
  }, [url, types]);
  const opened = page.evaluate(() => window.opened.then(() => true));
  const client = { name: 'chromium EventSource', got: [], errors: [], opened, close: () => page.close() };
  client.refresh = async () => {
    const [g, e] = await page.evaluate(() => [window.got, window.errors]);
    client.got = g;
    client.errors = e ? [`${e} error event(s)`] : [];
  };
  return client;
}

/** Compares what a client dispatched with what was published; returns a one-line summary or throws. */
function compare(client, want) {
  const got = client.got;
  let matched = 0;
  const bad = [];
  for (let i = 0; i < want.length; i++) {
    const g = got[i], w = want[i];
    if (g && g.type === w.type && g.data === w.data && g.id === w.id) { matched++; continue; }
    if (bad.length < 3) {
      const fields = !g ? 'missing' : ['type', 'data', 'id'].filter((f) => g[f] !== w[f])
        .map((f) => `${f}: got ${show(g[f])} want ${show(w[f])}`).join('; ');
      bad.push(`#${i} (payload ${show(list[i].data, 40)}${list[i].form ? ', form' : ''}): ${fields}`);
    }
  }
  const extra = got.length > want.length ? `, ${got.length - want.length} extra event(s)` : '';
  const summary = `${matched}/${want.length} payloads matched field by field${extra}`;
  if (matched !== want.length || extra || client.errors.length) {
    throw new Error(`${summary}${client.errors.length ? `; errors: ${client.errors.slice(0, 3).join(', ')}` : ''}; ${bad.join(' | ')}`);
  }
  return summary;
}

let browser;
let clients = [];
let want = null;

async function subscribeAndPublish() {
  browser = await launchChromium();
  clients = [viaEventSource(), viaParser(), await viaChromium(browser)];
  await waitFor(async () => (await Promise.all(clients.map((c) => c.opened))).length === 3, 15_000, 'all three clients open');
  want = [];
  for (const p of list) {
    const id = await publish(hub, topic, p.data, { event: p.event, form: p.form });
    want.push(expected(p, id));
  }
  // Wait until every client has at least as many events as were published (or give up, and
  // let the comparison say what is missing).
  try {
    await waitFor(async () => {
      await clients[2].refresh();
      return clients.every((c) => c.got.length >= want.length);
    }, 20_000, 'every client received every event', 200);
  } catch { /* compare() reports the shortfall per client */ }
  await new Promise((r) => setTimeout(r, 300)); // catch any extra event sent after the last one
  await clients[2].refresh();
  return `${list.length} payloads published to topic ${topic} (${list.filter((p) => p.form).length} as forms, ${list.filter((p) => p.event).length} with an event type)`;
}

const need = () => { if (!want) throw new Error('nothing was published (see the publish check)'); };
await runChecks([
  { name: 'clients: publish adversarial payloads', fn: subscribeAndPublish, timeoutMs: 150_000 },
  { name: 'clients: eventsource package', fn: () => { need(); return compare(clients[0], want); } },
  { name: 'clients: eventsource-parser', fn: () => { need(); return compare(clients[1], want); } },
  { name: 'clients: chromium EventSource', fn: () => { need(); return compare(clients[2], want); } },
], {
  cleanup: async () => {
    for (const c of clients) { try { await c.close(); } catch { /* already gone */ } }
    if (browser) await browser.close();
  },
});
