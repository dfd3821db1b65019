// Wires the parts together for one process: store, Redis, queues, the dispatcher, and the api
// and/or a worker. Used by the CLI and by the tests (which pass their own config: schema, queue
// prefix, port 0).
import { mkdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { FastifyInstance } from 'fastify'
import type { Redis } from 'ioredis'
import { buildApp } from '../api/app.ts'
import { resolvePythonBin, type Config } from '../config.ts'
import { Dispatcher } from '../jobs/dispatcher.ts'
import { sweepOutputs } from '../jobs/janitor.ts'
import { sweepTransfers } from '../jobs/transfers.ts'
import { WebhookDeliverer } from '../jobs/webhooks.ts'
import { serverPathRedactor } from '../util/redact.ts'
import { createRedis, Queues } from '../queue/index.ts'
import { startLocalRedis, type LocalRedis } from '../queue/local-redis.ts'
import { isStoreUnavailable } from '../store/db.ts'
import { openStore, type Store } from '../store/index.ts'
import { SweepController } from '../sweeps/controller.ts'
import { createLogger, type Logger } from '../util/log.ts'
import { PassLoop } from '../util/loop.ts'
import { FsdfmWorker } from '../worker/worker.ts'
import { SlurmWorker } from '../worker/slurm/worker.ts'

/** How often an api process looks for outputs to remove (idempotent: every api process may). */
const JANITOR_MS = 60_000
/** An artifact transfer nobody has written to for this long is removed. */
const TRANSFER_MAX_IDLE_MS = 86_400_000

export type Role = 'up' | 'api' | 'worker'

export interface Services {
  config: Config
  store: Store
  queues: Queues
  app: FastifyInstance | null
  worker: FsdfmWorker | null
  dispatcher: Dispatcher | null
  baseUrl: string | null
  /** The logger every part writes to. */
  log: Logger
  /** Stops everything now (a running job is left to its lease: it is taken over after it runs out). */
  close(): Promise<void>
  /**
   * Graceful stop (SIGTERM): the worker checkpoints its job and hands it back to the queue
   * (within FSDFM_STOP_TIMEOUT_MS) while the api keeps answering; then everything closes.
   */
  shutdown(): Promise<void>
}

export class EmbeddedStoreError extends Error {
  constructor() {
    super('a worker in its own process needs DATABASE_URL (a PostgreSQL shared with the api): the embedded PGlite store lives inside one process. Use `fsdfm up` for a single-process service.')
    this.name = 'EmbeddedStoreError'
  }
}

/** Addresses only this machine can reach. */
export const isLoopback = (host: string): boolean => /^(127\.\d+\.\d+\.\d+|::1|localhost)$/i.test(host)

export class InsecureBindError extends Error {
  constructor(host: string) {
    super(`the api would listen on ${host}, beyond this machine, with authentication off: set FSDFM_AUTH=on (every request then needs a token; the first start prints an admin token), or listen on 127.0.0.1`)
    this.name = 'InsecureBindError'
  }
}

export interface ServiceOptions {
  /** Where every part logs (default: stdout, in FSDFM_LOG_FORMAT at FSDFM_LOG_LEVEL). */
  log?: Logger
}

export async function startServices(config: Config, role: Role, opts: ServiceOptions = {}): Promise<Services> {
  if (role === 'worker' && !config.DATABASE_URL) throw new EmbeddedStoreError()
  if (role !== 'worker' && config.FSDFM_AUTH === 'off' && !isLoopback(config.FSDFM_HOST)) throw new InsecureBindError(config.FSDFM_HOST)
  mkdirSync(config.dataDir, { recursive: true })
  mkdirSync(config.artifactDir, { recursive: true })
  const root = opts.log ?? createLogger({ level: config.FSDFM_LOG_LEVEL, format: config.FSDFM_LOG_FORMAT })
  const log = root.child({ component: 'service' })
  // Closed in reverse order of starting: the api first, the store and Redis last.
  const cleanups: (() => Promise<unknown>)[] = []
  const close = async () => {
    while (cleanups.length) await cleanups.pop()!().catch(() => {})
  }
  try {
    // The store first: an embedded one locks the data directory, so a second process on the same
    // directory stops here, before it starts a private Redis beside the first one's.
    const store = await openStore(
      config.DATABASE_URL
        ? { url: config.DATABASE_URL, schema: config.FSDFM_DB_SCHEMA || undefined }
        : { dataDir: join(config.dataDir, 'pglite') },
    )
    cleanups.push(() => store.close())
    log.info(`store: ${store.db.kind}${config.DATABASE_URL ? '' : ` under ${join(config.dataDir, 'pglite')}`}`)
    let redisUrl = config.REDIS_URL
    let local: LocalRedis | null = null
    if (!redisUrl) {
      local = await startLocalRedis(config.dataDir)
      redisUrl = local.url
      const l = local
      cleanups.push(() => l.stop())
      log.info(`redis: private server at ${redisUrl}`)
    }
    const connections: Redis[] = []
    const connect = () => {
      const c = createRedis(redisUrl)
      // Reported through timeouts and /ready; an 'error' without a listener would crash the process.
      c.on('error', () => {})
      connections.push(c)
      return c
    }
    cleanups.push(async () => connections.forEach((c) => c.disconnect()))
    const queues = new Queues(connect(), config.FSDFM_QUEUE_PREFIX, { timeoutMs: config.FSDFM_REDIS_TIMEOUT_MS })
    cleanups.push(() => queues.close())

    let worker: FsdfmWorker | null = null
    if (role !== 'api') {
      const pythonBin = resolvePythonBin(config.PYTHON_BIN)
      const deps = { config: { ...config, PYTHON_BIN: pythonBin }, store, connection: connect(), log: root }
      // A Slurm worker submits each job to the cluster instead of running it in its own Python.
      worker = config.FSDFM_WORKER_MODE === 'slurm' ? new SlurmWorker(deps) : new FsdfmWorker(deps)
      const w = worker
      cleanups.push(() => w.close())
      await worker.start()
    }
    if (role !== 'worker' && config.FSDFM_AUTH === 'on') await bootstrapAdmin(store, config, log)
    let app: FastifyInstance | null = null
    let dispatcher: Dispatcher | null = null
    let baseUrl: string | null = null
    if (role !== 'worker') {
      // The api processes move the store's decisions to the queues (idempotent: any number may run).
      const d = new Dispatcher(store, queues, { staleMs: 2 * config.FSDFM_LOCK_MS, reconcileMs: config.FSDFM_RECONCILE_MS, intervalMs: Math.min(config.FSDFM_POLL_MS * 2, 1000), log: root })
      dispatcher = d
      d.start()
      cleanups.push(() => d.stop())
      const w = worker
      const a = await buildApp({
        config,
        store,
        queues,
        logger: root.child({ component: 'api' }),
        kick: () => d.kick(),
        workerInfo: () => (w ? [{ name: config.workerName, gpus: config.gpuList, python: w.pythonInfo, pythonRestarts: w.bridge.restartCount }] : []),
      })
      app = a
      cleanups.push(() => a.close())
      // Sweeps advance in the api processes (each sweep in one at a time); state lives in the store.
      const sweeps = new SweepController({ store, jobService: a.jobService, limits: a.limits, log: root }, { intervalMs: Math.min(config.FSDFM_POLL_MS, 1000) })
      sweeps.start()
      cleanups.push(() => sweeps.stop())
      // Outputs of deleted jobs, and (with a retention) of long-finished ones, go in the background.
      const janitor = new PassLoop(async () => {
        const removed = await sweepOutputs(store, config.artifactDir, config.FSDFM_ARTIFACT_RETENTION_DAYS).catch((err: Error) => {
          if (isStoreUnavailable(err)) log.warn(`janitor: ${err.message}`)
          else log.error({ err }, `janitor: ${err.message}`)
          return 0
        })
        if (removed) log.info(`janitor: removed the outputs of ${removed} job(s)`)
        // Uploads from remote workers left unfinished for a day: their worker died or gave up.
        const abandoned = await sweepTransfers(config.artifactDir, TRANSFER_MAX_IDLE_MS).catch(() => 0)
        if (abandoned) log.info(`janitor: removed ${abandoned} abandoned artifact transfer(s)`)
      }, JANITOR_MS)
      janitor.start()
      cleanups.push(() => janitor.stop())
      // Webhook deliveries go out from the api processes (each delivery from one at a time).
      const deliverer = new WebhookDeliverer(store, {
        backoffMs: config.FSDFM_WEBHOOK_BACKOFF_MS,
        maxAttempts: config.FSDFM_WEBHOOK_MAX_ATTEMPTS,
        timeoutMs: config.FSDFM_WEBHOOK_TIMEOUT_MS,
        redact: serverPathRedactor(config),
        log,
      })
      deliverer.start()
      cleanups.push(() => deliverer.stop())
      await a.listen({ host: config.FSDFM_HOST, port: config.FSDFM_PORT })
      const address = a.server.address()
      const port = typeof address === 'object' && address ? address.port : config.FSDFM_PORT
      baseUrl = `http://${config.FSDFM_HOST.includes(':') ? `[${config.FSDFM_HOST}]` : config.FSDFM_HOST}:${port}`
      log.info(`api: ${baseUrl}  (the dashboard at ${baseUrl}/, Swagger UI at ${baseUrl}/docs)`)
    }
    const shutdown = async () => {
      if (worker) await worker.drain(config.FSDFM_STOP_TIMEOUT_MS)
      await close()
    }
    return { config, store, queues, app, worker, dispatcher, baseUrl, log: root, close, shutdown }
  } catch (err) {
    await close()
    throw err
  }
}

/**
 * With authentication on and no token yet, the first superuser token: the deployment's own
 * (FSDFM_ADMIN_TOKEN or the file FSDFM_ADMIN_TOKEN_FILE), or a random one printed this once.
 */
async function bootstrapAdmin(store: Store, config: Config, log: Logger): Promise<void> {
  if ((await store.tokens.count()) > 0) return
  const given = config.FSDFM_ADMIN_TOKEN || (config.FSDFM_ADMIN_TOKEN_FILE ? readFileSync(config.FSDFM_ADMIN_TOKEN_FILE, 'utf8').trim() : '')
  const { token } = await store.tokens.create({ name: 'admin', subject: 'admin', superuser: true, token: given || undefined })
  if (!given) log.warn(`auth: created the first admin token (shown only now; keep it): ${token}`)
  else log.info('auth: created the admin token from FSDFM_ADMIN_TOKEN' + (config.FSDFM_ADMIN_TOKEN ? '' : '_FILE'))
}
