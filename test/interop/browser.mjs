// Browser checks in headless Chromium (Debian's, driven by playwright-core): the hub's console
// page, the chat, stocks and LLM example pages, and EventSource's reconnect with Last-Event-ID.
// Env: HUB_URL, CHAT_URL, STOCKS_URL, LLMSTREAM_URL, BUILD_DIR (for build/console.png).
import net from 'node:net';
import fs from 'node:fs';
import path from 'node:path';
import { env, publish, runChecks, waitFor, launchChromium, sleep } from './lib.mjs';

let browser;
const contexts = [];
async function newPage() {
  if (!browser) browser = await launchChromium();
  const ctx = await browser.newContext({ viewport: { width: 1100, height: 720 } });
  contexts.push(ctx);
  const page = await ctx.newPage();
  page.jsErrors = [];
  page.on('pageerror', (e) => page.jsErrors.push(e.message));
  page.dialogs = [];
  page.on('dialog', (d) => { page.dialogs.push(d.message()); d.dismiss().catch(() => {}); });
  return page;
}

/**
 * A TCP proxy in front of the hub that the test can cut: end() ends every open connection
 * (the browser sees its event stream end), hold() refuses new connections until release().
 * It also records the Last-Event-ID header of every request that passes.
 */
function cuttableProxy(targetPort) {
  const sockets = new Set();
  const requests = [];
  let holding = false;
  const server = net.createServer((client) => {
    if (holding) { client.destroy(); return; }
    const upstream = net.connect(targetPort, '127.0.0.1');
    sockets.add(client); sockets.add(upstream);
    let head = '';
    client.on('data', (b) => {
      if (head.length < 8192 && !head.includes('\r\n\r\n')) {
        head += b.toString('latin1');
        if (head.includes('\r\n\r\n')) {
          const line = head.split('\r\n')[0];
          const m = /^last-event-id:[ \t]*(.*)$/im.exec(head);
          requests.push({ line, lastEventId: m ? m[1] : null });
        }
      }
      upstream.write(b);
    });
    upstream.on('data', (b) => client.write(b));
    const done = () => { sockets.delete(client); sockets.delete(upstream); client.destroy(); upstream.destroy(); };
    client.on('close', done); upstream.on('close', done);
    client.on('error', done); upstream.on('error', done);
  });
  return {
    requests,
    listen: () => new Promise((r) => server.listen(0, '127.0.0.1', () => r(server.address().port))),
    end: () => { for (const s of sockets) s.end(); },
    hold: () => { holding = true; },
    release: () => { holding = false; },
    close: () => { for (const s of sockets) s.destroy(); server.close(); },
  };
}

async function reconnectWithLastEventId() {
  const hub = new URL(env('HUB_URL'));
  const proxy = cuttableProxy(Number(hub.port));
  const port = await proxy.listen();
  const origin = `http://127.0.0.1:${port}`;
  const topic = `interop-reconnect-${process.pid}-${Date.now()}`;
  const page = await newPage();
  try {
    await page.goto(`${origin}/healthz`);
    await page.evaluate((u) => {
      window.got = []; window.opens = 0; window.errors = 0;
      const es = new EventSource(u);
      es.onmessage = (e) => window.got.push({ data: e.data, id: e.lastEventId });
      es.onopen = () => { window.opens++; };
      es.onerror = () => { window.errors++; };
    }, `/events?topic=${topic}`);
    await waitFor(() => page.evaluate(() => window.opens === 1), 10_000, 'the EventSource opened');
    const ids = [];
    for (const d of ['before 1', 'before 2']) ids.push(await publish(hub.origin, topic, d));
    await waitFor(() => page.evaluate(() => window.got.length === 2), 5000, 'two live events');

    // The stream ends; while the browser cannot get back in, two events are published.
    proxy.hold();
    proxy.end();
    await waitFor(() => page.evaluate(() => window.errors >= 1), 5000, 'the browser saw its stream end');
    for (const d of ['missed 1', 'missed 2']) ids.push(await publish(hub.origin, topic, d));
    await sleep(300);
    proxy.release();

    await waitFor(() => page.evaluate(() => window.opens >= 2), 20_000, 'the EventSource reconnected by itself');
    await waitFor(() => page.evaluate(() => window.got.length >= 4), 5000, 'the missed events were replayed');
    ids.push(await publish(hub.origin, topic, 'after'));
    await waitFor(() => page.evaluate(() => window.got.length >= 5), 5000, 'a live event after the reconnect');
    await sleep(300);

    const got = await page.evaluate(() => window.got);
    const want = ['before 1', 'before 2', 'missed 1', 'missed 2', 'after'].map((data, i) => ({ data, id: ids[i] }));
    if (JSON.stringify(got) !== JSON.stringify(want)) throw new Error(`events: got ${JSON.stringify(got)} want ${JSON.stringify(want)}`);
    const subs = proxy.requests.filter((r) => r.line.startsWith('GET /events'));
    const resumed = subs.find((r) => r.lastEventId === ids[1]);
    if (!resumed) throw new Error(`no reconnect carried Last-Event-ID ${ids[1]}; requests: ${JSON.stringify(subs)}`);
    const { opens, errors } = await page.evaluate(() => ({ opens: window.opens, errors: window.errors }));
    return `${opens} opens, ${errors} error event(s); reconnect sent Last-Event-ID: ${resumed.lastEventId}; got 2 live + 2 missed (ids ${ids[2]}, ${ids[3]}) + 1 live, no gap, no duplicate`;
  } finally {
    proxy.close();
    await page.close();
  }
}

await runChecks([
  { name: 'browser: EventSource reconnects after the stream ends and resumes with Last-Event-ID', fn: reconnectWithLastEventId, timeoutMs: 60_000 },
], {
  cleanup: async () => { if (browser) await browser.close(); },
});
