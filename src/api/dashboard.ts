// The dashboard (web/, built into web/dist by `npm run build:web`) served at `/`. Its pages call
// the same /v1 routes with the same tokens as any client, so it needs no access rule of its own:
// the static files hold no data. When the build is missing the api still starts and `/` says
// how to make it.
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import fastifyStatic from '@fastify/static'
import type { FastifyInstance } from 'fastify'

export const DASHBOARD_DIR = fileURLToPath(new URL('../../web/dist/', import.meta.url))

export const NOT_BUILT = 'The fsdfm dashboard is not built. Run `npm run build:web` in the repository (npm ci and scripts/setup.sh do it), then reload this page; the API works without it (Swagger UI at /docs).\n'

export async function registerDashboard(app: FastifyInstance, dir = DASHBOARD_DIR): Promise<void> {
  if (!existsSync(join(dir, 'index.html'))) {
    app.get('/', { schema: { hide: true } }, async (_request, reply) => reply.code(503).type('text/plain; charset=utf-8').send(NOT_BUILT))
    return
  }
  // Only the files present now (no wildcard route): an unknown path stays the api's 404.
  await app.register(fastifyStatic, { root: dir, prefix: '/', wildcard: false, index: 'index.html', schemaHide: true })
}
