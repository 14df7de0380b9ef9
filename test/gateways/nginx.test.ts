// nginx's auth_request in front of the echo upstream, with the config of docs/gateways.md.

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { nginxConfig } from '../helpers/gateway-configs.js';
import {
  findBinary,
  freePort,
  proxySkipReason,
  startProxy,
  tempFolder,
} from '../helpers/gateway-proxies.js';
import { describeGateway } from './gateway-suite.js';

describeGateway({
  name: 'nginx auth_request (tested here)',
  skip: proxySkipReason('nginx', 'nginx'),
  tooManyStatus: 500,
  passesChallenge: true,
  async start(app, upstream) {
    const folder = tempFolder('nginx');
    const port = await freePort();
    const config = join(folder.path, 'nginx.conf');
    writeFileSync(config, nginxConfig({ folder: folder.path, port, app, upstream }));
    const nginx = await startProxy(
      findBinary('nginx') as string,
      ['-p', folder.path, '-e', join(folder.path, 'error.log'), '-c', config],
      port,
    );
    return {
      baseUrl: `http://127.0.0.1:${port}`,
      output: nginx.output,
      async stop() {
        await nginx.stop();
        folder.remove();
      },
    };
  },
});
