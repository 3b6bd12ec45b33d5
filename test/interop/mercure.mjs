// Mercure interop (issue 12): a real Chromium page subscribes to /.well-known/mercure with
// EventSource (withCredentials, the token in the mercureAuthorization cookie) and publishes
// with fetch; the npm `eventsource` package subscribes with a bearer token; presence events
// and the subscriptions API. Public, private, templated and multi-topic updates, and resume.
// Env: MERCURE_URL (a hub started with --publisher-jwt-key/--subscriber-jwt-key $MERCURE_KEY
//      --anonymous --subscriptions), MERCURE_KEY, and optionally MERCURE_URL_2 (a second hub
//      sharing a Redis log with the first) for the cross-hub checks.
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { EventSource } from 'eventsource';
import { env, runChecks, waitFor, launchChromium, sleep, freePort } from './lib.mjs';

const hub = env('MERCURE_URL');
const hub2 = process.env.MERCURE_URL_2;
const key = env('MERCURE_KEY');
const run = `${process.pid}-${Date.now()}`;
const T = (s) => `https://example.com/${run}/${s}`;

/** An HS256 token for these mercure claims, signed with node's crypto (the hub only verifies). */
function token(mercure, extra = {}) {
  const b64 = (o) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const input = `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64({ mercure, ...extra })}`;
  return `${input}.${crypto.createHmac('sha256', key).update(input).digest('base64url')}`;
}
const publisher = token({ publish: ['*'] });

async function publish(base, fields, bearer = publisher) {
  const body = new URLSearchParams();
  for (const [k, v] of fields) body.append(k, v);
  const res = await fetch(`${base}/.well-known/mercure`, {
    method: 'POST', body, headers: { Authorization: `Bearer ${bearer}`, 'Content-Type': 'application/x-www-form-urlencoded' },
  });
  const text = await res.text();
  if (res.status !== 200) throw new Error(`publish answered ${res.status}: ${text}`);
  return text;
}

function subscribeUrl(base, topics, extra = {}) {
  const u = new URL(`${base}/.well-known/mercure`);
  for (const t of topics) u.searchParams.append('topic', t);
  for (const [k, v] of Object.entries(extra)) u.searchParams.append(k, v);
  return u.toString();
}

/** The npm eventsource client with a bearer token (through its fetch option). */
function npmSubscriber(url, bearer) {
  const got = [];
  const es = new EventSource(url, {
    fetch: (input, init) => fetch(input, { ...init, headers: { ...init.headers, ...(bearer ? { Authorization: `Bearer ${bearer}` } : {}) } }),
  });
  es.onmessage = (e) => got.push({ data: e.data, id: e.lastEventId });
  const opened = new Promise((resolve, reject) => { es.onopen = resolve; es.onerror = (e) => reject(new Error(`eventsource: ${e.message || e.code}`)); });
  return { got, opened, close: () => es.close() };
}

let browser;
async function page(base) {
  if (!browser) browser = await launchChromium();
  const ctx = await browser.newContext();
  const p = await ctx.newPage();
  await p.goto(`${base}/healthz`);
  return p;
}

/** Opens an EventSource in the page, with credentials, recording messages in window.got. */
async function pageSubscribe(p, url) {
  await p.evaluate((u) => {
    window.got = []; window.opened = false;
    window.es = new EventSource(u, { withCredentials: true });
    window.es.onmessage = (e) => window.got.push({ data: e.data, id: e.lastEventId });
    window.es.onopen = () => { window.opened = true; };
  }, url);
  await waitFor(() => p.evaluate(() => window.opened), 10_000, 'the page EventSource opened');
}

async function setCookie(p, base, value) {
  await p.context().addCookies([{ name: 'mercureAuthorization', value, url: `${base}/.well-known/mercure`, httpOnly: true, sameSite: 'Strict' }]);
}

/** Publishes from the page with fetch and returns the id. */
function pagePublish(p, fields) {
  return p.evaluate(async ([f, bearer]) => {
    const res = await fetch('/.well-known/mercure', { method: 'POST', headers: { Authorization: `Bearer ${bearer}` }, body: new URLSearchParams(f) });
    return `${res.status} ${await res.text()}`;
  }, [fields, publisher]);
}

