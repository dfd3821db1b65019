// A background pass run again and again until stopped: the dispatcher's and the sweep
// controller's loops. `kick` runs the next pass at once instead of after the pause.

export class PassLoop {
  private stopped = true
  private loop: Promise<void> | null = null
  private wake: (() => void) | null = null

  /** `pass` handles its own errors; a rejection would end the loop. */
  constructor(
    private readonly pass: () => Promise<void>,
    private readonly intervalMs: number,
  ) {}

  /** Between start() and stop(). */
  get running(): boolean {
    return !this.stopped
  }

  start(): void {
    if (!this.stopped) return
    this.stopped = false
    this.loop = (async () => {
      while (!this.stopped) {
        await this.pass()
        if (this.stopped) break
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, this.intervalMs)
          this.wake = () => {
            clearTimeout(timer)
            resolve()
          }
        })
        this.wake = null
      }
    })()
  }

  kick(): void {
    this.wake?.()
  }

  /** Lets the pass in progress finish, then stops. */
  async stop(): Promise<void> {
    this.stopped = true
    this.wake?.()
    await this.loop
    this.loop = null
  }
}
