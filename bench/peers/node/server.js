// Node.js core http broadcaster for the jdk-sse benchmark.
// GET /events streams, POST /publish writes the body to every subscriber's response.
// Args: PORT [HEARTBEAT_SECONDS]: with a heartbeat, one interval timer writes a comment to every stream.
'use strict';
const http = require('http');

const port = Number(process.argv[2] || 8080);
const clients = new Set();

const server = http.createServer((req, res) => {
  const path = req.url.split('?')[0];
  if (req.method === 'GET' && path === '/events') {
    res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache', Connection: 'keep-alive' });
    res.flushHeaders();
    clients.add(res);
    req.on('close', () => clients.delete(res));
  } else if (req.method === 'POST' && path === '/publish') {
    const parts = [];
    req.on('data', (c) => parts.push(c));
    req.on('end', () => {
      const message = 'data: ' + Buffer.concat(parts).toString() + '\n\n';
      for (const client of clients) client.write(message);
      res.end('ok');
    });
  } else {
    res.writeHead(404).end();
  }
});
const heartbeat = Number(process.argv[3] || 0);
if (heartbeat > 0) setInterval(() => { for (const client of clients) client.write(':\n\n'); }, heartbeat * 1000);
server.requestTimeout = 0; // streams are long-lived requests
server.listen(port, '127.0.0.1', () => console.log('node peer listening on ' + port));
