// The queues worth reporting: `data` and `cpu` always, every queue a worker heard from this week
// serves, and every queue a job still on its way or running was put on. Both come from the
// store, so an api process knows the queues of workers in other processes and on other machines.
import { WORKER_REMEMBERED_MS } from '../../jobs/validate.ts'
import { isQueueName, queueFor, type QueueName } from '../../queue/index.ts'
import type { Store } from '../../store/index.ts'

const ALWAYS: QueueName[] = ['data', 'cpu']

/** data, cpu, then gpuN by N. */
const order = (name: string): number => (name === 'data' ? -2 : name === 'cpu' ? -1 : Number(name.slice(3)))

export async function knownQueues(store: Store): Promise<QueueName[]> {
  const [workers, shapes] = await Promise.all([store.workers.list(WORKER_REMEMBERED_MS), store.stats.activeQueueShapes()])
  const names = new Set<string>(ALWAYS)
  for (const w of workers) for (const q of w.queues) names.add(q)
  for (const s of shapes) names.add(queueFor(s.kind, s.gpus))
  return [...names].filter(isQueueName).sort((a, b) => order(a) - order(b))
}
