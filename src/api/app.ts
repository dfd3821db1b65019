// Builds the Fastify app: external plugins (OpenAPI, Swagger UI), the error handler, then one
// plugin per resource. Only the CLI entry point listens; tests build the app and inject.
import Fastify, { type FastifyError, type FastifyInstance } from 'fastify'
import swagger from '@fastify/swagger'
import swaggerUi from '@fastify/swagger-ui'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { Config } from '../config.ts'
import { JobService } from '../jobs/service.ts'
import type { Queues } from '../queue/index.ts'
import type { Store } from '../store/index.ts'
import { errorBody, InvalidSpecError, type FieldProblem } from './errors.ts'
import { EventHub } from './events/hub.ts'
import eventsRoutes from './events/index.ts'
import healthRoutes from './health/index.ts'
import jobsRoutes from './jobs/index.ts'
import pipelinesRoutes from './pipelines/index.ts'
import solversRoutes from './solvers/index.ts'
import sweepsRoutes from './sweeps/index.ts'

export interface AppDeps {
  config: Config
  store: Store
  queues: Queues
  /** Shown by /health: the workers running in this process, if any. */
  workerInfo?: () => unknown
  logger?: boolean
}

declare module 'fastify' {
  interface FastifyInstance {
    deps: AppDeps
    jobService: JobService
    eventHub: EventHub
  }
}

export const API_VERSION = '0.1.0'

export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const app = Fastify({
    logger: deps.logger ? { level: deps.config.FSDFM_LOG_LEVEL } : false,
    ajv: { customOptions: { allErrors: true, discriminator: true, coerceTypes: 'array', useDefaults: true, removeAdditional: false } },
    bodyLimit: 64 * 1024 * 1024,
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
        { name: 'health', description: 'Liveness' },
      ],
    },
  })
  await app.register(swaggerUi, { routePrefix: '/docs' })

  app.decorate('deps', deps)
  app.decorate('jobService', new JobService({
    store: deps.store,
    queues: deps.queues,
    limits: { inputRoot: deps.config.inputRoot, gpuMemoryGiB: deps.config.FSDFM_GPU_MEMORY_GIB, cpuMaxParams: deps.config.FSDFM_CPU_MAX_PARAMS },
  }))
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
    if (err instanceof InvalidSpecError) return reply.code(400).send(errorBody(err.code, err.message, err.details))
    const status = err.statusCode ?? 500
    if (status >= 500) {
      if (deps.logger) request.log.error(err)
      else console.error(`fsdfm api: ${request.method} ${request.url} failed:`, err)
      return reply.code(status).send(errorBody('internal', 'internal error; see the api log'))
    }
    const code = typeof err.code === 'string' && !err.code.startsWith('FST_') ? err.code : status === 404 ? 'not_found' : 'bad_request'
    return reply.code(status).send(errorBody(code, err.message))
  })
  app.setNotFoundHandler((request, reply) => reply.code(404).send(errorBody('not_found', `no route ${request.method} ${request.url}`)))

  await app.register(healthRoutes)
  await app.register(jobsRoutes, { prefix: '/v1' })
  await app.register(pipelinesRoutes, { prefix: '/v1' })
  await app.register(eventsRoutes, { prefix: '/v1' })
  await app.register(solversRoutes, { prefix: '/v1' })
  await app.register(sweepsRoutes, { prefix: '/v1' })
  return app
}
