import { existsSync } from 'node:fs';
import { dirname, join, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import { PAGE_HEADERS } from './security-headers.js';

/**
 * The nearest folder above this module that holds a package.json. This module runs from
 * src/http (tsx, tests) and from dist/src/http (built), so a fixed relative path would point
 * into dist/ in one case and into the repository in the other.
 */
function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error('web-ui: no package.json above this module');
    dir = parent;
  }
  return dir;
}

/** Where `npm run build` puts the web page. */
export const WEB_DIR = join(packageRoot(), 'dist', 'web');

const NOT_BUILT =
  'Unlatch is running, but its web page is not built. Run `npm run build` and restart.\n';

/**
 * Serves the built web page at `/`, same origin as the API, so the session cookie just works.
 * The page uses hash routes (`/#/tokens`), so the server needs no fallback to index.html.
 * Without a build (API tests run straight from source) the server still starts and `/` says
 * how to get the page.
 */
export async function registerWebUi(app: FastifyInstance, webDir = WEB_DIR): Promise<void> {
  if (!existsSync(join(webDir, 'index.html'))) {
    app.get('/', { schema: { hide: true } }, async (_request, reply) =>
      reply.type('text/plain; charset=utf-8').header('cache-control', 'no-store').send(NOT_BUILT),
    );
    return;
  }
  await app.register(fastifyStatic, {
    root: webDir,
    prefix: '/',
    // One route per file, found at start: no catch-all route that could shadow the API or
    // change what its not-found handler answers.
    wildcard: false,
    // @fastify/swagger-ui registers its own copy; one reply decorator is all Fastify allows.
    decorateReply: false,
    cacheControl: false,
    setHeaders(reply, path) {
      // Vite puts a content hash in every asset name, so those never change; index.html
      // must be revalidated so that a new build is picked up at once.
      const hashed = path.includes(`${sep}assets${sep}`);
      reply.header('cache-control', hashed ? 'public, max-age=31536000, immutable' : 'no-cache');
      for (const [name, value] of Object.entries(PAGE_HEADERS)) reply.header(name, value);
    },
  });
}
