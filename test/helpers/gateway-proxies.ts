// What the real-proxy tests share: Debian's nginx, Caddy and Apache started on free loopback
// ports with configs generated into a temporary folder, stopped by their own PIDs; and a small
// node:http upstream that records every request that reached it.

import { type ChildProcess, spawn } from 'node:child_process';
import { accessSync, constants, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import { connect, createServer as createTcpServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

const SEARCH_PATH = [...(process.env.PATH ?? '').split(delimiter), '/usr/sbin', '/sbin'];

/** The binary's full path (or an absolute path as given), or undefined when it is missing. */
export function findBinary(name: string): string | undefined {
  if (name.startsWith('/')) {
    try {
      accessSync(name, constants.R_OK);
      return name;
    } catch {
      return undefined;
    }
  }
  for (const dir of SEARCH_PATH) {
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // Not in this directory.
    }
  }
  return undefined;
}

/**
 * Why a proxy test cannot run here, or undefined when it can. As with the browser tests, on
 * CI a missing proxy is a failure (.ci/run installs them), never a reason to skip.
 */
export function proxySkipReason(binary: string, debianPackage: string): string | undefined {
  if (findBinary(binary)) return undefined;
  const reason = `${binary} is missing: install Debian's ${debianPackage} (apt-get install ${debianPackage}) to run this test`;
  if (process.env.CI === 'true') throw new Error(`${reason}; with CI=true that fails the run.`);
  return reason;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createTcpServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

export function tempFolder(prefix: string): { path: string; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), `unlatch-${prefix}-`));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

export interface SeenRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
}

export interface EchoUpstream {
  port: number;
  seen: SeenRequest[];
  close(): Promise<void>;
}

/** The service behind the proxy: answers 200 with what it received, and remembers it. */
export function startEchoUpstream(): Promise<EchoUpstream> {
  const seen: SeenRequest[] = [];
  const server = createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      const entry = {
        method: request.method ?? '',
        url: request.url ?? '',
        headers: request.headers,
      };
      seen.push(entry);
      const body = JSON.stringify({ upstream: true, ...entry });
      response.writeHead(200, {
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(body),
      });
      response.end(body);
    });
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      resolve({
        port: typeof address === 'object' && address !== null ? address.port : 0,
        seen,
        close: () =>
          new Promise<void>((done) => {
            server.closeAllConnections();
            server.close(() => done());
          }),
      });
    });
  });
}

async function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ port, host: '127.0.0.1' });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

export interface ProxyProcess {
  pid: number;
  /** What the process wrote, for failure messages. */
  output(): string;
  stop(): Promise<void>;
}

/**
 * Starts a proxy in the foreground and waits until it accepts connections on port. Stopped by
 * its own PID (SIGTERM, then SIGKILL after a bound), never by name: other people run servers
 * on this machine.
 */
export async function startProxy(
  binary: string,
  args: string[],
  port: number,
  env: Record<string, string> = {},
): Promise<ProxyProcess> {
  const child: ChildProcess = spawn(binary, args, {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  let exited = false;
  const exit = new Promise<void>((resolve) =>
    child.once('exit', () => {
      exited = true;
      resolve();
    }),
  );
  const deadline = Date.now() + 15_000;
  while (!(await portOpen(port))) {
    if (exited || Date.now() > deadline) {
      if (!exited) child.kill('SIGKILL');
      throw new Error(`${binary} did not start on port ${port}:\n${output}`);
    }
    await sleep(50);
  }
  const pid = child.pid as number;
  return {
    pid,
    output: () => output,
    async stop() {
      if (exited) return;
      process.kill(pid, 'SIGTERM');
      const killed = await Promise.race([exit.then(() => true), sleep(5000).then(() => false)]);
      if (!killed && !exited) {
        process.kill(pid, 'SIGKILL');
        await exit;
      }
    },
  };
}

export interface ProxyAnswer {
  status: number;
  headers: Headers;
  body: string;
}

export async function send(
  url: string,
  init: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<ProxyAnswer> {
  const response = await fetch(url, { ...init, redirect: 'manual' });
  return { status: response.status, headers: response.headers, body: await response.text() };
}
