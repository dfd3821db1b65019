// A worker's lease on the job it runs. The queue lock (Redis) is the lease: the worker renews it
// itself every sixth of FSDFM_LOCK_MS, and each renewal that succeeds tells how long the lock
// is surely held (from the moment the renewal was sent). Python is told that deadline, minus a
// margin, with every call, and stops its run on its own when it passes; so a worker that is
// paused, cut off from Redis or too slow to renew has no Python still running when the lock
// expires and another worker takes the job over. The store heartbeat rides along: when the store
// refuses it, the attempt was superseded (fenced) and everything stops at once.
import type { Job as BullJob } from 'bullmq'
import { withTimeout } from '../errors.ts'
import type { Logger } from '../util/log.ts'
import type { JobsRepo } from '../store/jobs.ts'

/** Why a run must stop before its end: SIGTERM (hand back), the lease lost or run out, or a newer attempt holds the job. */
export type StopReason = 'handback' | 'lost' | 'fenced'

export interface LeaseOptions {
  bull: BullJob
  token: string
  lockMs: number
  jobs: JobsRepo
  jobId: string
  fence: number
  /** The job's logger (its lines carry jobId and attempt). */
  log: Logger
}

/** How long before the lock's end Python must have stopped: a fifth of the lock, 0.5 to 10 s. */
export const leaseMargin = (lockMs: number): number => Math.min(10_000, Math.max(500, Math.floor(lockMs / 5)))

export class Lease {
  /** Epoch ms until which the queue lock is surely held (0: not known yet). */
  private heldUntil = 0
  private timer: NodeJS.Timeout | null = null
  private readonly controller = new AbortController()
  private renewing: Promise<void> | null = null

  constructor(private readonly opts: LeaseOptions) {}

  /** Aborted with a StopReason as `reason` when the run must stop. */
  get signal(): AbortSignal {
    return this.controller.signal
  }

  get stopReason(): StopReason | null {
    return this.controller.signal.aborted ? (this.controller.signal.reason as StopReason) : null
  }

  stop(reason: StopReason): void {
    if (!this.controller.signal.aborted) {
      this.opts.log.info({ reason }, `stopping (${reason})`)
      this.controller.abort(reason)
    }
  }

  /** Milliseconds Python may keep running: until the lock surely ends, minus the margin. */
  msLeft(): number {
    return Math.max(0, this.heldUntil - leaseMargin(this.opts.lockMs) - Date.now())
  }

  /** Half the margin: Python's hard limit after its deadline, still before the lock can end. */
  get graceMs(): number {
    return Math.floor(leaseMargin(this.opts.lockMs) / 2)
  }

  /**
   * Renews once (so the deadline is known before Python starts), then every sixth of the lock:
   * often enough that a busy event loop missing a renewal or two does not run the lease out.
   */
  async start(): Promise<void> {
    await this.renew()
    const every = Math.max(250, Math.floor(this.opts.lockMs / 6))
    this.timer = setInterval(() => {
      this.renewing ??= this.renew().finally(() => (this.renewing = null))
    }, every)
  }

  async renew(): Promise<void> {
    const { bull, token, lockMs, jobs, jobId, fence } = this.opts
    const sent = Date.now()
    try {
      const held = await withTimeout(bull.extendLock(token, lockMs), lockMs / 6, () => new Error('lock renewal timed out'))
      if (held === 1) this.heldUntil = sent + lockMs
      else this.stop('lost') // the lock is gone: expired and taken, or Redis lost it
    } catch {
      // Redis does not answer: the lease runs out on its own unless a later renewal gets through.
    }
    if (this.msLeft() === 0) this.stop('lost')
    try {
      if (!(await withTimeout(jobs.heartbeat(jobId, fence), lockMs / 4, () => new Error('heartbeat timed out')))) this.stop('fenced')
    } catch {
      // The store does not answer: the run goes on, its writes wait in the job's writer.
    }
  }

  close(): void {
    if (this.timer) clearInterval(this.timer)
    this.timer = null
  }
}
