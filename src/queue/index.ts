// Queues: names, the one payload type, and the Redis connection. The payload carries only the
// job id; the spec lives in the store, so the queue never holds a second copy that can drift.
import { Redis, type RedisOptions } from 'ioredis'
import { Queue, type JobsOptions } from 'bullmq'
import { QueueUnavailableError, withTimeout } from '../errors.ts'
import type { JobKind } from '../schemas/jobs.ts'

/** `data`: tokenisation (TypeScript only, any worker). `cpu`: Python jobs on CPU. `gpuN`: Python jobs needing N GPUs. */
export type QueueName = 'data' | 'cpu' | `gpu${number}`

export interface JobPayload {
  jobId: string
  kind: JobKind
}

export function queueFor(kind: JobKind, gpus: number): QueueName {
  if (kind === 'dataset') return 'data'
  return gpus > 0 ? `gpu${gpus}` : 'cpu'
}

/** The compute queues a worker with these GPUs serves (it always serves `data` too). */
export function computeQueueFor(gpuList: number[]): QueueName {
  return gpuList.length > 0 ? `gpu${gpuList.length}` : 'cpu'
}

/** Accepts redis://, rediss:// and unix:///path/to/socket. BullMQ needs maxRetriesPerRequest null for blocking calls. */
export function createRedis(url: string, extra: RedisOptions = {}): Redis {
  // Reconnect forever, at most a second apart: an outage ends when Redis is back, not when a retry budget runs out.
  const options: RedisOptions = { maxRetriesPerRequest: null, enableReadyCheck: true, retryStrategy: (n) => Math.min(50 * n, 1000), ...extra }
  if (url.startsWith('unix://')) return new Redis({ ...options, path: url.slice('unix://'.length) })
  return new Redis(url, options)
}

export interface QueuesOptions {
  /** Every Redis call made for the api or a dispatcher gives up after this long. Default 5,000 ms. */
  timeoutMs?: number
}

/** What a queue holds now, as Redis knows it (so every api and worker process sees the same). */
export interface QueueStats {
  name: QueueName
  /** Jobs a worker may take next: BullMQ's waiting and prioritized (BullMQ 6 keeps a paused queue's jobs there too). */
  waiting: number
  /** Jobs a worker holds (BullMQ's active). */
  running: number
  delayed: number
  /** Seconds since the oldest waiting job was put on the queue; null when none waits. */
  oldestWaitSeconds: number | null
  /** Paused in Redis: no worker process takes a new job from it until it is resumed. */
  paused: boolean
}

/** Queue names: `data`, `cpu`, `gpuN` (N ≥ 1). */
export const isQueueName = (name: string): name is QueueName => /^(data|cpu|gpu[1-9][0-9]{0,3})$/.test(name)

/** BullMQ's prioritized set scores a job priority × 2^32 + an insertion counter. */
const PRIORITY_BAND = 2 ** 32

/** BullMQ states in which a job is on its way to a worker (or with one). */
const ON_QUEUE = new Set(['waiting', 'prioritized', 'delayed', 'active', 'waiting-children'])

export class Queues {
  private readonly queues = new Map<QueueName, Queue<JobPayload>>()
  readonly timeoutMs: number

  constructor(
    private readonly connection: Redis,
    readonly prefix: string,
    opts: QueuesOptions = {},
  ) {
    this.timeoutMs = opts.timeoutMs ?? 5000
  }

  get(name: QueueName): Queue<JobPayload> {
    let q = this.queues.get(name)
    if (!q) {
      q = new Queue<JobPayload>(name, { connection: this.connection, prefix: this.prefix })
      // Connection trouble is reported by the callers' timeouts; an unhandled 'error' would crash.
      q.on('error', () => {})
      this.queues.set(name, q)
    }
    return q
  }

  /** A Redis call that gives up after timeoutMs (ioredis would otherwise wait for a reconnect forever). */
  private bounded<T>(what: string, p: Promise<T>): Promise<T> {
    return withTimeout(p, this.timeoutMs, () => new QueueUnavailableError(`${what} got no answer within ${this.timeoutMs} ms`))
  }

  /** Calls fn whenever the Redis connection becomes ready (at start and after every reconnect). */
  onReady(fn: () => void): () => void {
    this.connection.on('ready', fn)
    return () => this.connection.off('ready', fn)
  }

  async ping(): Promise<void> {
    await this.bounded('ping', this.connection.ping())
  }

