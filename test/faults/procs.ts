// Real processes for the fault drills: fsdfm workers and servers as child processes, a private
// redis-server and a private PostgreSQL cluster that a drill may kill, stop and start again.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

interface Teardown {
  teardown(fn: () => unknown): void
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer()
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address()
      const port = typeof address === 'object' && address ? address.port : 0
      srv.close(() => resolve(port))
    })
    srv.on('error', reject)
  })
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

/** A child process whose output is kept, with a way to wait for a line. */
export class Proc {
  /** stdout and stderr, interleaved as they came. */
  output = ''
  /** stdout alone (the log lines of a service). */
  stdout = ''
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>

  constructor(readonly child: ChildProcess) {
    child.stdout?.on('data', (d) => {
      this.output += d
      this.stdout += d
    })
    child.stderr?.on('data', (d) => (this.output += d))
    this.exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })))
  }

  get pid(): number {
    return this.child.pid!
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null
  }

  /** Resolves once the output matches `pattern` (rejects after timeoutMs, with the output). */
  async waitFor(pattern: RegExp, timeoutMs = 120_000): Promise<void> {
    const deadline = Date.now() + timeoutMs
    while (!pattern.test(this.output)) {
      if (Date.now() > deadline) throw new Error(`no ${pattern} within ${timeoutMs} ms; output:\n${this.output.slice(-4000)}`)
      if (!this.running && !pattern.test(this.output)) throw new Error(`exited before ${pattern}; output:\n${this.output.slice(-4000)}`)
      await sleep(50)
    }
  }
}

/** `node bin/fsdfm.js <command>` with the given environment, killed at teardown. */
export function spawnFsdfm(t: Teardown, command: string, env: Record<string, string | undefined>): Proc {
  const child = spawn(process.execPath, ['bin/fsdfm.js', command], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] })
  const proc = new Proc(child)
  t.teardown(() => {
    if (proc.running) {
      child.kill('SIGCONT')
      child.kill('SIGKILL')
    }
  })
  return proc
}

/** A redis-server on a TCP port of its own, without persistence: a restart starts it empty. */
export class PrivateRedis {
  private proc: Proc | null = null
  private constructor(readonly port: number) {}

  static async start(t: Teardown): Promise<PrivateRedis> {
    const r = new PrivateRedis(await freePort())
    await r.start()
    t.teardown(() => r.kill())
    return r
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`
  }

  async start(): Promise<void> {
    this.proc = new Proc(spawn('redis-server', ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: ['ignore', 'pipe', 'pipe'] }))
    await this.proc.waitFor(/Ready to accept connections/, 20_000)
  }

  async kill(): Promise<void> {
    if (this.proc?.running) {
      this.proc.child.kill('SIGKILL')
      await this.proc.exited
    }
  }
}

/** A PostgreSQL cluster of its own (initdb in a temp dir), so a drill can stop and start it. */
export class PrivatePostgres {
  private constructor(
    readonly dir: string,
    readonly port: number,
    private readonly bin: string,
    private readonly asUser: string[],
  ) {}

  /** Null (with the reason) where no PostgreSQL server binaries are installed. */
  static async start(t: Teardown): Promise<PrivatePostgres | string> {
    const versions = existsSync('/usr/lib/postgresql') ? readdirSync('/usr/lib/postgresql').sort((a, b) => Number(b) - Number(a)) : []
    const bin = versions.map((v) => `/usr/lib/postgresql/${v}/bin`).find((b) => existsSync(join(b, 'initdb')))
    if (!bin) return 'no PostgreSQL server binaries (initdb) under /usr/lib/postgresql'
    const dir = mkdtempSync(join(tmpdir(), 'fsdfm-pg-'))
    // PostgreSQL refuses to run as root: run it as the postgres user then.
    const asUser = process.getuid?.() === 0 ? ['runuser', '-u', 'postgres', '--'] : []
    if (asUser.length) {
      const pw = spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' })
      const gw = spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' })
      if (pw.status !== 0) return 'running as root and there is no postgres user'
      chownSync(dir, Number(pw.stdout.trim()), Number(gw.stdout.trim()))
    }
    const pg = new PrivatePostgres(dir, await freePort(), bin, asUser)
    t.teardown(async () => {
      await pg.stop().catch(() => {})
      rmSync(dir, { recursive: true, force: true })
    })
    pg.run('initdb', ['-D', join(dir, 'data'), '-A', 'trust', '-U', 'postgres', '--no-sync'])
    await pg.resume()
    return pg
  }

  get url(): string {
    return `postgres://postgres@127.0.0.1:${this.port}/postgres`
  }

  private run(tool: string, args: string[]): void {
    const [cmd, ...rest] = [...this.asUser, join(this.bin, tool), ...args]
    const r = spawnSync(cmd, rest, { encoding: 'utf8', cwd: this.dir })
    if (r.status !== 0) throw new Error(`${tool} failed (${r.status}): ${r.stdout}\n${r.stderr}`)
  }

  /** Starts the server and waits until it accepts connections. */
  async resume(): Promise<void> {
    const opts = `-p ${this.port} -k ${this.dir} -c listen_addresses=127.0.0.1 -c fsync=off`
    this.run('pg_ctl', ['-D', join(this.dir, 'data'), '-o', opts, '-l', join(this.dir, 'log'), '-w', 'start'])
  }

  /** Stops it the way an operator restarting it would (fast: open connections are closed). */
  async stop(): Promise<void> {
    this.run('pg_ctl', ['-D', join(this.dir, 'data'), '-m', 'fast', '-w', 'stop'])
  }
}
