// GET /metrics: Prometheus's text exposition format. Jobs, queues and workers are read from the
// store and Redis when Prometheus scrapes (collect.ts), so any api process reports the whole
// deployment, workers in other processes included; request counts and latencies are this
// process's own. With FSDFM_AUTH=on it takes the bearer token of a superuser or of a project
// admin (Prometheus: `authorization: {credentials_file: ...}` in its scrape config).
import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client'
import { Type } from 'typebox'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { adminSomewhere } from '../../auth/principal.ts'
import { ServiceError } from '../../errors.ts'
import { errors, media } from '../openapi.ts'
import { ScrapeCollector } from './collect.ts'
import { HTTP_SECONDS_BUCKETS, METRICS } from './metrics.ts'

export const METRICS_PATH = '/metrics'

/** The error code of a JSON error answer, if it is one. */
function errorCode(payload: unknown): string {
  if (typeof payload !== 'string') return 'unknown'
  try {
    const code = (JSON.parse(payload) as { error?: { code?: unknown } })?.error?.code
    return typeof code === 'string' ? code : 'unknown'
  } catch {
    return 'unknown'
  }
}

/**
 * Adds the request hooks (on the root instance, so they see every route) and the route. Call it
 * before the resource plugins are registered.
 */
export function registerPrometheus(app: FastifyInstance): void {
  // One registry per app, not prom-client's global one: tests and the OpenAPI generator build
  // several apps in one process.
  const registry = new Registry()
  collectDefaultMetrics({ register: registry })
  const labels = (m: { labels: readonly string[] }) => [...m.labels]
  const submissions = new Counter({ name: METRICS.jobSubmissions.name, help: METRICS.jobSubmissions.help, labelNames: labels(METRICS.jobSubmissions), registers: [registry] })
  const refusals = new Counter({ name: METRICS.jobRefusals.name, help: METRICS.jobRefusals.help, labelNames: labels(METRICS.jobRefusals), registers: [registry] })
  const latency = new Histogram({
    name: METRICS.httpDuration.name,
    help: METRICS.httpDuration.help,
    labelNames: labels(METRICS.httpDuration),
    buckets: [...HTTP_SECONDS_BUCKETS],
    registers: [registry],
  })
  // Made on first use: the OpenAPI generator builds the app without a store or Redis.
  let collector: ScrapeCollector | null = null

  app.addHook('onSend', async (request: FastifyRequest, reply: FastifyReply, payload: unknown) => {
    if (request.method !== 'POST' || request.routeOptions.url !== '/v1/jobs') return payload
    const status = reply.statusCode
    if (status === 201) submissions.inc({ kind: String((request.body as { kind?: unknown } | undefined)?.kind ?? 'unknown') })
    else if (status >= 400 && status < 500) refusals.inc({ code: errorCode(payload) })
    return payload
  })
  app.addHook('onResponse', async (request: FastifyRequest, reply: FastifyReply) => {
    // The route's pattern (/v1/jobs/:id), never the URL: one series per route, not per job.
    const route = request.routeOptions.url ?? 'unmatched'
    latency.observe({ route, method: request.method, status_class: `${Math.floor(reply.statusCode / 100)}xx` }, reply.elapsedTime / 1000)
  })

  app.get(
    METRICS_PATH,
    {
      config: { access: { need: 'admin', in: 'none' } },
      schema: {
        tags: ['health'],
        operationId: 'getMetrics',
        summary: 'Prometheus metrics',
        description:
          'The Prometheus text exposition format. Jobs, queues and workers are read from the store and Redis at scrape time (the same in every api process); request counts and latencies are this api process’s own. With FSDFM_AUTH=on: a superuser’s or a project admin’s token. README, "Operating it", lists every metric.',
        response: { 200: media('text/plain', 'Metrics, text format 0.0.4', Type.String()), ...errors(401, 403) },
      },
    },
    async (request, reply) => {
      if (!adminSomewhere(request.principal)) throw new ServiceError('forbidden', 'metrics need a superuser’s token or a project admin’s')
      collector ??= new ScrapeCollector(registry, app.deps.store, app.deps.queues)
      await collector.refresh()
      // The store-counted histogram is its own family, appended after the registry's.
      const text = await registry.metrics()
      return reply.type(registry.contentType).send(`${text.endsWith('\n') || text === '' ? text : `${text}\n`}${collector.runSeconds.render()}`)
    },
  )
}
