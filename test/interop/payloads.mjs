// Adversarial payloads for the client checks: every line ending, leading spaces, colons,
// field names inside data, NUL, astral characters, U+2028/U+0085 (data, not line breaks),
// 64 KiB lines, JSON, empty data, and unusual event types. Deterministic (seeded), so a
// failure names the same payload on every run.

const KIB64 = 64 * 1024;

/** A small deterministic PRNG (mulberry32). */
function rng(seed) {
  return () => {
    seed |= 0; seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const FIXED = [
  '', ' ', '  ', 'plain', ' leading space', '  two leading spaces', '\tleading tab', 'trailing space ',
  ':', '::', ':starts with colon', 'a:b', 'key: value', 'data: looks like a field', 'id: 99', 'event: x',
  'retry: 1', 'data', 'id', ':comment-looking', ' : ',
  '\n', '\r', '\r\n', '\n\n', '\r\r', '\r\n\r\n', '\n\r',
  'a\nb', 'a\rb', 'a\r\nb', 'a\n\rb', 'a\r\n\r\nb', 'a\n\nb', 'a\r\rb',
  'trailing LF\n', 'trailing CR\r', 'trailing CRLF\r\n', '\nleading LF', '\rleading CR', '\r\nleading CRLF',
  'line\n leading space after LF', 'line\r: colon after CR', 'x\ndata: injected\n\nid: 7\n\nevent: evil',
  '\u0000', 'a\u0000b', '\u0000\n\u0000', 'id-with-nul-looking\u0000',
  '\u2028', 'a\u2028b', '\u2029', 'a\u0085b', '\u0085', 'a\u000bb', 'a\u000cb', '\u001b[31mansi\u001b[0m',
  '\ufeff', '\ufeffbom at start of data', 'bom inside \ufeff data',
  '😀', '𝄞 clef', 'a😀b\n😀\r😀', '👩‍👩‍👧‍👦 family ZWJ', 'e\u0301 combining', 'é ü ß ø 中文 日本語 한국어', '\u{10FFFF}', '\u{1F600}\u{1F601}\u{1F602}',
  '{"a":1,"b":[true,null,"x"]}', '{\n  "pretty": "json",\n  "n": 2\n}', '{"s":"line\\nbreak escaped","u":"\\u2028"}',
  '[1,2,3]', '"just a string"', 'null', '0', '-1.5e10',
  '<img src=x onerror=alert(1)>', '<script>alert(1)</script>', '&amp; &lt; &gt;', 'a & b = c + d ? e % f # g',
  '%0A%0D not decoded', '\\n literal backslash n', '\\r\\n literal', "quote's \"double\" `back`",
  'a'.repeat(KIB64), 'b'.repeat(KIB64 - 1) + '\n' + 'c'.repeat(KIB64 - 1), 'é'.repeat(KIB64 / 2),
  '😀'.repeat(KIB64 / 4), ' ' + 'd'.repeat(KIB64), 'e'.repeat(KIB64) + '\r\n' + 'f', '\r'.repeat(1000), '\n'.repeat(1000),
  Array.from({ length: 1000 }, (_, i) => `line ${i}`).join('\r\n'),
  Array.from({ length: 300 }, (_, i) => (i % 3 === 0 ? 'x\r' : i % 3 === 1 ? 'y\n' : 'z\r\n')).join(''),
];

const FRAGMENTS = ['a', 'Z', '0', ' ', '  ', ':', ': ', '\n', '\r', '\r\n', '\n\r', '\u0000', '😀', '𝄞', '\u2028',
  '\u0085', 'é', '中', '"', '{', '}', '\\', 'data:', 'id:', 'event:', 'retry:', ' data: x', '<b>', '&', '\t', '\ufeff', '%0A', '+'];

const EVENT_TYPES = ['price', 'update', 'with space', 'ünïcödé', '😀', 'colon:in:type', ' leading-space', 'message', 'a'.repeat(200)];

/** Returns the payloads to publish: [{ data, event?, form }], at least 300 of them. */
export function payloads() {
  const rand = rng(7);
  const out = FIXED.map((data) => ({ data }));
  for (let i = 0; i < 260; i++) {
    const n = Math.floor(rand() * 40);
    let s = '';
    for (let j = 0; j < n; j++) s += FRAGMENTS[Math.floor(rand() * FRAGMENTS.length)];
    out.push({ data: s });
  }
  out.forEach((p, i) => {
    if (i % 5 === 2) p.event = EVENT_TYPES[(i / 5 | 0) % EVENT_TYPES.length];
    // Some go as the urlencoded form (data + event fields), the rest as a raw UTF-8 body.
    p.form = i % 7 === 3;
  });
  return out;
}

/**
 * Returns what a conforming client must dispatch for a published payload. The SSE format
 * has no way to carry a CR inside data: the server splits data into `data:` lines on CR,
 * LF and CRLF, and the client joins those lines with LF. So every CRLF and every lone CR
 * in a payload legitimately arrives as LF; that is the protocol, not a loss.
 */
export function expected(p, id) {
  return { type: p.event ?? 'message', data: p.data.replace(/\r\n|\r/g, '\n'), id };
}

/** Short printable form of a string for failure messages. */
export function show(s, max = 80) {
  if (s === undefined) return 'undefined';
  const j = JSON.stringify(s);
  return j.length > max ? `${j.slice(0, max)}...(${s.length} chars)` : j;
}
