// Wires the parts together for one process: store, Redis, queues, and the api and/or a worker.
// Used by the CLI and by the tests (which pass their own config: schema, queue prefix, port 0).
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import type { FastifyInstance } from 'fastify'
import type { Redis } from 'ioredis'
import { buildApp } from '../api/app.ts'
import { resolvePythonBin, type Config } from '../config.ts'
import { createRedis, Queues } from '../queue/index.ts'
import { startLocalRedis, type LocalRedis } from '../queue/local-redis.ts'
import { openStore, type Store } from '../store/index.ts'
import { SweepController } from '../sweeps/controller.ts'
import { limitsOf } from '../sweeps/service.ts'
import { FsdfmWorker } from '../worker/worker.ts'

export type Role = 'up' | 'api' | 'worker'

export interface Services {
  config: Config
  store: Store
  queues: Queues
  app: FastifyInstance | null
  worker: FsdfmWorker | null
  baseUrl: string | null
  close(): Promise<void>
}

export class EmbeddedStoreError extends Error {
  constructor() {
    super('a worker in its own process needs DATABASE_URL (a PostgreSQL shared with the api): the embedded PGlite store lives inside one process. Use `fsdfm up` for a single-process service.')
    this.name = 'EmbeddedStoreError'
  }
}

export async function startServices(config: Config, role: Role, opts: { logger?: boolean; log?: (m: string) => void } = {}): Promise<Services> {
  if (role === 'worker' && !config.DATABASE_URL) throw new EmbeddedStoreError()
  mkdirSync(config.dataDir, { recursive: true })
  mkdirSync(config.artifactDir, { recursive: true })
  const log = opts.log ?? ((m: string) => console.log(m))
  const cleanups: (() => Promise<unknown>)[] = []
  const close = async () => {
    for (const fn of cleanups.reverse()) {
      const t0 = Date.now()
      await fn().catch(() => {})
      if (process.env.FSDFM_DEBUG_CLOSE) console.error(`close step took ${Date.now() - t0} ms: ${fn.toString().slice(0, 60)}`)
    }
  }
  try {
    let redisUrl = config.REDIS_URL
    let local: LocalRedis | null = null
    if (!redisUrl) {
      local = await startLocalRedis(config.dataDir)
      redisUrl = local.url
      const l = local
      cleanups.push(() => l.stop())
      log(`redis: private server at ${redisUrl}`)
    }
    const store = await openStore(
      config.DATABASE_URL
        ? { url: config.DATABASE_URL, schema: config.FSDFM_DB_SCHEMA || undefined }
        : { dataDir: join(config.dataDir, 'pglite') },
    )
    cleanups.push(() => store.close())
    log(`store: ${store.db.kind}${config.DATABASE_URL ? '' : ` under ${join(config.dataDir, 'pglite')}`}`)
    const connections: Redis[] = []
    const connect = () => {
      const c = createRedis(redisUrl)
      connections.push(c)
      return c
    }
    cleanups.push(async () => connections.forEach((c) => c.disconnect()))
    const queues = new Queues(connect(), config.FSDFM_QUEUE_PREFIX)
    cleanups.push(() => queues.close())

    let worker: FsdfmWorker | null = null
    if (role !== 'api') {
      const pythonBin = resolvePythonBin(config.PYTHON_BIN)
      worker = new FsdfmWorker({ config: { ...config, PYTHON_BIN: pythonBin }, store, connection: connect(), log: opts.log })
      cleanups.push(() => worker!.close())
      await worker.start()
    }
    let app: FastifyInstance | null = null
    let baseUrl: string | null = null
    if (role !== 'worker') {
      const w = worker
      app = await buildApp({
        config,
        store,
        queues,
        logger: opts.logger ?? false,
        workerInfo: () => (w ? [{ name: config.workerName, gpus: config.gpuList, python: w.pythonInfo, pythonRestarts: w.bridge.restartCount }] : []),
      })
      cleanups.push(() => app!.close())
      // Sweeps advance in the api processes (each sweep in one at a time); state lives in the store.
      const sweeps = new SweepController({ store, queues, jobService: app.jobService, limits: limitsOf(config), log: opts.log }, { intervalMs: Math.min(config.FSDFM_POLL_MS, 1000) })
      sweeps.start()
      cleanups.push(() => sweeps.stop())
      await app.listen({ host: config.FSDFM_HOST, port: config.FSDFM_PORT })
      const address = app.server.address()
      const port = typeof address === 'object' && address ? address.port : config.FSDFM_PORT
      baseUrl = `http://${config.FSDFM_HOST.includes(':') ? `[${config.FSDFM_HOST}]` : config.FSDFM_HOST}:${port}`
      log(`api: ${baseUrl}  (Swagger UI at ${baseUrl}/docs)`)
    }
    return { config, store, queues, app, worker, baseUrl, close }
  } catch (err) {
    await close()
    throw err
  }
}