async function chromiumUpdates() {
  const p = await page(hub);
  try {
    await setCookie(p, hub, token({ subscribe: [T('books/1')] }));
    await pageSubscribe(p, `/.well-known/mercure?topic=${encodeURIComponent(T('books/{id}'))}&topic=${encodeURIComponent(T('authors/1'))}`);
    const sent = [
      [['topic', T('books/2')], ['data', 'public templated']],
      [['topic', T('authors/1')], ['topic', T('books/9')], ['data', 'multi-topic once']],
      [['topic', T('books/2')], ['data', 'private, not mine'], ['private', 'on']],
      [['topic', T('books/1/reviews')], ['data', 'not matched']],
      [['topic', T('books/1')], ['data', 'private, mine'], ['private', 'on']],
      [['topic', T('authors/1')], ['data', 'last'], ['id', `urn:${run}:last`]],
    ];
    const ids = [];
    for (const f of sent) {
      const r = await pagePublish(p, f);
      if (!r.startsWith('200 ')) throw new Error(`page publish answered ${r}`);
      ids.push(r.slice(4));
    }
    await waitFor(() => p.evaluate(() => window.got.some((e) => e.data === 'last')), 5000, 'the last update');
    const got = await p.evaluate(() => window.got);
    const want = [0, 1, 4, 5].map((i) => ({ data: sent[i].find(([k]) => k === 'data')[1], id: ids[i] }));
    if (JSON.stringify(got) !== JSON.stringify(want)) throw new Error(`got ${JSON.stringify(got)} want ${JSON.stringify(want)}`);
    return `public, templated, multi-topic (once) and the cookie's private update arrived; the other private and the unmatched did not`;
  } finally {
    await p.context().close();
  }
}

async function chromiumResume() {
  const p = await page(hub);
  try {
    await setCookie(p, hub, token({ subscribe: [T('resume')] }));
    const topic = T('resume');
    const first = await publish(hub, [['topic', topic], ['data', 'seen'], ['id', `urn:${run}:r1`]]);
    const missed = [];
    missed.push(await publish(hub, [['topic', topic], ['data', 'missed public'], ['id', `urn:${run}:r2`]]));
    missed.push(await publish(hub, [['topic', topic], ['data', 'missed private'], ['private', '1']]));
    await pageSubscribe(p, `/.well-known/mercure?topic=${encodeURIComponent(topic)}&lastEventID=${encodeURIComponent(first)}`);
    await waitFor(() => p.evaluate(() => window.got.length >= 2), 5000, 'the missed updates');
    const got = await p.evaluate(() => window.got);
    const want = [{ data: 'missed public', id: missed[0] }, { data: 'missed private', id: missed[1] }];
    if (JSON.stringify(got) !== JSON.stringify(want)) throw new Error(`got ${JSON.stringify(got)} want ${JSON.stringify(want)}`);
    return `resumed after ${first} with lastEventID: ${missed.join(', ')}`;
  } finally {
    await p.context().close();
  }
}

