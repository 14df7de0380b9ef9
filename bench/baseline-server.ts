// The baseline: the least a Node.js HTTP server can do per request. It reads the whole
// request body (as the real server must) and answers a small JSON document. Run as a child
// process by the benchmark, with PORT and HOST in its environment.

import { createServer } from 'node:http';

const body = JSON.stringify({ hello: 'world' });
const port = Number(process.env.PORT ?? 4243);
const host = process.env.HOST ?? '127.0.0.1';

const server = createServer((request, response) => {
  request.resume();
  request.on('end', () => {
    response.writeHead(200, {
      'content-type': 'application/json; charset=utf-8',
      'content-length': Buffer.byteLength(body),
    });
    response.end(body);
  });
});

server.listen(port, host);
process.on('SIGTERM', () => server.close(() => process.exit(0)));
