// A pass-through HTTP proxy that forwards every request to the upstream and every response
// back unchanged except that it removes the X-Accel-Buffering header. The nginx control check
// puts it between nginx and the hub: the hub's bytes, minus that one header.
// Usage: node strip-accel-proxy.mjs LISTEN_PORT UPSTREAM_PORT
import http from 'node:http';

const [port, upstream] = process.argv.slice(2).map(Number);
if (!port || !upstream) { console.error('usage: node strip-accel-proxy.mjs LISTEN_PORT UPSTREAM_PORT'); process.exit(2); }

http.createServer((req, res) => {
  const up = http.request({ host: '127.0.0.1', port: upstream, method: req.method, path: req.url, headers: req.headers }, (ur) => {
    const headers = { ...ur.headers };
    delete headers['x-accel-buffering'];
    delete headers['transfer-encoding'];
    res.writeHead(ur.statusCode, headers);
    res.flushHeaders();
    ur.on('data', (chunk) => res.write(chunk)); // written through at once, no buffering here
    ur.on('end', () => res.end());
    ur.on('error', () => res.destroy());
  });
  up.on('error', (e) => { if (!res.headersSent) { res.writeHead(502); res.end(e.message); } else res.destroy(); });
  res.on('close', () => { if (!res.writableFinished) up.destroy(); }); // the client went away
  req.pipe(up);
}).listen(port, '127.0.0.1', () => console.log(`strip-accel-proxy: 127.0.0.1:${port} -> 127.0.0.1:${upstream}`));