async function npmBearer(base = hub, pubBase = hub) {
  const topic = T(`npm/${base === hub ? 1 : 2}`);
  const allowed = npmSubscriber(subscribeUrl(base, [topic]), token({ subscribe: [topic] }));
  const anonymous = npmSubscriber(subscribeUrl(base, [topic]));
  try {
    await Promise.all([allowed.opened, anonymous.opened]);
    await publish(pubBase, [['topic', topic], ['data', 'secret'], ['private', 'on']]);
    await publish(pubBase, [['topic', topic], ['data', 'public']]);
    await waitFor(() => allowed.got.length >= 2 && anonymous.got.length >= 1, 5000, 'the updates');
    await sleep(200);
    const a = allowed.got.map((e) => e.data).join(','), n = anonymous.got.map((e) => e.data).join(',');
    if (a !== 'secret,public' || n !== 'public') throw new Error(`with token got [${a}], without [${n}]`);
    // Replay: a subscriber without the claim never receives it from the history either.
    const late = npmSubscriber(subscribeUrl(base, [topic], { lastEventID: 'earliest' }));
    const lateAllowed = npmSubscriber(subscribeUrl(base, [topic], { lastEventID: 'earliest' }), token({ subscribe: ['*'] }));
    try {
      await waitFor(() => late.got.length >= 1 && lateAllowed.got.length >= 2, 5000, 'the replays');
      await sleep(200);
      const l = late.got.map((e) => e.data).join(','), la = lateAllowed.got.map((e) => e.data).join(',');
      if (l !== 'public' || la !== 'secret,public') throw new Error(`replay without claim [${l}], with [${la}]`);
    } finally { late.close(); lateAllowed.close(); }
    return `bearer subscriber got [${a}], anonymous [${n}], live and on replay`;
  } finally {
    allowed.close(); anonymous.close();
  }
}

async function presence(watchBase = hub, joinBase = hub) {
  const events = '/.well-known/mercure/subscriptions/{topic}/{subscriber}';
  const watcher = npmSubscriber(subscribeUrl(watchBase, [events]), token({ subscribe: [events] }));
  await watcher.opened;
  const selector = T(`presence/{id}/${watchBase === joinBase ? 1 : 2}`);
  const p = await page(joinBase);
  try {
    await setCookie(p, joinBase, token({ subscribe: [], payload: { user: 'alice' } }));
    await pageSubscribe(p, `/.well-known/mercure?topic=${encodeURIComponent(selector)}`);
    const about = (active) => watcher.got.map((e) => JSON.parse(e.data)).find((d) => d.topic === selector && d.active === active);
    const joined = await waitFor(() => about(true), 5000, 'the active:true event');
    if (joined.payload?.user !== 'alice' || joined.type !== 'Subscription') throw new Error(`event ${JSON.stringify(joined)}`);
    let listed = 'not checked (other hub)';
    if (watchBase === joinBase) {
      const res = await fetch(`${joinBase}/.well-known/mercure/subscriptions`, { headers: { Authorization: `Bearer ${token({ subscribe: ['/.well-known/mercure/subscriptions{/topic}{/subscriber}'] })}` } });
      const doc = await res.json();
      if (!doc.subscriptions.some((s) => s.topic === selector)) throw new Error(`API: ${JSON.stringify(doc)}`);
      listed = `listed by the API (${doc.subscriptions.length} subscriptions)`;
    }
    await p.evaluate(() => window.es.close());
    await waitFor(() => about(false), 20_000, 'the active:false event');
    return `active true then false for ${joined.subscriber}; ${listed}`;
  } finally {
    watcher.close();
    await p.context().close();
  }
}

async function consoleViaMercure() {
  const p = await page(hub);
  try {
    await p.goto(`${hub}/`);
    await p.selectOption('#via', 'mercure');
    await p.fill('#topics', T('console/{id}'));
    await p.fill('#subtoken', token({ subscribe: [T('console/{id}')] }));
    await p.click('#subscribe');
    await waitFor(() => p.$eval('#state', (e) => e.textContent.startsWith('open: Mercure')), 10_000, 'the console says its Mercure subscription is open');
    const markup = '<img src=x onerror="window.pwned=1">';
    const id = await publish(hub, [['topic', T('console/1')], ['data', markup], ['private', 'on'], ['type', 'book']]);
    const row = await waitFor(() => p.$$eval('#log tr', (rows) => rows.map((r) => [...r.cells].map((c) => c.textContent)).find((c) => c[1] !== undefined && c[2].includes('img'))), 5000, 'the private update in the console');
    if (JSON.stringify(row) !== JSON.stringify(['book', id, markup])) throw new Error(`row ${JSON.stringify(row)}`);
    if (await p.$$eval('#log img', (x) => x.length)) throw new Error('an img element from event data was created in the console');
    if (await p.evaluate(() => window.pwned)) throw new Error('event data ran as script in the console');
    return `the console subscribed through Mercure with a token and showed the private update as text (id ${id})`;
  } finally {
    await p.context().close();
  }
}

