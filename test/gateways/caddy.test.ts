// Caddy's forward_auth in front of the echo upstream, with the config of docs/gateways.md.

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { caddyConfig } from '../helpers/gateway-configs.js';
import {
  findBinary,
  freePort,
  proxySkipReason,
  startProxy,
  tempFolder,
} from '../helpers/gateway-proxies.js';
import { describeGateway } from './gateway-suite.js';

describeGateway({
  name: 'Caddy forward_auth (tested here)',
  skip: proxySkipReason('caddy', 'caddy'),
  tooManyStatus: 429,
  passesChallenge: true,
  async start(app, upstream) {
    const folder = tempFolder('caddy');
    const port = await freePort();
    const config = join(folder.path, 'Caddyfile');
    writeFileSync(config, caddyConfig({ folder: folder.path, port, app, upstream }));
    const caddy = await startProxy(
      findBinary('caddy') as string,
      ['run', '--config', config, '--adapter', 'caddyfile'],
      port,
      // Caddy keeps its state under these; never the user's own.
      { HOME: folder.path, XDG_DATA_HOME: folder.path, XDG_CONFIG_HOME: folder.path },
    );
    return {
      baseUrl: `http://127.0.0.1:${port}`,
      output: caddy.output,
      async stop() {
        await caddy.stop();
        folder.remove();
      },
    };
  },
});
