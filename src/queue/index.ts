// Queues: names, the one payload type, and the Redis connection. The payload carries only the
// job id; the spec lives in the store, so the queue never holds a second copy that can drift.
import { Redis, type RedisOptions } from 'ioredis'
import { FlowProducer, Queue, type FlowJob, type JobsOptions } from 'bullmq'
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
  const options: RedisOptions = { maxRetriesPerRequest: null, enableReadyCheck: true, ...extra }
  if (url.startsWith('unix://')) return new Redis({ ...options, path: url.slice('unix://'.length) })
  return new Redis(url, options)
}

export interface FlowNode {
  payload: JobPayload
  gpus: number
  priority: number
  /** Jobs that must succeed first; BullMQ runs this job only after them and fails it when one fails. */
  dependsOn?: FlowNode[]
}

export class Queues {
  private readonly queues = new Map<QueueName, Queue<JobPayload>>()
  private flows: FlowProducer | null = null

  constructor(
    private readonly connection: Redis,
    readonly prefix: string,
  ) {}

  get(name: QueueName): Queue<JobPayload> {
    let q = this.queues.get(name)
    if (!q) {
      q = new Queue<JobPayload>(name, { connection: this.connection, prefix: this.prefix })
      this.queues.set(name, q)
    }
    return q
  }

  async enqueue(payload: JobPayload, opts: { gpus: number; priority: number; maxAttempts: number }): Promise<void> {
    await this.get(queueFor(payload.kind, opts.gpus)).add(payload.kind, payload, jobOptions(payload.jobId, opts.priority))
  }

  /** Enqueues a pipeline as one BullMQ flow: the last stage is the root, its dependencies its children. */
  async enqueueFlow(root: FlowNode): Promise<void> {
    this.flows ??= new FlowProducer({ connection: this.connection, prefix: this.prefix })
    const toFlow = (node: FlowNode): FlowJob => ({
      name: node.payload.kind,
      queueName: queueFor(node.payload.kind, node.gpus),
      data: node.payload,
      opts: { ...jobOptions(node.payload.jobId, node.priority), failParentOnFailure: true },
      children: node.dependsOn?.map(toFlow),
    })
    await this.flows.add(toFlow(root), { queuesOptions: {} })
  }

  /** Removes a job that has not started; false when a worker already holds it. */
  async removeWaiting(payload: JobPayload, gpus: number): Promise<boolean> {
    const job = await this.get(queueFor(payload.kind, gpus)).getJob(payload.jobId)
    if (!job) return true
    const state = await job.getState()
    if (state === 'active' || state === 'completed' || state === 'failed') return false
    try {
      await job.remove()
      return true
    } catch {
      return false // locked by a worker that just took it
    }
  }

  async close(): Promise<void> {
    await this.flows?.close()
    await Promise.all([...this.queues.values()].map((q) => q.close()))
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
