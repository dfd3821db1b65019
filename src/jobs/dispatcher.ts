// The store decides what should run; this moves its decisions to BullMQ. `flush` drains the
// outbox (rows written in the transactions that made jobs runnable or took them off) and admits
// queued jobs to their queues, a fair share per project; `reconcile` compares the store with the
// queues and re-adds whatever Redis lost (a restart without persistence, a flushed database):
// every job the dispatcher had put on a queue, and every held job whose worker has been silent
// past the stale limit. Both are idempotent, so several api processes
// may run them at once; Redis then holds nothing the store cannot rebuild.
import { isStoreUnavailable } from '../store/db.ts'
import type { Store } from '../store/index.ts'
import type { Dispatchable } from '../store/outbox.ts'
import type { Queues } from '../queue/index.ts'
import { QueueUnavailableError } from '../errors.ts'
import { silentLogger, type Logger } from '../util/log.ts'
import { PassLoop } from '../util/loop.ts'
import { failDependents } from './dependents.ts'
import { WORKER_REMEMBERED_MS } from './validate.ts'

/**
 * A job's BullMQ priority: its own first (1 = most urgent), then fewer running jobs of its
 * project on the queue, then its place among the project's waiting ones. BullMQ takes lower first.
 */
export const bullPriority = (priority: number, running: number, waiting: number): number => priority * 1000 + Math.min(99, running) * 10 + Math.min(9, waiting)

export interface DispatcherOptions {
  /** Pause between outbox passes. Default 1,000 ms (a submission kicks a pass at once). */
  intervalMs?: number
  /** Pause between reconciliations (one also runs at start and whenever Redis reconnects). Default 60,000 ms. */
  reconcileMs?: number
  /** A held job whose heartbeat is older than this counts as abandoned. */
  staleMs: number
  log?: Logger
}

const isOutage = (err: unknown) => err instanceof QueueUnavailableError || isStoreUnavailable(err)

export class Dispatcher {
  private readonly loop: PassLoop
  private reconcileDue = true
  private nextReconcile = 0
  private unlisten: (() => void) | null = null
  /** The last outage reported, so a long one is logged once rather than every pass. */
  private outage: string | null = null
  private readonly log: Logger

  constructor(
    private readonly store: Store,
    private readonly queues: Queues,
    private readonly opts: DispatcherOptions,
  ) {
    this.log = (opts.log ?? silentLogger()).child({ component: 'dispatch' })
    this.loop = new PassLoop(() => this.pass(), opts.intervalMs ?? 1000)
  }

  private async put(d: Dispatchable): Promise<boolean> {
    return this.queues.ensureQueued({ jobId: d.jobId, kind: d.kind }, { gpus: d.gpus, priority: bullPriority(d.priority, 0, 0) })
  }

  /**
   * One pass over the outbox (its rows wake the dispatcher; a cancelled or failed job's row
   * takes it off its queue), then admission. Stops at the first outage (rows stay for the next
   * pass). Returns how many jobs it put on queues.
   */
  async flush(): Promise<number> {
    for (;;) {
      const batch = await this.store.outbox.pending(200)
      for (const d of batch) {
        // Never runs now (a worker would skip it anyway): keep queue depths honest.
        if (d.state === 'cancelled' || d.state === 'failed') await this.queues.removeWaiting({ jobId: d.jobId, kind: d.kind }, d.gpus)
        await this.store.outbox.done(d.jobId, d.seq)
      }
      if (batch.length < 200) break
    }
    return this.admit()
  }

  /**
   * Fair share: each project keeps at most a window of jobs waiting in each queue (the workers
   * serving it, plus one; only jobs at least as urgent count against a job's window, so a
   * project's high-priority job is not held back by its own backlog), so a project that queues 200 trials holds 200 rows in the store but
   * only a few places in BullMQ, and another project's job goes in next to them at once. Within
   * the queue, a project with jobs already running gets a lower priority than one with none,
   * so the newcomer runs as soon as a worker frees (docs/contracts.md section 3).
   */
  async admit(): Promise<number> {
    const windows = await this.windows()
    const window = (queue: string) => windows.get(queue) ?? 2
    const candidates = await this.store.outbox.candidates(Math.max(...windows.values(), 2))
    const admitted = new Map<string, number>()
    let added = 0
    for (const c of candidates) {
      const slot = `${c.project}\u0000${c.queue}`
      const taken = c.waiting + (admitted.get(slot) ?? 0)
      let room = window(c.queue) - taken
      // Every job on the queue may start: the quota counts them all, whatever their priority.
      if (c.maxRunningGpu !== null && c.queue !== 'cpu' && c.queue !== 'data') room = Math.min(room, c.maxRunningGpu - c.running - c.waitingAll - (admitted.get(slot) ?? 0))
      if (room <= 0) continue
      const priority = bullPriority(c.priority, c.running, taken)
      if (await this.queues.ensureQueued({ jobId: c.jobId, kind: c.kind }, { gpus: c.gpus, priority })) added++
      if (await this.store.outbox.markDispatched(c.jobId)) admitted.set(slot, (admitted.get(slot) ?? 0) + 1)
    }
    return added
  }

  /** The window of each queue: the live workers serving it, plus one (a job ready for each, and the next). */
  private async windows(): Promise<Map<string, number>> {
    const counts = new Map<string, number>()
    for (const w of await this.store.workers.list(WORKER_REMEMBERED_MS)) if (w.live) for (const q of w.queues) counts.set(q, (counts.get(q) ?? 0) + 1)
    return new Map([...counts].map(([q, n]) => [q, n + 1]))
  }

  /** Re-adds every job the store says should be on a queue but that its queue lacks. */
  async reconcile(): Promise<number> {
    let added = 0
    let after: string | null = null
    for (;;) {
      const batch = await this.store.outbox.shouldBeQueued(this.opts.staleMs, after, 500)
      for (const d of batch) if (await this.put(d)) added++
      if (batch.length < 500) break
      after = batch[batch.length - 1].jobId
    }
    // A stage whose predecessor failed while its worker died before failing the stages after it.
    for (const parentId of await this.store.outbox.orphanedStages()) {
      const parent = await this.store.jobs.get(parentId)
      if (parent) await failDependents(this.store.jobs, parent)
    }
    if (added) this.log.info(`reconciled: ${added} job(s) put back on their queues`)
    return added
  }

  /** Runs a pass soon (after a submission, so it starts without waiting for the interval). */
  kick(): void {
    this.loop.kick()
  }

  start(): void {
    // Redis came back (maybe empty): compare at once rather than at the next interval.
    this.unlisten ??= this.queues.onReady(() => {
      this.reconcileDue = true
      this.kick()
    })
    this.loop.start()
  }

  async stop(): Promise<void> {
    this.unlisten?.()
    this.unlisten = null
    await this.loop.stop()
  }

  /** One pass: the outbox, then a reconciliation when one is due. Outages are waited out. */
  private async pass(): Promise<void> {
    try {
      await this.flush()
      if (this.reconcileDue || Date.now() >= this.nextReconcile) {
        this.reconcileDue = false
        this.nextReconcile = Date.now() + (this.opts.reconcileMs ?? 60_000)
        await this.reconcile()
      }
      if (this.outage) this.log.info('queue and store answer again')
      this.outage = null
    } catch (err) {
      const msg = (err as Error).message
      if (isOutage(err)) {
        this.reconcileDue = true
        if (this.outage === null) this.log.warn(`waiting: ${msg}`)
        this.outage = msg
      } else this.log.error({ err }, `pass failed: ${msg}`)
    }
  }
}
