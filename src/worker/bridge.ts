// The TS <-> Python bridge. pythonia keeps one Python process per Node process; we talk to
// one module, fsdfm.runtime, with JSON strings only (docs/contracts.md §2), so no Python
// proxies outlive a call and a restarted interpreter needs nothing but a fresh import.
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { ChildProcess } from 'node:child_process'
import type { Static, TSchema } from 'typebox'
import { Compile } from 'typebox/compile'
import { RUN_KINDS, runSpecBranch, type RunKind } from '../schemas/run-spec.ts'
import type { Logger } from '../util/log.ts'
import { RUNTIME_API, type ArgOf, type PingInfo, type ResultOf, type RuntimeMethod } from './runtime-api.ts'

export type { PingInfo } from './runtime-api.ts'

const require = createRequire(import.meta.url)
export const PYTHON_PACKAGE_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'python')

/** Raised when the Python process died while (or before) a call was in flight. */
export class PythonDiedError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'PythonDiedError'
  }
}

/** A Python exception raised by a runtime call itself (not by a job thread). */
export class PythonCallError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'PythonCallError'
  }
}

/** A Python module proxy as pythonia hands it over: our runtime's functions take and return JSON strings. */
type RuntimeProxy = Record<RuntimeMethod, (json: string) => Promise<unknown>>

interface PythoniaModule {
  python: ((module: string) => Promise<unknown>) & { exit: () => void }
  com: { proc: ChildProcess | null; start: () => void; end: () => void }
}

/** A value crossing the bridge that does not match its schema: the two sides disagree (a bug, not bad input). */
export class BridgeContractError extends Error {
  constructor(what: string, problems: string[]) {
    super(`${what} is outside the contract: ${problems.join('; ')}`)
    this.name = 'BridgeContractError'
  }
}

const validators = new WeakMap<TSchema, ReturnType<typeof Compile>>()

/**
 * The schema an argument is checked against: for a run spec, its kind's branch of the contract
 * document (defaulted fields optional, as Python reads it: a job stored before a field was
 * added lacks it); for the rest, the method's own.
 */
function argSchema(method: RuntimeMethod, arg: unknown): TSchema {
  if (method !== 'start') return RUNTIME_API[method].arg
  const kind = (arg as { kind?: unknown }).kind
  return (RUN_KINDS as readonly unknown[]).includes(kind) ? runSpecBranch(kind as RunKind) : RUNTIME_API.start.arg
}

/** `value` as the schema's type, or BridgeContractError naming what does not fit. */
export function checked<T extends TSchema>(schema: T, value: unknown, what: string): Static<T> {
  let check = validators.get(schema)
  if (!check) validators.set(schema, (check = Compile(schema)))
  if (!check.Check(value)) throw new BridgeContractError(what, [...check.Errors(value)].slice(0, 5).map((e) => `${e.instancePath || '/'} ${e.message}`))
  return value as Static<T>
}


export interface BridgeOptions {
  pythonBin: string
  /** CUDA_VISIBLE_DEVICES for the Python process; undefined leaves it as inherited, '' hides all GPUs. */
  visibleDevices?: string
  /** Checkpoints the Python side keeps loaded (FSDFM_MODEL_CACHE, read there too). */
  modelCacheSize?: number
  log?: Logger
}

export class PythonBridge {
  private mod: PythoniaModule | null = null
  private runtime: RuntimeProxy | null = null
  private died: Promise<never> | null = null
  private exitInfo: string | null = null
  private restarts = 0

  constructor(private readonly opts: BridgeOptions) {}

  get restartCount(): number {
    return this.restarts
  }

  get pid(): number | undefined {
    return this.mod?.com.proc?.pid ?? undefined
  }

