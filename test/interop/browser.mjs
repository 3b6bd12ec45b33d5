// Browser checks in headless Chromium (Debian's, driven by playwright-core): the hub's console
// page, the chat, stocks and LLM example pages, and EventSource's reconnect with Last-Event-ID.
// Env: HUB_URL, CHAT_URL, STOCKS_URL, LLMSTREAM_URL, BUILD_DIR (for build/console.png), and
//      JAVA and JAR to start a hub of its own for the restart check.
import net from 'node:net';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { env, publish, runChecks, waitFor, launchChromium, sleep, freePort, within } from './lib.mjs';

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

/** Reads an SSE response body with eventsource-parser and returns the events' data. */
async function sseData(res) {
  const { createParser } = await import('eventsource-parser');
  const out = [];
  const parser = createParser({ onEvent: (m) => out.push(m.data) });
  const decoder = new TextDecoder();
  for await (const chunk of res.body) parser.feed(decoder.decode(chunk, { stream: true }));
  return out;
}

async function stocksTableUpdates() {
  const base = env('STOCKS_URL');
  // An independent subscriber next to the page: every price the table shows must be one the
  // server sent for that symbol.
  const { EventSource } = await import('eventsource');
  const seen = new Map();
  const es = new EventSource(`${base}/prices`);
  es.addEventListener('price', (e) => {
    const q = JSON.parse(e.data);
    if (!seen.has(q.symbol)) seen.set(q.symbol, new Set());
    seen.get(q.symbol).add(q.price.toFixed(2));
  });
  const page = await newPage();
  try {
    await page.goto(base + '/');
    const symbols = await page.$$eval('#prices tr[data-symbol]', (rows) => rows.map((r) => r.dataset.symbol));
    if (symbols.length < 2) throw new Error(`the table has ${symbols.length} symbol rows`);
    await page.evaluate(() => {
      window.updates = 0;
      new MutationObserver((ms) => { window.updates += ms.length; })
        .observe(document.getElementById('prices'), { subtree: true, childList: true, characterData: true });
    });
    const read = () => page.$$eval('#prices tr[data-symbol]', (rows) => rows.map((r) => [r.dataset.symbol, r.querySelector('.price').textContent, r.querySelector('.change').textContent]));
    await waitFor(async () => (await read()).every(([, p]) => /^\d+\.\d\d$/.test(p)), 10_000, 'every row shows a price');
    const first = await read();
    // Prices move every second; within a few seconds at least one row must show a new price.
    const later = await waitFor(async () => { const r = await read(); return r.some(([, p], i) => p !== first[i][1]) && r; }, 8000, 'a price in the table changes');
    const updates = await page.evaluate(() => window.updates);
    // The two streams are separate connections: give the subscriber up to 3 s to see the same second.
    try {
      await waitFor(() => later.every(([sym, price]) => seen.get(sym)?.has(price)), 3000, 'the subscriber saw every price the table shows');
    } catch {
      const [sym, price] = later.find(([s, p]) => !seen.get(s)?.has(p));
      throw new Error(`the table shows ${sym} ${price}, a price the server never sent for it (seen: ${[...(seen.get(sym) ?? [])].join(', ')})`);
    }
    if (page.jsErrors.length) throw new Error(`page errors: ${page.jsErrors.join('; ')}`);
    await page.screenshot({ path: path.join(env('BUILD_DIR'), 'stocks.png') });
    return `${symbols.length} rows; ${updates} DOM updates; first ${first.map((r) => r.slice(0, 2).join(' ')).join(', ')}; later ${later.map((r) => r.slice(0, 2).join(' ')).join(', ')}; each shown price was sent by the server`;
  } finally {
    es.close();
    await page.close();
  }
}

