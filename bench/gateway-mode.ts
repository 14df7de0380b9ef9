// The `gateway` scenario's setting: two nginx processes in front of one bare node:http
// upstream (the baseline server), one asking Unlatch with auth_request before it proxies, the
// other not. Same binary, same config but for the auth, same upstream: the ratio is what the
// auth check costs a real gateway. nginx runs as one foreground process (master_process off)
// so that its CPU and memory are one PID's, and it is stopped by that PID.

import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findBinary } from '../test/helpers/gateway-proxies.js';
import { nginxConfig } from '../test/helpers/gateway-configs.js';
import { type Child, forward, freePort, readRssKiB, startBaseline, waitIdle } from './children.js';
import { onInterrupt } from './cleanup.js';
import { setTimeout as sleep } from 'node:timers/promises';

export interface GatewaySetting {
  withAuth: Child;
  withoutAuth: Child;
  stop(): Promise<void>;
}

async function startNginx(name: string, config: (port: number) => string): Promise<Child> {
  const binary = findBinary('nginx');
  if (binary === undefined)
    throw new Error("the gateway scenario needs nginx: install Debian's nginx package");
  const folder = mkdtempSync(join(tmpdir(), `unlatch-bench-${name}-`));
  const port = await freePort();
  const file = join(folder, 'nginx.conf');
  writeFileSync(file, config(port).replaceAll('__FOLDER__', folder));
  const child = spawn(binary, ['-p', folder, '-e', join(folder, 'error.log'), '-c', file], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  forward(child, name);
  const pid = child.pid;
  if (pid === undefined) throw new Error(`${name} did not start`);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      if ((await Promise.race([exited.then(() => 1), sleep(5000).then(() => 0)])) === 0) {
        child.kill('SIGKILL');
        await exited;
      }
    }
    rmSync(folder, { recursive: true, force: true });
  };
  onInterrupt(stop);
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    try {
      await (await fetch(`${url}/ready`)).arrayBuffer();
      break;
    } catch {
      if (i > 100 || child.exitCode !== null) {
        await stop();
        throw new Error(`${name} did not start`);
      }
      await sleep(100);
    }
  }
  return { name, pid, url, rssKiB: () => readRssKiB(pid), settle: () => waitIdle(pid), stop };
}

export async function startGatewaySetting(serverUrl: string): Promise<GatewaySetting> {
  const app = Number(new URL(serverUrl).port);
  const upstream = await startBaseline();
  const upstreamPort = Number(new URL(upstream.url).port);
  const children: Child[] = [upstream];
  try {
    for (const auth of [true, false]) {
      children.push(
        await startNginx(auth ? 'nginx-auth' : 'nginx-plain', (port) =>
          nginxConfig({ folder: '__FOLDER__', port, app, upstream: upstreamPort, auth }),
        ),
      );
    }
  } catch (error) {
    for (const child of children) await child.stop();
    throw error;
  }
  return {
    withAuth: children[1] as Child,
    withoutAuth: children[2] as Child,
    async stop() {
      for (const child of children.reverse()) await child.stop();
    },
  };
}
