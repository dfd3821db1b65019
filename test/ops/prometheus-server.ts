// A real Prometheus server (Debian's `prometheus`) scraping an fsdfm service with the deployment's
// own scrape config (docker/prometheus.yml), only its interval, target and token file rewritten.
// test/ops/prometheus.test.ts asserts PromQL over it; scripts/monitoring-screenshot.ts
// photographs its graph page over a real run.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parse, stringify } from 'yaml'
import { eventually } from '../helpers.ts'

/** Something that runs clean-ups when it ends: a tap test, or a script's own list. */
export interface Teardown {
  teardown(fn: () => unknown): void
}

/** Why no Prometheus can run on this machine, or false when one can. */
export function prometheusMissing(): string | false {
  return spawnSync('sh', ['-c', 'command -v prometheus']).status === 0 ? false : 'prometheus is not installed: apt-get install prometheus (scripts/test.sh does)'
}

/** docker/prometheus.yml as it ships. */
export function shippedConfig() {
  return parse(readFileSync(new URL('../../docker/prometheus.yml', import.meta.url), 'utf8'))
}

/** A free TCP port on the loopback address. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number }
      server.close(() => resolve(port))
    })
  })
}

export interface PromSample {
  metric: Record<string, string>
  value: [number, string]
}

export interface PrometheusServer {
  /** Its web UI and HTTP API, e.g. http://127.0.0.1:41234. */
  base: string
  /** True when it answered /-/ready in time and is still running; otherwise `stderr()` says why. */
  ready: boolean
  stderr(): string
  /** An instant PromQL query over its HTTP API (throws with Prometheus's error when it refuses one). */
  query(promql: string): Promise<PromSample[]>
  /** The first result's value, or null when there is none. */
  value(promql: string): Promise<number | null>
}

export interface PrometheusOptions {
  /** The fsdfm api to scrape, host:port. */
  target: string
  /** The bearer token it sends (written to the token file the config names). */
  token: string
  /** Scrape and evaluation interval (default 1s: tests and screenshots need points quickly). */
  interval?: string
  readyTimeoutMs?: number
}

/** Starts Prometheus on a free port with a temporary config and TSDB; `t`'s teardown stops it and removes both. */
export async function startPrometheus(t: Teardown, opts: PrometheusOptions): Promise<PrometheusServer> {
  const dir = mkdtempSync(join(tmpdir(), 'fsdfm-prometheus-'))
  writeFileSync(join(dir, 'token'), opts.token)
  const interval = opts.interval ?? '1s'
  const config = shippedConfig()
  config.global = { ...config.global, scrape_interval: interval, scrape_timeout: interval, evaluation_interval: interval }
  const job = config.scrape_configs[0]
  job.authorization.credentials_file = join(dir, 'token')
  job.static_configs = [{ targets: [opts.target] }]
  writeFileSync(join(dir, 'prometheus.yml'), stringify(config))

  const port = await freePort()
  const prom: ChildProcess = spawn(
    'prometheus',
    [`--config.file=${join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`, '--log.level=warn'],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  )
  let stderr = ''
  prom.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
  const exited = new Promise<void>((resolve) => prom.once('exit', () => resolve()))
  // One clean-up for both, in this order, whatever order the caller runs its clean-ups in.
  t.teardown(async () => {
    if (prom.exitCode === null && prom.signalCode === null) prom.kill('SIGTERM')
    await exited
    rmSync(dir, { recursive: true, force: true })
  })
  const running = () => prom.exitCode === null && prom.signalCode === null
  const base = `http://127.0.0.1:${port}`
  const ready = await eventually(
    () => fetch(`${base}/-/ready`).then((r) => r.ok, () => !running()),
    (ok) => ok,
    opts.readyTimeoutMs ?? 60_000,
  )

  const query = async (promql: string): Promise<PromSample[]> => {
    const res = await fetch(`${base}/api/v1/query?query=${encodeURIComponent(promql)}`)
    const body = (await res.json()) as { status: string; data?: { result: PromSample[] }; error?: string }
    if (body.status !== 'success') throw new Error(`${promql}: ${body.error}`)
    return body.data!.result
  }
  return {
    base,
    ready: ready && running(),
    stderr: () => (running() ? stderr : `it exited: ${stderr}`),
    query,
    value: async (promql) => {
      const r = await query(promql)
      return r.length ? Number(r[0].value[1]) : null
    },
  }
}
