// Builds the Fastify app: external plugins (OpenAPI, Swagger UI), the error handler, then one
// plugin per resource. Only the CLI entry point listens; tests build the app and inject.
import Fastify, { type FastifyBaseLogger, type FastifyError, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify'
import swagger from '@fastify/swagger'
import swaggerUi from '@fastify/swagger-ui'
import cors from '@fastify/cors'
import rateLimit from '@fastify/rate-limit'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { Config } from '../config.ts'
import { API_ERRORS, InvalidSpecError, ServiceError, type ApiErrorCode, type FieldProblem } from '../errors.ts'
import { JobService } from '../jobs/service.ts'
import { validationLimits, type ValidationLimits } from '../jobs/validate.ts'
import type { Queues } from '../queue/index.ts'
import { isStoreUnavailable } from '../store/db.ts'
import type { Store } from '../store/index.ts'
import { ErrorBody, errorBody } from './errors.ts'
import { uploadsDir } from '../jobs/uploads.ts'
import { EventHub } from './events/hub.ts'
import eventsRoutes from './events/index.ts'
import healthRoutes from './health/index.ts'
import jobsRoutes from './jobs/index.ts'
import pipelinesRoutes from './pipelines/index.ts'
import solversRoutes from './solvers/index.ts'
import sweepsRoutes from './sweeps/index.ts'
import uploadsRoutes from './uploads/index.ts'
import teamRoutes from './team/index.ts'
import transfersRoutes from './transfers/index.ts'
import webhooksRoutes from './webhooks/index.ts'
import { registerAuth } from './auth.ts'
import { registerAccess, type AccessRule } from './access.ts'
import workersRoutes from './workers/index.ts'
import queuesRoutes from './queues/index.ts'
import { registerPrometheus } from './prometheus/index.ts'
import { registerDashboard } from './dashboard.ts'
import { accessErrors, buildLocalReference, finishDocument } from './openapi.ts'
import { checkJsonValue, stringProblem } from './input.ts'
import { API_VERSION } from './version.ts'
import { serverPathRedactor } from '../util/redact.ts'

export interface AppDeps {
  config: Config
  store: Store
  queues: Queues
  /** Shown by /health: the workers running in this process, if any. */
  workerInfo?: () => unknown
  /** Asks the dispatcher to move new outbox rows to the queues now. */
  kick?: () => void
  /** Request lines (with Fastify's reqId) and request failures go here; none: requests are not logged. */
  logger?: FastifyBaseLogger
  /** Where the built dashboard is (default web/dist); tests point it elsewhere. */
  dashboardDir?: string
}

declare module 'fastify' {
  interface FastifyInstance {
    deps: AppDeps
    jobService: JobService
    eventHub: EventHub
    limits: ValidationLimits
    /** Every /v1 route with its access rule (the access matrix test drives them all). */
    routeTable: RouteEntry[]
  }
}

export interface RouteEntry {
  method: string
  url: string
  access: AccessRule | undefined
}

export { API_VERSION }

/** Fastify's own errors for a request it cannot take, as our codes. */
const FASTIFY_CODES: Record<string, ApiErrorCode> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'payload_too_large',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'unsupported_media_type',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'invalid_request',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'invalid_json',
  FST_ERR_CTP_INVALID_JSON_BODY: 'invalid_json',
  FST_ERR_CTP_INVALID_TYPE: 'invalid_request',
}