/**
 * RS256 and ES256 tokens signed by node's crypto (JOSE r||s for ES256), verified by hubs of their
 * own started with the PEM public keys from files: a signer that shares no code with the hub.
 */
async function publicKeyAlgorithms() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mercure-keys-'));
  const done = [];
  try {
    for (const alg of ['RS256', 'ES256']) {
      const { publicKey, privateKey } = alg === 'ES256'
        ? crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' })
        : crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
      const pem = path.join(dir, `${alg}.pem`);
      fs.writeFileSync(pem, publicKey.export({ type: 'spki', format: 'pem' }));
      const sign = (mercure) => {
        const b64 = (o) => Buffer.from(JSON.stringify(o)).toString('base64url');
        const input = `${b64({ alg, typ: 'JWT' })}.${b64({ mercure })}`;
        const key = alg === 'ES256' ? { key: privateKey, dsaEncoding: 'ieee-p1363' } : privateKey;
        return `${input}.${crypto.sign('sha256', Buffer.from(input), key).toString('base64url')}`;
      };
      const port = await freePort();
      const proc = spawn(env('JAVA'), ['-jar', env('JAR'), '--port', String(port), '--jwt-algorithm', alg,
        '--publisher-jwt-key', `@${pem}`, '--subscriber-jwt-key', `@${pem}`], { stdio: 'ignore' });
      const base = `http://127.0.0.1:${port}`;
      try {
        await waitFor(async () => { try { return (await fetch(`${base}/healthz`)).ok; } catch { return false; } }, 20_000, `the ${alg} hub starts`);
        const topic = T(`keys/${alg}`);
        const sub = npmSubscriber(subscribeUrl(base, [topic]), sign({ subscribe: [topic] }));
        try {
          await sub.opened;
          await publish(base, [['topic', topic], ['data', alg], ['private', 'on']], sign({ publish: [topic] }));
          await waitFor(() => sub.got.length >= 1, 5000, `the ${alg} private update`);
          if (sub.got[0].data !== alg) throw new Error(`got ${JSON.stringify(sub.got)}`);
        } finally { sub.close(); }
        const hs = await fetch(`${base}/.well-known/mercure`, { method: 'POST', body: new URLSearchParams({ topic, data: 'x' }),
          headers: { Authorization: `Bearer ${token({ publish: ['*'] })}` } });
        if (hs.status !== 401) throw new Error(`an HS256 token on the ${alg} hub answered ${hs.status}`);
        done.push(alg);
      } finally {
        proc.kill();
      }
    }
    return `${done.join(' and ')} tokens from node's crypto verified with PEM files; an HS256 token refused (401)`;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const checks = [
  { name: 'mercure: Chromium EventSource (cookie) gets public, templated, multi-topic and its private updates', fn: chromiumUpdates, timeoutMs: 40_000 },
  { name: 'mercure: Chromium resumes with lastEventID, private included', fn: chromiumResume, timeoutMs: 30_000 },
  { name: 'mercure: npm eventsource with a bearer token; no claim, no private update (live, replay)', fn: () => npmBearer(), timeoutMs: 30_000 },
  { name: 'mercure: presence events and the subscriptions API', fn: () => presence(), timeoutMs: 40_000 },
  { name: 'mercure: the hub console subscribes through Mercure with a token', fn: consoleViaMercure, timeoutMs: 30_000 },
  { name: 'mercure: RS256 and ES256 tokens signed by node, hubs keyed with PEM files', fn: publicKeyAlgorithms, timeoutMs: 60_000 },
];
if (hub2) {
  checks.push(
    { name: 'mercure --redis: private updates across hubs (live, replay)', fn: () => npmBearer(hub2, hub), timeoutMs: 30_000 },
    { name: 'mercure --redis: presence events across hubs', fn: () => presence(hub, hub2), timeoutMs: 40_000 },
  );
}
await runChecks(checks, { cleanup: async () => { if (browser) await browser.close(); } });
