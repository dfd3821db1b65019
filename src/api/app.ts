// Builds the Fastify app: external plugins (OpenAPI, Swagger UI), the error handler, then one
// plugin per resource. Only the CLI entry point listens; tests build the app and inject.
import Fastify, { type FastifyError, type FastifyInstance } from 'fastify'
import swagger from '@fastify/swagger'
import swaggerUi from '@fastify/swagger-ui'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { Config } from '../config.ts'
import { API_ERRORS, InvalidSpecError, ServiceError, type ApiErrorCode, type FieldProblem } from '../errors.ts'
import { JobService } from '../jobs/service.ts'
import { validationLimits, type ValidationLimits } from '../jobs/validate.ts'
import type { Queues } from '../queue/index.ts'
import { isStoreUnavailable } from '../store/db.ts'
import type { Store } from '../store/index.ts'
import { errorBody } from './errors.ts'
import { uploadsDir } from '../jobs/uploads.ts'
import { EventHub } from './events/hub.ts'
import eventsRoutes from './events/index.ts'
import healthRoutes from './health/index.ts'
import jobsRoutes from './jobs/index.ts'
import pipelinesRoutes from './pipelines/index.ts'
import solversRoutes from './solvers/index.ts'
import sweepsRoutes from './sweeps/index.ts'
import uploadsRoutes from './uploads/index.ts'
import { checkJsonValue, stringProblem } from './input.ts'
import { API_VERSION } from './version.ts'

export interface AppDeps {
  config: Config
  store: Store
  queues: Queues
  /** Shown by /health: the workers running in this process, if any. */
  workerInfo?: () => unknown
  /** Asks the dispatcher to move new outbox rows to the queues now. */
  kick?: () => void
  logger?: boolean
}

declare module 'fastify' {
  interface FastifyInstance {
    deps: AppDeps
    jobService: JobService
    eventHub: EventHub
    limits: ValidationLimits
  }
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
    logger: deps.logger ? { level: deps.config.FSDFM_LOG_LEVEL } : false,
    ajv: { customOptions: { allErrors: true, discriminator: true, coerceTypes: 'array', useDefaults: true, removeAdditional: false } },
    // JSON bodies are small; uploads (POST /v1/uploads) stream to disk under their own limit.
    bodyLimit: deps.config.FSDFM_MAX_BODY_BYTES,
    // Open SSE streams must not hold a shutdown up.
    forceCloseConnections: true,
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
        { name: 'health', description: 'Liveness and readiness' },
      ],
    },
  })
  await app.register(swaggerUi, { routePrefix: '/docs' })

  app.decorate('deps', deps)
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
            : (v.message ?? 'is invalid')
        return { path, message }
      })
      return reply.code(400).send(errorBody('invalid_request', `invalid ${ctx}: ${details.map((d) => `${d.path} ${d.message}`).join('; ')}`, details))
    }
    if (err instanceof ServiceError) {
      if (err.retryAfter) reply.header('retry-after', String(err.retryAfter))
      return reply.code(err.statusCode).send(errorBody(err.code, err.message, err.details))
    }
    if (isStoreUnavailable(err)) return reply.code(503).header('retry-after', '5').send(errorBody('store_unavailable', 'the job store (PostgreSQL) is unavailable; retry shortly'))
    const status = err.statusCode ?? 500
    if (status >= 500 || status < 400) {
      if (deps.logger) request.log.error({ err, reqId: request.id }, 'request failed')
      else console.error(`fsdfm api: request ${request.id} ${request.method} ${request.url} failed:`, err)
      return reply.code(500).send(errorBody('internal', `internal error (request ${request.id}); the api log has the details under that id`))
    }
    const code: ApiErrorCode = FASTIFY_CODES[err.code] ?? (status === 404 ? 'not_found' : status === 413 ? 'payload_too_large' : status === 415 ? 'unsupported_media_type' : 'invalid_request')
    return reply.code(API_ERRORS[code].status).send(errorBody(code, err.message))
  })
  app.setNotFoundHandler((request, reply) => reply.code(404).send(errorBody('not_found', `no route ${request.method} ${request.url}`)))

  await app.register(healthRoutes)
  await app.register(jobsRoutes, { prefix: '/v1' })
  await app.register(pipelinesRoutes, { prefix: '/v1' })
  await app.register(eventsRoutes, { prefix: '/v1' })
  await app.register(solversRoutes, { prefix: '/v1' })
  await app.register(sweepsRoutes, { prefix: '/v1' })
  await app.register(uploadsRoutes, { prefix: '/v1' })
  return app
}