  /**
   * Puts the job on its queue unless it already is there (waiting, delayed, with a worker).
   * A finished BullMQ entry of the same id (an earlier run of a job handed back or taken over)
   * is replaced: BullMQ would ignore an add of an id it still holds. Returns whether it added.
   */
  async ensureQueued(payload: JobPayload, opts: { gpus: number; priority: number }): Promise<boolean> {
    const queue = this.get(queueFor(payload.kind, opts.gpus))
    const state = await this.bounded('getJobState', queue.getJobState(payload.jobId))
    if (ON_QUEUE.has(state)) return false
    if (state === 'completed' || state === 'failed') {
      const old = await this.bounded('getJob', queue.getJob(payload.jobId))
      try {
        await this.bounded('remove', old?.remove() ?? Promise.resolve())
      } catch (err) {
        if (err instanceof QueueUnavailableError) throw err
        return false // locked: a worker took it between the two calls, so it is on its way
      }
    }
    await this.bounded('add', queue.add(payload.kind, payload, jobOptions(payload.jobId, opts.priority)))
    return true
  }

  /** Removes a job that has not started (best effort: the store already says it will not run). */
  async removeWaiting(payload: JobPayload, gpus: number): Promise<boolean> {
    const job = await this.bounded('getJob', this.get(queueFor(payload.kind, gpus)).getJob(payload.jobId))
    if (!job) return true
    const state = await this.bounded('getState', job.getState())
    if (state === 'active' || state === 'completed' || state === 'failed') return false
    try {
      await this.bounded('remove', job.remove())
      return true
    } catch {
      return false // locked by a worker that just took it
    }
  }

  async stats(name: QueueName): Promise<QueueStats> {
    const queue = this.get(name)
    const [counts, paused, oldest] = await this.bounded(
      `the counts of queue ${name}`,
      Promise.all([queue.getJobCounts('waiting', 'prioritized', 'active', 'delayed'), queue.isPaused(), this.oldestWaiting(queue)]),
    )
    return {
      name,
      waiting: (counts.waiting ?? 0) + (counts.prioritized ?? 0),
      running: counts.active ?? 0,
      delayed: counts.delayed ?? 0,
      oldestWaitSeconds: oldest === null ? null : Math.max(0, (Date.now() - oldest) / 1000),
      paused,
    }
  }

  /**
   * When the oldest waiting job was added (ms since the epoch), or null. The wait list is FIFO
   * (its tail goes next); the prioritized set is FIFO within a priority, so the oldest job is
   * the first of some priority: only those few job hashes are read, not the whole queue.
   */
  private async oldestWaiting(queue: Queue<JobPayload>): Promise<number | null> {
    const [waitTail, pausedTail, prioritized] = await Promise.all([
      this.connection.lrange(queue.keys.wait, -1, -1),
      this.connection.lrange(queue.keys.paused, -1, -1),
      this.connection.zrange(queue.keys.prioritized, '0', '-1', 'WITHSCORES'),
    ])
    const ids = new Set([...waitTail, ...pausedTail])
    const bands = new Set<number>()
    for (let i = 0; i < prioritized.length; i += 2) {
      const band = Math.floor(Number(prioritized[i + 1]) / PRIORITY_BAND)
      if (bands.has(band)) continue
      bands.add(band)
      ids.add(prioritized[i])
    }
    const stamps = await Promise.all([...ids].map((id) => this.connection.hget(queue.toKey(id), 'timestamp')))
    const times = stamps.map(Number).filter((t) => Number.isFinite(t) && t > 0)
    return times.length ? Math.min(...times) : null
  }

  /** Pauses the queue in Redis: every worker process stops taking new jobs from it (running ones finish). */
  async pause(name: QueueName): Promise<void> {
    await this.bounded(`pause of queue ${name}`, this.get(name).pause())
  }

  async resume(name: QueueName): Promise<void> {
    await this.bounded(`resume of queue ${name}`, this.get(name).resume())
  }

  async close(): Promise<void> {
    await Promise.all([...this.queues.values()].map((q) => q.close().catch(() => {})))
  }
}

function jobOptions(jobId: string, priority: number): JobsOptions {
  return {
    jobId,
    priority,
    attempts: 1, // crashes are retried through stalled-job recovery, Python errors are final
    removeOnComplete: { age: 24 * 3600, count: 10_000 },
    removeOnFail: { age: 7 * 24 * 3600 },
  }
}
