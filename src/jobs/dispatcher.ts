// The store decides what should run; this moves its decisions to BullMQ. `flush` drains the
// outbox (rows written in the transactions that made jobs runnable); `reconcile` compares the
// store with the queues and re-adds whatever Redis lost (a restart without persistence, a
// flushed database): every queued job whose predecessor succeeded, and every held job whose
// worker has been silent past the stale limit. Both are idempotent, so several api processes
// may run them at once; Redis then holds nothing the store cannot rebuild.
import { isStoreUnavailable } from '../store/db.ts'
import type { Store } from '../store/index.ts'
import type { Dispatchable } from '../store/outbox.ts'
import type { Queues } from '../queue/index.ts'
import { QueueUnavailableError } from '../errors.ts'
import { PassLoop } from '../util/loop.ts'
import { failDependents } from './dependents.ts'

export interface DispatcherOptions {
  /** Pause between outbox passes. Default 1,000 ms (a submission kicks a pass at once). */
  intervalMs?: number
  /** Pause between reconciliations (one also runs at start and whenever Redis reconnects). Default 60,000 ms. */
  reconcileMs?: number
  /** A held job whose heartbeat is older than this counts as abandoned. */
  staleMs: number
  log?: (msg: string) => void
}

const isOutage = (err: unknown) => err instanceof QueueUnavailableError || isStoreUnavailable(err)

export class Dispatcher {
  private readonly loop: PassLoop
  private reconcileDue = true
  private nextReconcile = 0
  private unlisten: (() => void) | null = null
  /** The last outage reported, so a long one is logged once rather than every pass. */
  private outage: string | null = null
  private readonly log: (msg: string) => void

  constructor(
    private readonly store: Store,
    private readonly queues: Queues,
    private readonly opts: DispatcherOptions,
  ) {
    this.log = opts.log ?? ((m) => console.log(`[dispatch] ${m}`))
    this.loop = new PassLoop(() => this.pass(), opts.intervalMs ?? 1000)
  }

  private async put(d: Dispatchable): Promise<boolean> {
    return this.queues.ensureQueued({ jobId: d.jobId, kind: d.kind }, { gpus: d.gpus, priority: d.priority })
  }

  /** Moves outbox rows to their queues; stops at the first outage (the rows stay for the next pass). */
  async flush(): Promise<number> {
    let added = 0
    for (;;) {
      const batch = await this.store.outbox.pending(200)
      for (const d of batch) {
        // Only a queued job whose predecessor succeeded belongs on a queue; the others' rows are
        // spent (a later success, hand-back or reconciliation writes a new one).
        if (d.state === 'queued' && d.ready) {
          if (await this.put(d)) added++
        } else if (d.state === 'cancelled' || d.state === 'failed') {
          // Never runs now (a worker would skip it anyway): keep queue depths honest.
          await this.queues.removeWaiting({ jobId: d.jobId, kind: d.kind }, d.gpus)
        }
        await this.store.outbox.done(d.jobId, d.seq)
      }
      if (batch.length < 200) return added
    }
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
    if (added) this.log(`reconciled: ${added} job(s) put back on their queues`)
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
      if (this.outage) this.log('queue and store answer again')
      this.outage = null
    } catch (err) {
      const msg = (err as Error).message
      if (isOutage(err)) {
        this.reconcileDue = true
        if (this.outage === null) this.log(`waiting: ${msg}`)
        this.outage = msg
      } else this.log(`pass failed: ${msg}`)
    }
  }
}