export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const app = Fastify({
    ...(deps.logger ? { loggerInstance: deps.logger } : { logger: false }),
    ajv: { customOptions: { allErrors: true, discriminator: true, coerceTypes: 'array', useDefaults: true, removeAdditional: false } },
    // JSON bodies are small; uploads (POST /v1/uploads) stream to disk under their own limit.
    bodyLimit: deps.config.FSDFM_MAX_BODY_BYTES,
    // Open SSE streams must not hold a shutdown up.
    forceCloseConnections: true,
    // What Fastify refuses before routing (a malformed percent-escape, a path parameter longer
    // than any id) answers in the one error shape too, as the OpenAPI document says.
    frameworkErrors: (err: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
      if (err.code === 'FST_ERR_BAD_URL' || err.code === 'FST_ERR_MAX_PARAM_LENGTH')
        return reply.code(400).send(errorBody('invalid_request', `the URL cannot be read: ${err.message}`, [{ path: '/params', message: err.message }]))
      return reply.code(500).send(errorBody('internal', `internal error (request ${request.id}); the api log has the details under that id`))
    },
  }).withTypeProvider<TypeBoxTypeProvider>()

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'fsdfm',
        version: API_VERSION,
        description: 'Jobs for few-step discrete flow matching (FS-DFM) text diffusion models: datasets, pre-training, distillation, evaluation and sampling.',
      },
      tags: [
        { name: 'jobs', description: 'Submit, follow and cancel jobs' },
        { name: 'events', description: 'Server-sent event streams' },
        { name: 'solvers', description: 'The sampling surface' },
        { name: 'sweeps', description: 'Hyper-parameter sweeps: trials are jobs' },
        { name: 'uploads', description: 'Texts for dataset jobs, streamed to disk' },
        { name: 'health', description: 'Liveness, readiness and Prometheus metrics' },
        { name: 'workers', description: 'The workers registered with the store' },
        { name: 'queues', description: 'The BullMQ queues: depth, oldest wait, pause and resume' },
        { name: 'team', description: 'Identities, tokens and projects' },
        { name: 'transfers', description: 'Resumable uploads of job outputs from workers without the artifact directory' },
        { name: 'webhooks', description: 'Signed notifications of job events, per project, with delivery logs' },
      ],
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'A token from POST /v1/tokens (or the one printed at first start); FSDFM_AUTH=off needs none' } } },
      security: [{ bearer: [] }],
    },
    // Components named after their $id, and request schemas that leave defaulted fields optional.
    refResolver: { buildLocalReference },
    transformObject: finishDocument,
  })
  await app.register(swaggerUi, { routePrefix: '/docs' })

  // Shared schemas: routes refer to them by $id, the document lists them once under components.
  app.addSchema(ErrorBody)
  app.decorate('deps', deps)
  // Identities first: every /v1 hook and handler after this one knows who is asking.
  registerAuth(app, deps.store, deps.config.FSDFM_AUTH === 'on')
  registerAccess(app, deps.store)
  // Browsers on the configured origins only (dashboards); none by default.
  const origins = deps.config.FSDFM_CORS_ORIGINS.split(',').map((o) => o.trim()).filter(Boolean)
  if (origins.length) await app.register(cors, { origin: origins, exposedHeaders: ['location', 'retry-after', 'x-sha256'] })
  // Per token (per address without one), per api process, after the token is known.
  if (deps.config.FSDFM_RATE_LIMIT > 0)
    await app.register(rateLimit, {
      max: deps.config.FSDFM_RATE_LIMIT,
      timeWindow: 60_000,
      hook: 'preHandler',
      allowList: (request) => !request.url.startsWith('/v1/'),
      keyGenerator: (request) => request.principal?.tokenId ?? request.ip,
      errorResponseBuilder: (_request, context) =>
        Object.assign(new ServiceError('rate_limited', `more than ${context.max} requests a minute; retry in ${Math.ceil(context.ttl / 1000)} s`, undefined, Math.ceil(context.ttl / 1000)), {
          statusCode: 429,
        }),
    })
  const limits = validationLimits(deps.config, deps.store)
  app.decorate('limits', limits)
  app.decorate('jobService', new JobService({
    store: deps.store,
    limits,
    uploads: { dir: uploadsDir(deps.config.artifactDir), maxBytes: deps.config.FSDFM_MAX_UPLOAD_BYTES },
    kick: deps.kick,
  }))

  // JSON as Fastify parses it, then checked for what the store cannot hold or no spec needs.
  const parseJson = app.getDefaultJsonParser('error', 'error')
  app.removeContentTypeParser('application/json')
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    parseJson(request, body as string, (err: Error | null, value?: unknown) => {
      if (err) return done(err, undefined)
      const problems = checkJsonValue(value)
      done(problems.length ? new InvalidSpecError(problems) : null, value)
    })
  })
  // Query strings and path parameters: the same string checks (a NUL would reach PostgreSQL).
  app.addHook('preValidation', async (request) => {
    const problems: FieldProblem[] = []
    for (const [where, values] of [['querystring', request.query], ['params', request.params]] as const) {
      for (const [key, v] of Object.entries((values ?? {}) as Record<string, unknown>))
        for (const item of Array.isArray(v) ? v : [v]) {
          const p = typeof item === 'string' ? stringProblem(item) : null
          if (p) problems.push({ path: `/${where}/${key}`, message: p })
        }
    }
    if (problems.length) throw new InvalidSpecError(problems)
  })
  const hub = new EventHub(deps.store)
  app.decorate('eventHub', hub)
  app.addHook('onClose', async () => hub.close())

  // No answer names a server path: results and reports refer to outputs by job and artifact
  // name; this net catches what an error message or traceback might still carry.
  const redact = serverPathRedactor(deps.config)
  app.addHook('onSend', async (_request, reply, payload) => {
    if (typeof payload !== 'string' || !/json|text/.test(String(reply.getHeader('content-type') ?? ''))) return payload
    return redact(payload)
  })

  app.setErrorHandler((err: FastifyError & { details?: FieldProblem[] }, request, reply) => {
    if (err.validation) {
      const ctx = err.validationContext ?? 'body'
      const details = err.validation.map((v) => {
        const params = v.params as Record<string, unknown>
        const extra = params.missingProperty ?? params.additionalProperty ?? (v.keyword === 'discriminator' ? params.tag : undefined)
        const base = ctx === 'body' ? v.instancePath || '' : `/${ctx}${v.instancePath}`
        const path = (extra ? `${base}/${String(extra)}` : base) || '/'
        const message = params.additionalProperty
          ? 'is not a known field'
          : v.keyword === 'discriminator'
            ? `must be one of the known values`
            : v.keyword === 'enum' && Array.isArray(params.allowedValues)
              ? `must be one of ${params.allowedValues.map((x) => JSON.stringify(x)).join(', ')}`
              : (v.message ?? 'is invalid')
        return { path, message }
      })
      return reply.code(400).send(errorBody('invalid_request', `invalid ${ctx}: ${details.map((d) => `${d.path} ${d.message}`).join('; ')}`, details))
    }
    if (err instanceof ServiceError) {
      if (err.retryAfter) reply.header('retry-after', String(err.retryAfter))
      if (err.code === 'unauthorized') reply.header('www-authenticate', 'Bearer')
      return reply.code(err.statusCode).send(errorBody(err.code, err.message, err.details))
    }
    if (isStoreUnavailable(err)) return reply.code(503).header('retry-after', '5').send(errorBody('store_unavailable', 'the job store (PostgreSQL) is unavailable; retry shortly'))
    const status = err.statusCode ?? 500
    if (status >= 500 || status < 400) {
      if (deps.logger) request.log.error({ err }, 'request failed')
      else console.error(`fsdfm api: request ${request.id} ${request.method} ${request.url} failed:`, err)
      return reply.code(500).send(errorBody('internal', `internal error (request ${request.id}); the api log has the details under that id`))
    }
    const code: ApiErrorCode = FASTIFY_CODES[err.code] ?? (status === 404 ? 'not_found' : status === 413 ? 'payload_too_large' : status === 415 ? 'unsupported_media_type' : 'invalid_request')
    return reply.code(API_ERRORS[code].status).send(errorBody(code, err.message))
  })
  app.setNotFoundHandler((request, reply) => reply.code(404).send(errorBody('not_found', `no route ${request.method} ${request.url}`)))

  // Every /v1 route documents the answers its caller's identity can get (401, 403, 404, 429, …).
  const routeTable: RouteEntry[] = []
  app.decorate('routeTable', routeTable)
  app.addHook('onRoute', (route) => {
    if (!route.url.startsWith('/v1/')) return
    const methods = Array.isArray(route.method) ? route.method : [route.method]
    for (const method of methods) if (method !== 'HEAD') routeTable.push({ method, url: route.url, access: route.config?.access })
    if (!route.schema?.response) return
    // A route that validates anything of the request can answer 400 naming it.
    const validates = ['params', 'querystring', 'body', 'headers'].some((part) => part in route.schema!)
    route.schema.response = { ...accessErrors(methods[0], route.url, route.config?.access, validates), ...(route.schema.response as object) }
  })
  // Request counts and latencies see every route: its hooks go on the root before the routes.
  registerPrometheus(app)
  await app.register(healthRoutes)
  await app.register(jobsRoutes, { prefix: '/v1' })
  await app.register(pipelinesRoutes, { prefix: '/v1' })
  await app.register(eventsRoutes, { prefix: '/v1' })
  await app.register(solversRoutes, { prefix: '/v1' })
  await app.register(sweepsRoutes, { prefix: '/v1' })
  await app.register(uploadsRoutes, { prefix: '/v1' })
  await app.register(workersRoutes, { prefix: '/v1' })
  await app.register(queuesRoutes, { prefix: '/v1' })
  await app.register(teamRoutes, { prefix: '/v1' })
  await app.register(transfersRoutes, { prefix: '/v1' })
  await app.register(webhooksRoutes, { prefix: '/v1' })
  await registerDashboard(app, deps.dashboardDir)
  return app
}