async function llmAnswerAppears() {
  const base = env('LLMSTREAM_URL');
  const prompt = `Interop <b>question</b> ${Date.now()}?`;
  // What the answer must be: the same request read by eventsource-parser, chunks joined.
  const res = await fetch(`${base}/v1/chat/completions`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ model: 'demo', stream: true, messages: [{ role: 'user', content: prompt }] }),
  });
  if (!String(res.headers.get('content-type')).startsWith('text/event-stream')) throw new Error(`stream content-type ${res.headers.get('content-type')}`);
  const data = await sseData(res);
  if (data.at(-1) !== '[DONE]') throw new Error(`the stream did not end with [DONE]: ${JSON.stringify(data.slice(-2))}`);
  const expected = data.slice(0, -1).map((d) => JSON.parse(d).choices[0].delta.content ?? '').join('');
  if (!expected.includes(prompt)) throw new Error(`the streamed answer does not quote the prompt: ${expected.slice(0, 120)}`);

  const page = await newPage();
  try {
    await page.goto(base + '/');
    await page.fill('#prompt', prompt);
    // Record every text the answer shows, from the page itself, as it changes.
    await page.evaluate(() => {
      window.states = [];
      const answer = document.getElementById('answer');
      new MutationObserver(() => { window.states.push([performance.now(), answer.textContent]); })
        .observe(answer, { subtree: true, childList: true, characterData: true });
    });
    await page.click('#ask');
    await waitFor(() => page.$eval('#answer', (a, e) => a.textContent === e, expected), 30_000, 'the whole answer is shown');
    const states = (await page.evaluate(() => window.states)).filter(([, t]) => t !== '');
    const distinct = [...new Set(states.map(([, t]) => t))];
    for (let k = 1; k < distinct.length; k++) {
      if (!distinct[k].startsWith(distinct[k - 1])) throw new Error(`the answer did not grow by appending: ${JSON.stringify(distinct[k - 1].slice(-30))} then ${JSON.stringify(distinct[k].slice(-30))}`);
    }
    if (distinct.length < 10) throw new Error(`the answer appeared in ${distinct.length} step(s), not progressively`);
    const spanMs = states.at(-1)[0] - states[0][0];
    const bold = await page.$$eval('#answer b', (b) => b.length);
    if (bold) throw new Error('markup from the prompt was rendered in the answer');
    if (page.jsErrors.length) throw new Error(`page errors: ${page.jsErrors.join('; ')}`);
    await page.screenshot({ path: path.join(env('BUILD_DIR'), 'llm.png') });
    return `answer of ${expected.length} chars appeared in ${distinct.length} growing steps over ${spanMs.toFixed(0)} ms, equal to the ${data.length - 1} streamed chunks joined; prompt markup shown as text`;
  } finally {
    await page.close();
  }
}

async function consoleShowsPublishedEvents() {
  const hub = env('HUB_URL');
  const topic = 'demo';
  const page = await newPage();
  try {
    await page.goto(hub + '/');
    await page.fill('#topics', topic);
    await page.click('#subscribe');
    await waitFor(() => page.$eval('#state', (e) => e.textContent.startsWith('open')), 10_000, 'the console says its subscription is open');
    const rows = () => page.$$eval('#log tr.event', (trs) => trs.map((tr) => ({
      type: tr.querySelector('.type').textContent, id: tr.querySelector('.id').textContent, data: tr.querySelector('.data').textContent })));

    // One event published from outside (the HTTP API), several through the page's own form.
    const want = [];
    const outside = { type: 'message', data: 'hello from the interop test, published with POST /events' };
    want.push({ type: outside.type, id: await publish(hub, topic, outside.data), data: outside.data });
    const viaForm = [
      { type: 'price', data: '{"symbol":"JDK","price":25.00,"change":+4.00}' },
      { type: 'message', data: 'two lines:\n  the second starts with two spaces' },
      { type: 'chat', data: '<img src=x onerror="window.pwned=1"> shown as text, never as markup' },
      { type: 'message', data: 'astral 😀 and U+2028 [\u2028] are data' },
    ];
    await page.fill('#topic', topic);
    for (const e of viaForm) {
      const before = await page.$eval('#status', (x) => x.textContent);
      await page.fill('#event', e.type === 'message' ? '' : e.type);
      await page.fill('#data', e.data);
      await page.click('#publish');
      const status = await waitFor(async () => { const t = await page.$eval('#status', (x) => x.textContent); return t !== before && t !== 'publishing' && t; }, 5000, 'the publish status');
      const m = /^published, id (\S+)$/.exec(status);
      if (!m) throw new Error(`the console's publish answered: ${status}`);
      want.push({ type: e.type, id: m[1], data: e.data });
    }
    const got = await waitFor(async () => { const r = await rows(); return r.length >= want.length && r; }, 5000, `${want.length} rows in the console`);
    if (JSON.stringify(got) !== JSON.stringify(want)) throw new Error(`console rows: ${JSON.stringify(got)}; want ${JSON.stringify(want)}`);
    if (await page.$$eval('#log img', (x) => x.length)) throw new Error('an img element from event data was created in the console');
    if (await page.evaluate(() => window.pwned)) throw new Error('event data ran as script in the console');
    if (page.jsErrors.length) throw new Error(`page errors: ${page.jsErrors.join('; ')}`);
    const out = path.join(env('BUILD_DIR'), 'console.png');
    const height = await page.evaluate(() => Math.ceil(document.querySelector('table').getBoundingClientRect().bottom) + 24);
    await page.screenshot({ path: out, clip: { x: 0, y: 0, width: 1100, height } });
    return `${got.length} events shown with type, id and data (1 published from outside, ${viaForm.length} through the page's form; markup shown as text); screenshot ${path.relative(process.cwd() + '/../..', out)}`;
  } finally {
    await page.close();
  }
}

