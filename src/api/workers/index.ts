// /v1/workers: the workers registered in the store, the same list the api consults when it
// decides whether some worker can run a job (live ones first, then lost, then stopped ones, of
// those heard from this week), with what each reported at its latest heartbeat.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { WORKER_REMEMBERED_MS } from '../../jobs/validate.ts'
import { LOST_AFTER_HEARTBEATS, type WorkerRecord } from '../../store/workers.ts'
import { WorkerList, type WorkerDevice, type WorkerJob, type WorkerView } from '../../schemas/views.ts'
import { errors } from '../openapi.ts'

const str = (v: unknown): string | null => (typeof v === 'string' ? v : null)
const list = <T>(v: unknown): T[] => (Array.isArray(v) ? (v as T[]) : [])

/** The store's record as the api shows it: versions from its registration, jobs and devices from its latest heartbeat. */
export function workerView(w: WorkerRecord): WorkerView {
  const info = w.info ?? {}
  const status = w.status ?? {}
  return {
    name: w.name,
    host: w.host,
    queues: w.queues,
    gpus: w.gpus,
    memoryBytes: w.memoryBytes,
    status: w.live ? 'live' : w.lost ? 'lost' : 'stopped',
    live: w.live,
    heartbeatMs: w.heartbeatMs,
    versions: { node: str(info.node), python: str(info.python), torch: str(info.torch), cuda: str(info.cuda) },
    devices: list<WorkerDevice>(status.devices),
    jobs: w.stoppedAt ? [] : list<WorkerJob>(status.jobs),
    startedAt: w.startedAt,
    heartbeatAt: w.heartbeatAt,
    stoppedAt: w.stoppedAt,
  }
}

const ORDER = { live: 0, lost: 1, stopped: 2 } as const

const workersRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/workers',
    {
      config: { access: { need: 'any', in: 'none' } },
      schema: {
        tags: ['workers'],
        operationId: 'listWorkers',
        summary: 'List workers',
        description: `Workers heard from within the last ${WORKER_REMEMBERED_MS / 86_400_000} days: live ones first, then lost, then stopped, each by name. A worker is \`lost\` when it has been silent for ${LOST_AFTER_HEARTBEATS} of its heartbeat intervals without stopping. Versions come from its registration; devices (memory, utilisation) and current jobs from its latest heartbeat.`,
        response: { 200: WorkerList, ...errors() },
      },
    },
    async () => {
      const items = (await app.deps.store.workers.list(WORKER_REMEMBERED_MS)).map(workerView)
      items.sort((a, b) => ORDER[a.status] - ORDER[b.status] || a.name.localeCompare(b.name))
      return { items }
    },
  )
}

export default workersRoutes
