// One poller per api process reads new rows of the store's event log and fans them out to
// the open SSE streams. Polling the store (rather than listening in-process) lets events
// written by workers in other processes or machines reach every api instance.
import type { Store } from '../../store/index.ts'
import type { JobEvent } from '../../store/types.ts'

type Listener = (event: JobEvent) => void

export class EventHub {
  private listeners = new Set<Listener>()
  private lastId = 0
  private timer: NodeJS.Timeout | null = null
  /** Settles once `lastId` holds the head id read when the current poller started. */
  private ready: Promise<void> | null = null
  private started = false
  private polling = false
  private closed = false

  constructor(
    private readonly store: Store,
    private readonly intervalMs = 200,
  ) {}

  /** Highest event id now stored; a new stream without Last-Event-ID starts after it. */
  async headId(): Promise<number> {
    const { rows } = await this.store.db.query<{ id: string | number }>('select coalesce(max(id), 0) as id from job_events')
    return Number(rows[0].id)
  }

  /**
   * Adds a listener; it gets every event with an id above `position` as of the moment this
   * resolves. The poller starts synchronously on the first subscriber, so concurrent first
   * subscribers share one poller (an orphaned interval would poll forever and keep the
   * process alive).
   */
  async subscribe(listener: Listener): Promise<() => void> {
    for (;;) {
      if (this.closed) return () => {}
      if (!this.timer) this.start()
      const ready = this.ready!
      await ready
      // The last listener may have left (stopping the poller) while this one waited.
      if (this.ready === ready) break
    }
    this.listeners.add(listener)
    return () => {
      this.listeners.delete(listener)
      if (this.listeners.size === 0) this.stop()
    }
  }

  private start(): void {
    const ready = this.headId().then((id) => {
      if (this.ready !== ready) return // stopped meanwhile
      this.lastId = id
      this.started = true
    })
    this.ready = ready
    this.timer = setInterval(() => void this.poll(), this.intervalMs)
    // The store is unavailable: stop this poller (the subscriber sees the rejection).
    ready.catch(() => {
      if (this.ready === ready) this.stop()
    })
  }

  private stop(): void {
    if (this.timer) clearInterval(this.timer)
    this.timer = null
    this.ready = null
    this.started = false
  }

  /** The hub's position: events up to here were (or will be) delivered live. */
  get position(): number {
    return this.lastId
  }

  private async poll(): Promise<void> {
    if (this.polling || this.closed || !this.started) return
    this.polling = true
    try {
      for (;;) {
        const events = await this.store.events.since(this.lastId, { limit: 500 })
        for (const e of events) {
          this.lastId = e.id
          for (const l of this.listeners) l(e)
        }
        if (events.length < 500) break
      }
    } catch {
      // store briefly unavailable: the next tick retries from the same position
    } finally {
      this.polling = false
    }
  }

  close(): void {
    this.closed = true
    this.stop()
    this.listeners.clear()
  }
}