// The console's own parser on a stream cut between an event's id and the blank line that would
// dispatch it: the id is not taken, so the reconnect asks from the event before and the cut event
// is shown. The stream is played by the test (page.route), so that it can end at that byte.
async function consoleResumesFromTheLastDispatchedId() {
  const hub = env('HUB_URL');
  const topic = `interop-console-cut-${process.pid}`;
  // Event 2 has an id and no data (nothing to show, yet its id counts once dispatched); event 3's
  // blank line never comes. A later answer replays what follows the id asked for, and stops the retries.
  const log = [['1', 'id: 1\ndata: one\n\n'], ['2', 'id: 2\n\n'], ['3', 'id: 3\ndata: three\n\n']];
  const asked = [];
  const page = await newPage();
  try {
    await page.route((url) => url.pathname === '/events' && url.searchParams.get('topic') === topic, (route) => {
      const last = route.request().headers()['last-event-id'] ?? null;
      asked.push(last);
      const body = last === null
        ? 'retry: 100\n\n' + log.map(([, text]) => text).join('').slice(0, -1)
        : 'retry: 600000\n\n' + log.slice(log.findIndex(([id]) => id === last) + 1).map(([, text]) => text).join('');
      return route.fulfill({ status: 200, headers: { 'Content-Type': 'text/event-stream' }, body });
    });
    await page.goto(hub + '/');
    await page.fill('#topics', topic);
    await page.click('#subscribe');
    await waitFor(() => asked.length >= 2, 10_000, 'the console reconnected after its stream ended');
    if (asked[1] !== '2') throw new Error(`the reconnect sent Last-Event-ID ${JSON.stringify(asked[1])}, not "2", the id of the last event dispatched`);
    const rows = () => page.$$eval('#log tr.event', (trs) => trs.map((tr) => [...tr.cells].map((c) => c.textContent).join(' ')));
    await waitFor(async () => (await rows()).length >= 2, 5000, 'two rows in the console');
    await sleep(300);
    const got = await rows();
    const want = ['message 1 one', 'message 3 three'];
    if (JSON.stringify(got) !== JSON.stringify(want)) throw new Error(`console rows: ${JSON.stringify(got)}; want ${JSON.stringify(want)}`);
    if (page.jsErrors.length) throw new Error(`page errors: ${page.jsErrors.join('; ')}`);
    return `cut after "id: 3" before its blank line: the reconnect sent Last-Event-ID: 2 (an id-only event's) and event 3 was shown once`;
  } finally {
    await page.close();
  }
}

// Two chat users, one page each, shared by the two chat checks.
let chatPages = null;
async function chatUsers() {
  if (chatPages) return chatPages;
  const base = env('CHAT_URL');
  const pages = [await newPage(), await newPage()];
  for (const p of pages) await p.goto(base + '/');
  const ids = [];
  for (const p of pages) ids.push(await waitFor(() => p.$eval('#me', (e) => e.textContent), 10_000, 'the page shows its user id (the first event, user)'));
  if (ids[0] === ids[1]) throw new Error(`both pages got user id ${ids[0]}`);
  chatPages = pages.map((page, k) => ({ page, id: ids[k] }));
  return chatPages;
}
const messages = (page) => page.$$eval('#messages .message', (ps) => ps.map((p) => p.textContent));
async function say(user, text) {
  await user.page.fill('#text', text);
  await user.page.click('#send');
}
async function expectMessage(user, text, what) {
  await waitFor(async () => (await messages(user.page)).includes(text), 5000, `${what}: ${JSON.stringify(text)}`);
}

async function chatExchange() {
  const [a, b] = await chatUsers();
  const stamp = Date.now();
  await say(a, `hello from A ${stamp}`);
  await expectMessage(b, `<User#${a.id}>: hello from A ${stamp}`, 'B receives A\'s message');
  await say(b, `hi A, B here ${stamp}`);
  await expectMessage(a, `<User#${b.id}>: hi A, B here ${stamp}`, 'A receives B\'s reply');
  await sleep(300);
  const [ma, mb] = [await messages(a.page), await messages(b.page)];
  const wantA = [`<You>: hello from A ${stamp}`, `<User#${b.id}>: hi A, B here ${stamp}`];
  const wantB = [`<User#${a.id}>: hello from A ${stamp}`, `<You>: hi A, B here ${stamp}`];
  if (JSON.stringify(ma) !== JSON.stringify(wantA)) throw new Error(`A shows ${JSON.stringify(ma)}, want ${JSON.stringify(wantA)} (no echo of its own message)`);
  if (JSON.stringify(mb) !== JSON.stringify(wantB)) throw new Error(`B shows ${JSON.stringify(mb)}, want ${JSON.stringify(wantB)}`);
  return `User#${a.id} and User#${b.id} exchanged messages; each page shows exactly its own and the other's line, none echoed back`;
}