  /** Starts (or restarts) Python and imports fsdfm.runtime. */
  async start(): Promise<PingInfo> {
    // pythonia reads these when it spawns the interpreter, so set them before the first import.
    process.env.PYTHON_BIN = this.opts.pythonBin
    process.env.PYTHONPATH = [PYTHON_PACKAGE_DIR, process.env.PYTHONPATH].filter(Boolean).join(':')
    process.env.PYTHONUNBUFFERED = '1'
    if (this.opts.modelCacheSize !== undefined) process.env.FSDFM_MODEL_CACHE = String(this.opts.modelCacheSize)
    if (this.opts.visibleDevices !== undefined) process.env.CUDA_VISIBLE_DEVICES = this.opts.visibleDevices
    if (!this.mod) {
      this.mod = require('pythonia') as PythoniaModule
    } else if (this.exitInfo !== null || !this.mod.com.proc) {
      // The old interpreter is gone: drop its handle so pythonia spawns a new one on import.
      this.mod.com.proc = null
      this.restarts++
    }
    this.exitInfo = null
    this.runtime = (await this.mod.python('fsdfm.runtime')) as RuntimeProxy
    const proc = this.mod.com.proc
    // pythonia writes to the IPC channel from timers; once the process is gone that raises an
    // 'error' event, which would crash the worker without a listener.
    proc?.on('error', (err) => this.opts.log?.warn(`python channel: ${err.message}`))
    this.died = new Promise<never>((_, reject) => {
      proc?.once('exit', (code, signal) => {
        this.exitInfo = `Python process exited (code ${code}, signal ${signal})`
        this.opts.log?.warn({ code, signal }, this.exitInfo)
        reject(new PythonDiedError(this.exitInfo))
      })
    })
    this.died.catch(() => {}) // observed through call(); never an unhandled rejection
    return this.call('ping', {})
  }

  get alive(): boolean {
    return this.mod !== null && this.exitInfo === null && this.mod.com.proc !== null
  }

  /**
   * One short runtime call: JSON in, JSON out, the result checked against the method's schema.
   * Rejects at once if Python dies meanwhile.
   */
  async call<M extends RuntimeMethod>(method: M, arg: ArgOf<M>): Promise<ResultOf<M>> {
    const runtime = this.runtime
    if (!this.alive || !runtime || !this.died) throw new PythonDiedError(this.exitInfo ?? 'Python is not running')
    // What we send is checked too: Python would refuse it, less clearly, after the call.
    checked(argSchema(method, arg), arg, `the argument of fsdfm.runtime.${method}`)
    const pending = (async () => JSON.parse(String(await runtime[method](JSON.stringify(arg)))) as unknown)()
    let out: unknown
    try {
      out = await Promise.race([pending, this.died])
    } catch (err) {
      if (err instanceof PythonDiedError) throw err
      throw new PythonCallError(pythonErrorMessage(err))
    }
    return checked(RUNTIME_API[method].result, out, `the answer of fsdfm.runtime.${method}`) as ResultOf<M>
  }

  /** Ensures a live interpreter; returns true when it had to restart one. */
  async ensureAlive(): Promise<boolean> {
    if (this.alive) return false
    await this.start()
    return true
  }

  /** Kills the interpreter (used by tests to simulate a crash, and at shutdown). */
  kill(signal: NodeJS.Signals = 'SIGKILL'): void {
    this.mod?.com.proc?.kill(signal)
  }

  async close(): Promise<void> {
    const proc = this.mod?.com.proc
    if (proc && this.exitInfo === null) {
      const gone = new Promise((r) => proc.once('exit', r))
      proc.kill('SIGTERM')
      await Promise.race([gone, new Promise((r) => setTimeout(r, 3000))])
    }
    // Stops pythonia's housekeeping timer too, which would otherwise keep Node alive; a later
    // start() in the same process spawns a fresh interpreter.
    this.mod?.python.exit()
    this.exitInfo = 'closed'
  }
}

/** pythonia puts the Python exception in the stack text ("*** JS *** ValueError: ..."); keep that part. */
function pythonErrorMessage(err: unknown): string {
  const text = err instanceof Error ? `${err.stack ?? ''}\n${err.message}` : String(err)
  const match = /([A-Za-z_][\w.]*(?:Error|Exception|Interrupt|Exit)): (.*)$/m.exec(text)
  if (match) return `${match[1]}: ${match[2].trim()}`
  return text.split('\n').map((l) => l.trim()).filter(Boolean).slice(-1)[0] ?? 'Python call failed'
}
