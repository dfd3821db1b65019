// One connection to /v1/events for the whole page (browsers allow few connections per host):
// every job's state changes and progress, pushed by the api, fanned out to the pages that
// listen. No polling: a dropped connection resumes where it stopped (Last-Event-ID, in the
// client), and a page that needs a fresh listing refetches once on reconnect.
import type { FsdfmClient, JobEvent } from '../../src/client/index.ts'

type Listener = (e: JobEvent) => void
type StatusListener = (connected: boolean) => void

export class LiveEvents {
  private readonly listeners = new Set<Listener>()
  private readonly statusListeners = new Set<StatusListener>()
  private readonly abort = new AbortController()
  connected = false

  constructor(private readonly client: FsdfmClient) {
    void this.run()
  }

  private setConnected(v: boolean): void {
    if (this.connected === v) return
    this.connected = v
    for (const fn of this.statusListeners) fn(v)
  }

  private async run(): Promise<void> {
    let last: number | undefined
    while (!this.abort.signal.aborted) {
      try {
        this.setConnected(true)
        for await (const e of this.client.events({ lastEventId: last, signal: this.abort.signal })) {
          last = e.id
          for (const fn of this.listeners) fn(e)
        }
      } catch {
        // Down for longer than the client's own retries: wait, then open it again.
      }
      this.setConnected(false)
      await new Promise((r) => setTimeout(r, 2000))
    }
  }

  subscribe(fn: Listener): () => void {
    this.listeners.add(fn)
    return () => this.listeners.delete(fn)
  }

  onStatus(fn: StatusListener): () => void {
    this.statusListeners.add(fn)
    return () => this.statusListeners.delete(fn)
  }

  close(): void {
    this.abort.abort()
  }
}