async function chatMarkupIsText() {
  const [a, b] = await chatUsers();
  const evil = ['<img src=x onerror="window.pwned=1">', '<b>bold?</b> <script>window.pwned=2</script>', '<a href="javascript:window.pwned=3">link</a> &amp; &lt;'];
  for (const text of evil) {
    await say(a, text);
    await expectMessage(b, `<User#${a.id}>: ${text}`, 'B shows the markup as text');
  }
  await sleep(300);
  for (const [name, u] of [['A', a], ['B', b]]) {
    const elements = await u.page.$$eval('#messages img, #messages b, #messages script, #messages a', (x) => x.map((e) => e.tagName));
    if (elements.length) throw new Error(`page ${name} created elements from message text: ${elements.join(', ')}`);
    if (await u.page.evaluate(() => window.pwned)) throw new Error(`message text ran as script on page ${name}`);
    if (u.page.jsErrors.length) throw new Error(`page ${name} errors: ${u.page.jsErrors.join('; ')}`);
    if (u.page.dialogs.length) throw new Error(`page ${name} opened dialogs: ${u.page.dialogs.join('; ')}`);
  }
  await b.page.screenshot({ path: path.join(env('BUILD_DIR'), 'chat.png') });
  return `${evil.length} messages with img/script/a/b markup shown verbatim as text on the other page; no element created, no script ran on either page`;
}

// The sender is left out of live delivery only: the log keeps its message, so a reconnecting page
// is sent it again, under the user id the page had before. The page must not show it twice.
async function chatReconnectShowsOwnMessageOnce() {
  const chat = new URL(env('CHAT_URL'));
  const proxy = cuttableProxy(Number(chat.port));
  const origin = `http://127.0.0.1:${await proxy.listen()}`;
  const page = await newPage();
  try {
    await page.goto(origin + '/');
    const first = await waitFor(() => page.$eval('#me', (e) => e.textContent), 10_000, 'the page shows its user id');
    const stamp = Date.now();
    // Another user's message first, so that the page's last event id is the one before its own message.
    await fetch(`${chat.origin}/chat/${Number(first) + 100000}`, { method: 'POST', body: `before ${stamp}` });
    await waitFor(async () => (await messages(page)).some((m) => m.endsWith(`before ${stamp}`)), 5000, 'the other user\'s message');
    await page.fill('#text', `mine ${stamp}`);
    await page.click('#send');
    await sleep(500);
    proxy.end(); // the stream ends; EventSource reconnects with Last-Event-ID and is sent the page's own message
    const second = await waitFor(async () => { const id = await page.$eval('#me', (e) => e.textContent); return id !== first && id; },
      15_000, 'the page reconnected (a new user id)');
    await sleep(500);
    const resumed = proxy.requests.filter((r) => r.lastEventId !== null).length;
    if (!resumed) throw new Error('the page reconnected without Last-Event-ID, so nothing was replayed: the check proves nothing');
    const mine = (await messages(page)).filter((m) => m.endsWith(`mine ${stamp}`));
    if (mine.length !== 1) throw new Error(`the page shows its own message ${mine.length} times: ${JSON.stringify(mine)}`);
    return `User#${first} reconnected as User#${second} with Last-Event-ID; its own message, replayed under User#${first}, is shown once`;
  } finally {
    await page.close();
    proxy.close();
  }
}

