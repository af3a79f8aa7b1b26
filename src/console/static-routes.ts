// Serves the web console's static bundle (built by Vite from src/console/ui into dist/console at
// `npm run build`, shipped in the npm package) at `/` on the gateway's port. Everything the page
// needs is in the bundle: it loads nothing from the network and talks to the gateway's own HTTP
// routes only. The UI routes with the URL's hash (#/topics), so the server only ever serves
// files that exist; hashed asset names are cached for good, index.html is revalidated.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import fastifyStatic from '@fastify/static';

/** dist/console, found from this module's own place (dist/src/console/static-routes.js). */
export const CONSOLE_BUNDLE_DIR = fileURLToPath(new URL('../../console/', import.meta.url));

export async function registerConsoleStatic(app: FastifyInstance, root: string = CONSOLE_BUNDLE_DIR): Promise<void> {
  if (!existsSync(`${root}/index.html`)) {
    // A checkout where `npm run build` has not built the UI: say so instead of a bare 404.
    app.get('/', { schema: { hide: true } }, async (_request, reply) =>
      reply.code(503).type('application/json').send({ error_code: 503, message: 'The web console is not built: run `npm run build`.' }),
    );
    return;
  }
  await app.register(fastifyStatic, {
    root,
    prefix: '/',
    // Only the files in the bundle become routes: no catch-all that would shadow the gateway's
    // own 404 bodies for unknown API paths.
    wildcard: false,
    index: ['index.html'],
    // Cache-Control is set below, per file.
    cacheControl: false,
    setHeaders: (res, path) => {
      res.setHeader('cache-control', path.includes('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache');
      res.setHeader('x-content-type-options', 'nosniff');
      if (path.endsWith('.html')) {
        // The page runs only its own scripts and talks only to this origin.
        res.setHeader('content-security-policy', "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'");
      }
    },
  });
}