/** Starts a hub of its own (java -jar JAR --port P) and resolves once it answers /healthz. */
async function startHub(port) {
  const proc = spawn(env('JAVA'), ['-jar', env('JAR'), '--port', String(port), '--heartbeat', '5'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  proc.stdout.on('data', (b) => { log += b; });
  proc.stderr.on('data', (b) => { log += b; });
  const exited = new Promise((r) => proc.on('exit', (code, sig) => r(`${code ?? sig}`)));
  proc.exited = exited;
  await waitFor(async () => {
    if (proc.exitCode !== null) throw new Error(`the hub exited (${proc.exitCode}): ${log.slice(-300)}`);
    try { return (await fetch(`http://127.0.0.1:${port}/healthz`)).ok; } catch { return false; }
  }, 20_000, 'a hub of its own answers /healthz');
  return proc;
}

async function resetAfterHubRestart() {
  const port = await freePort();
  const origin = `http://127.0.0.1:${port}`;
  let hub = await startHub(port);
  const page = await newPage();
  try {
    await page.goto(`${origin}/healthz`);
    await page.evaluate(() => {
      window.got = []; window.opens = 0; window.errors = 0;
      const es = new EventSource('/events?topic=restart');
      const on = (e) => window.got.push({ type: e.type, data: e.data, id: e.lastEventId });
      es.addEventListener('message', on);
      es.addEventListener('reset', on);
      es.onopen = () => { window.opens++; };
      es.onerror = () => { window.errors++; };
    });
    await waitFor(() => page.evaluate(() => window.opens === 1), 10_000, 'the EventSource opened');
    await publish(origin, 'restart', 'from the first hub 1');
    await publish(origin, 'restart', 'from the first hub 2');
    await waitFor(() => page.evaluate(() => window.got.length === 2), 5000, 'two events from the first hub');

    // SIGTERM: the hub ends every stream and exits; a new hub (empty history, ids from a later clock) takes the port.
    hub.kill('SIGTERM');
    const how = await within(10_000, hub.exited, 'the hub exits on SIGTERM');
    await waitFor(() => page.evaluate(() => window.errors >= 1), 5000, 'the browser saw its stream end');
    hub = await startHub(port);
    await waitFor(() => page.evaluate(() => window.opens >= 2), 20_000, 'the EventSource reconnected to the new hub by itself');
    await waitFor(() => page.evaluate(() => window.got.length >= 3), 5000, 'an event after the reconnect');
    const id = await publish(origin, 'restart', 'from the second hub');
    await waitFor(() => page.evaluate(() => window.got.length >= 4), 5000, 'a live event from the second hub');
    const got = await page.evaluate(() => window.got);
    const reset = got[2];
    // Ids start from the clock, so the new hub's ids are above the old hub's: the client's id is
    // older than anything the new hub kept, and it gets "expired", never a replay under reused ids.
    if (reset.type !== 'reset' || reset.data !== 'expired') throw new Error(`after the restart the first event was ${JSON.stringify(reset)}, not a reset "expired" (the client's id ${got[1].id} is from the earlier hub)`);
    if (!(BigInt(id) > BigInt(got[1].id))) throw new Error(`the new hub's id ${id} is not above the old hub's ${got[1].id}: ids must keep increasing across restarts`);
    const live = got[3];
    if (live.type !== 'message' || live.data !== 'from the second hub' || live.id !== id) throw new Error(`the live event after the reset: ${JSON.stringify(live)}`);
    if (got.length !== 4) throw new Error(`extra events: ${JSON.stringify(got.slice(4))}`);
    return `hub exited on SIGTERM (${how}); the browser reconnected to the restarted hub and got reset ${JSON.stringify(reset.data)} (id ${JSON.stringify(reset.id)}) before the live event id ${id}`;
  } finally {
    await page.close();
    hub.kill('SIGKILL');
  }
}

await runChecks([
  { name: 'browser: two chat pages exchange messages', fn: chatExchange, timeoutMs: 40_000 },
  { name: 'browser: chat shows HTML from a message as text, never as markup', fn: chatMarkupIsText, timeoutMs: 30_000 },
  { name: 'browser: a chat page that reconnects shows its own message once', fn: chatReconnectShowsOwnMessageOnce, timeoutMs: 40_000 },
  { name: 'browser: hub console subscribes and shows published events', fn: consoleShowsPublishedEvents, timeoutMs: 40_000 },
  { name: 'browser: the hub console resumes from the last dispatched id when a stream ends mid-event', fn: consoleResumesFromTheLastDispatchedId, timeoutMs: 30_000 },
  { name: 'browser: stocks page table updates from price events', fn: stocksTableUpdates, timeoutMs: 40_000 },
  { name: 'browser: LLM page shows the answer appearing token by token', fn: llmAnswerAppears, timeoutMs: 60_000 },
  { name: 'browser: EventSource reconnects after the stream ends and resumes with Last-Event-ID', fn: reconnectWithLastEventId, timeoutMs: 60_000 },
  { name: 'browser: after a hub restart (SIGTERM) EventSource reconnects by itself and gets a reset', fn: resetAfterHubRestart, timeoutMs: 80_000 },
], {
  cleanup: async () => { if (browser) await browser.close(); },
});
