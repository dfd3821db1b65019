// The service's own overhead, measured side by side in one run and printed as ratios:
//   (a) submit -> running -> Python run start, with a warm, idle worker (tiny sample jobs);
//   (b) GET /v1/jobs/{id} throughput vs a bare Fastify route serving the same JSON;
//   (c) the bridge round trip vs a JSON round trip and vs a raw pythonia call;
//   (d) an 8-step sample job through the API vs the same run started on Python directly.
// A benchmark, not a test: it asserts nothing. Run: node --import tsx bench/service.ts
// Uses Redis and PostgreSQL like the tests (TEST_REDIS_URL / TEST_DATABASE_URL, defaulting to
// 127.0.0.1), in a fresh schema and queue prefix removed afterwards; --embedded (or neither
// reachable) uses the embedded defaults instead (PGlite and a private redis-server).
import { execSync } from 'node:child_process'
import { randomBytes, randomUUID } from 'node:crypto'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { cpus, loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { Worker } from 'node:worker_threads'
import Fastify from 'fastify'
import { Redis } from 'ioredis'
import pg from 'pg'
import { startServices, type Services } from '../src/cli/services.ts'
import { loadConfig } from '../src/config.ts'
import { silentLogger } from '../src/util/log.ts'
import type { Job } from '../src/store/types.ts'
import type { ArgOf, RunStatus, RuntimeMethod } from '../src/worker/runtime-api.ts'

const SAMPLE_JOBS = Number(process.env.BENCH_SAMPLE_JOBS ?? 30)
const READS = Number(process.env.BENCH_READS ?? 2000)
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16)
const READ_ROUNDS = 3
const BRIDGE_CALLS = Number(process.env.BENCH_BRIDGE_CALLS ?? 500)
const OVERHEAD_JOBS = Number(process.env.BENCH_OVERHEAD_JOBS ?? 5)
const DEADLINE_MS = 180_000

const tinySample = (steps: number) => ({ kind: 'sample', spec: { model: { preset: 'tiny' }, steps, count: 2, batchSize: 2, seqLen: 16, seed: 1 } })
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))
const ms = (iso: string | null) => (iso ? Date.parse(iso) : NaN)

// ---------------------------------------------------------------------------------------
// Statistics and printing

function quantile(values: number[], q: number): number {
  const sorted = values.filter(Number.isFinite).sort((a, b) => a - b)
  if (!sorted.length) return NaN
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] // nearest rank
}
const median = (v: number[]) => quantile(v, 0.5)
const p90 = (v: number[]) => quantile(v, 0.9)
const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length
const fmt = (x: number, digits = 1) => (Number.isFinite(x) ? x.toFixed(digits) : 'n/a')
const ratio = (a: number, b: number) => (Number.isFinite(a / b) ? `${(a / b).toFixed(a / b >= 100 ? 0 : a / b >= 10 ? 1 : 2)}x` : 'n/a')

interface Row {
  what: string
  value: string
  ratio?: string
}
const sections: { title: string; ratioHeader?: string; rows: Row[]; note?: string }[] = []

function table(): string {
  const w0 = Math.max(...sections.flatMap((s) => s.rows.map((r) => r.what.length)), 10)
  const w1 = Math.max(...sections.flatMap((s) => s.rows.map((r) => r.value.length)), 10)
  const lines: string[] = []
  for (const s of sections) {
    lines.push('', s.title)
    if (s.ratioHeader) lines.push(`  ${''.padEnd(w0)}  ${''.padStart(w1)}  ${s.ratioHeader}`)
    for (const r of s.rows) lines.push(`  ${r.what.padEnd(w0)}  ${r.value.padStart(w1)}  ${r.ratio ?? ''}`.trimEnd())
    if (s.note) lines.push(`  (${s.note})`)
  }
  return lines.join('\n')
}

// ---------------------------------------------------------------------------------------
// Setup: real Redis and PostgreSQL when reachable (isolated like the tests), else embedded

async function reachable(dbUrl: string, redisUrl: string): Promise<boolean> {
  try {
    const client = new pg.Client({ connectionString: dbUrl, connectionTimeoutMillis: 2000 })
    await client.connect()
    await client.end()
    const redis = new Redis(redisUrl, { lazyConnect: true, connectTimeout: 2000, maxRetriesPerRequest: 0, retryStrategy: () => null })
    await redis.connect()
    await redis.ping()
    redis.disconnect()
    return true
  } catch {
    return false
  }
}

async function setup(): Promise<{ svc: Services; storeKind: string; cleanup: () => Promise<void> }> {
  const dbUrl = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test'
  const redisUrl = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379'
  const tag = randomBytes(4).toString('hex')
  const dataDir = mkdtempSync(join(tmpdir(), 'fsdfm-bench-'))
  const external = !process.argv.includes('--embedded') && (await reachable(dbUrl, redisUrl))
  const schema = `fsdfm_bench_${tag}`
  const prefix = `fsdfm-bench-${tag}`
  const config = loadConfig({
    FSDFM_DATA_DIR: dataDir,
    FSDFM_PORT: 0,
    FSDFM_HOST: '127.0.0.1',
    FSDFM_QUEUE_PREFIX: prefix,
    ...(external ? { DATABASE_URL: dbUrl, FSDFM_DB_SCHEMA: schema, REDIS_URL: redisUrl } : {}),
  }, external ? process.env : { ...process.env, DATABASE_URL: '', REDIS_URL: '' })
  const svc = await startServices(config, 'up', { log: silentLogger() })
  const cleanup = async () => {
    await svc.close()
    if (external) {
      const client = new pg.Client({ connectionString: dbUrl })
      await client.connect()
      await client.query(`drop schema if exists ${schema} cascade`)
      await client.end()
      const redis = new Redis(redisUrl)
      const keys = await redis.keys(`${prefix}:*`)
      if (keys.length) await redis.del(...keys)
      redis.disconnect()
    }
    rmSync(dataDir, { recursive: true, force: true })
  }
  return { svc, storeKind: external ? 'PostgreSQL + Redis (127.0.0.1)' : 'embedded: PGlite + private redis-server', cleanup }
}

// ---------------------------------------------------------------------------------------
// Helpers on a running service

async function submit(base: string, body: unknown): Promise<{ id: string; submittedAt: number }> {
  const submittedAt = Date.now()
  const res = await fetch(`${base}/v1/jobs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
  const json = (await res.json()) as { id: string }
  if (res.status !== 201) throw new Error(`submit answered ${res.status}: ${JSON.stringify(json)}`)
  return { id: json.id, submittedAt }
}

async function waitTerminal(svc: Services, id: string, timeoutMs = 60_000): Promise<Job> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const job = await svc.store.jobs.get(id)
    if (job && ['succeeded', 'failed', 'cancelled'].includes(job.state)) {
      if (job.state !== 'succeeded') throw new Error(`job ${id} ended ${job.state}: ${JSON.stringify(job.error)}`)
      return job
    }
    if (Date.now() > deadline) throw new Error(`job ${id} still ${job?.state} after ${timeoutMs} ms`)
    await sleep(10)
  }
}

/** Python's own clock: the first and last lines of the run's log.txt ("<iso> ... started on cpu", "<iso> run ... succeeded"). */
async function pythonSpan(svc: Services, jobId: string): Promise<{ start: number; end: number }> {
  const log = await svc.store.artifacts.get(jobId, 'log.txt')
  if (!log) return { start: NaN, end: NaN }
  const lines = readFileSync(log.path, 'utf8').trim().split('\n')
  const at = (line: string | undefined) => Date.parse(line?.split(' ')[0] ?? '')
  return { start: at(lines.find((l) => l.includes(' started on '))), end: at(lines.filter((l) => / run \S+ (succeeded|failed|cancelled)$/.test(l)).at(-1)) }
}

// ---------------------------------------------------------------------------------------
// (a) submit -> running -> Python start, warm worker

async function submitLatency(svc: Services): Promise<void> {
  const base = svc.baseUrl!
  await waitTerminal(svc, (await submit(base, tinySample(4))).id) // warm-up: imports, first model build
  const toCreated: number[] = []
  const toRunning: number[] = []
  const toPython: number[] = []
  const pythonRun: number[] = []
  const toDone: number[] = []
  for (let i = 0; i < SAMPLE_JOBS; i++) {
    await sleep(100) // let the worker go back to waiting on the queue: the idle-worker path
    const { id, submittedAt } = await submit(base, tinySample(4))
    const job = await waitTerminal(svc, id)
    const py = await pythonSpan(svc, id)
    toCreated.push(ms(job.createdAt) - submittedAt)
    toRunning.push(ms(job.startedAt) - submittedAt)
    toPython.push(py.start - submittedAt)
    pythonRun.push(py.end - py.start)
    toDone.push(ms(job.finishedAt) - submittedAt)
  }
  const row = (what: string, v: number[]): Row => ({ what, value: `${fmt(median(v))} / ${fmt(p90(v))} ms` })
  sections.push({
    title: `(a) submit latency, warm idle worker, ${SAMPLE_JOBS} tiny sample jobs (4 steps), median / p90`,
    ratioHeader: 'median / Python run',
    rows: [
      row('POST -> row stored (createdAt)', toCreated),
      row('POST -> running (startedAt)', toRunning),
      row('POST -> Python run start (log.txt)', toPython),
      row('Python run start -> end (log.txt)', pythonRun),
      { ...row('POST -> succeeded (finishedAt)', toDone), ratio: ratio(median(toDone), median(pythonRun)) },
    ],
    note: `${toRunning.filter((v) => v >= 90).length}/${toRunning.length} jobs took >= 90 ms to running (the worker found the row uncommitted and slept 100 ms); worker polls Python every FSDFM_POLL_MS = ${svc.config.FSDFM_POLL_MS} ms; client, PostgreSQL and Python clocks are this host's`,
  })
}

// ---------------------------------------------------------------------------------------
// (b) status reads: our api vs bare Fastify, load from a worker thread (its own event loop)

const LOAD_WORKER = `
const { parentPort } = require('node:worker_threads')
parentPort.on('message', async ({ url, total, concurrency }) => {
  let next = 0, errors = 0, bytes = 0
  const t0 = performance.now()
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < total) {
      next++
      try {
        const res = await fetch(url, { signal: AbortSignal.timeout(10000) })
        bytes += (await res.arrayBuffer()).byteLength
        if (res.status !== 200) errors++
      } catch { errors++ }
    }
  }))
  parentPort.postMessage({ seconds: (performance.now() - t0) / 1000, errors, bytes })
})
`

async function statusReads(svc: Services, jobId: string): Promise<void> {
  const view = await (await fetch(`${svc.baseUrl}/v1/jobs/${jobId}`)).json()
  const bare = Fastify({ logger: false })
  bare.get('/v1/jobs/:id', async () => view)
  bare.get('/store/v1/jobs/:id', async (request) => svc.store.jobs.get((request.params as { id: string }).id))
  await bare.listen({ host: '127.0.0.1', port: 0 })
  const port = (bare.server.address() as { port: number }).port
  const load = new Worker(LOAD_WORKER, { eval: true })
  const run = (url: string, total: number) =>
    new Promise<{ seconds: number; errors: number; bytes: number }>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`load run on ${url} took over 60 s`)), 60_000)
      load.once('message', (m) => {
        clearTimeout(timer)
        resolve(m)
      })
      load.postMessage({ url, total, concurrency: CONCURRENCY })
    })
  const targets = {
    api: `${svc.baseUrl}/v1/jobs/${jobId}`,
    bareStatic: `http://127.0.0.1:${port}/v1/jobs/${jobId}`,
    bareStore: `http://127.0.0.1:${port}/store/v1/jobs/${jobId}`,
  }
  const rps: Record<keyof typeof targets, number[]> = { api: [], bareStatic: [], bareStore: [] }
  let errors = 0
  let size = 0
  try {
    for (const url of Object.values(targets)) await run(url, 200) // warm-up: connections, JIT
    for (let round = 0; round < READ_ROUNDS; round++) {
      for (const [name, url] of Object.entries(targets) as [keyof typeof targets, string][]) {
        const r = await run(url, READS)
        rps[name].push(READS / r.seconds)
        errors += r.errors
        if (name === 'api') size = r.bytes / READS
      }
    }
  } finally {
    await load.terminate()
    await bare.close()
  }
  const api = median(rps.api)
  sections.push({
    title: `(b) GET /v1/jobs/{id}: ${READS} requests at concurrency ${CONCURRENCY}, median of ${READ_ROUNDS} interleaved rounds (${Math.round(size)} B body)`,
    ratioHeader: 'this / our api',
    rows: [
      { what: 'our api (schema, store read)', value: `${fmt(api, 0)} req/s`, ratio: '1.00x' },
      { what: 'bare Fastify, same JSON (constant)', value: `${fmt(median(rps.bareStatic), 0)} req/s`, ratio: ratio(median(rps.bareStatic), api) },
      { what: 'bare Fastify + the same store.jobs.get', value: `${fmt(median(rps.bareStore), 0)} req/s`, ratio: ratio(median(rps.bareStore), api) },
    ],
    note: `loopback, load from a worker thread in this process; ${errors} errors`,
  })
}

// ---------------------------------------------------------------------------------------
// (c) bridge round trip

async function timeCalls(n: number, fn: () => Promise<unknown>): Promise<number[]> {
  for (let i = 0; i < 20; i++) await fn() // warm-up
  const out: number[] = []
  for (let i = 0; i < n; i++) {
    const t0 = performance.now()
    await fn()
    out.push(performance.now() - t0)
  }
  return out
}

async function bridgeRoundTrip(svc: Services): Promise<void> {
  const bridge = svc.worker!.bridge
  const ping = await bridge.call('ping', {})
  // The JSON work the bridge does around each call, alone (timed in batches: one is sub-microsecond).
  const json: number[] = []
  for (let b = 0; b < 20; b++) {
    const t0 = performance.now()
    for (let i = 0; i < BRIDGE_CALLS; i++) JSON.parse(JSON.stringify(ping))
    json.push((performance.now() - t0) / BRIDGE_CALLS)
  }
  // pythonia keeps one Python process per Node process: these raw calls reach the worker's interpreter.
  const { python } = createRequire(import.meta.url)('pythonia') as { python: (m: string) => Promise<any> }
  const math = await python('math')
  const runtime = await python('fsdfm.runtime')
  const rawTrivial = await timeCalls(BRIDGE_CALLS, () => math.fabs(-1))
  const rawPing = await timeCalls(BRIDGE_CALLS, () => runtime.ping('{}'))
  const viaBridge = await timeCalls(BRIDGE_CALLS, () => bridge.call('ping', {}))
  const row = (what: string, v: number[], unit = 'ms', scale = 1): Row => ({ what, value: `${fmt(mean(v) * scale, 3)} / ${fmt(median(v) * scale, 3)} ${unit}` })
  sections.push({
    title: `(c) bridge round trip, ${BRIDGE_CALLS} sequential calls each, mean / median`,
    ratioHeader: 'bridge / this (medians)',
    rows: [
      { ...row('JSON.parse(JSON.stringify(ping reply))', json, 'us', 1000), ratio: ratio(median(viaBridge), median(json)) },
      { ...row('raw pythonia: math.fabs(-1)', rawTrivial), ratio: ratio(median(viaBridge), median(rawTrivial)) },
      { ...row('raw pythonia: fsdfm.runtime.ping(str)', rawPing), ratio: ratio(median(viaBridge), median(rawPing)) },
      { ...row("PythonBridge.call('ping')", viaBridge), ratio: '1.00x' },
    ],
  })
}

// ---------------------------------------------------------------------------------------
// (d) an 8-step sample job through the service vs the same run started on Python directly

async function serviceOverhead(svc: Services): Promise<void> {
  const bridge = svc.worker!.bridge
  // Capture exactly what the worker hands Python for such a job, to replay it directly.
  let captured: ArgOf<'start'> | null = null
  const call = bridge.call.bind(bridge)
  bridge.call = (async (method: RuntimeMethod, arg: ArgOf<RuntimeMethod>) => {
    if (method === 'start' && !captured) captured = arg as ArgOf<'start'>
    return call(method, arg)
  }) as typeof bridge.call
  const viaApi: number[] = []
  const apiPythonWall: number[] = []
  try {
    await waitTerminal(svc, (await submit(svc.baseUrl!, tinySample(8))).id) // warm-up (and capture)
    for (let i = 0; i < OVERHEAD_JOBS; i++) {
      await sleep(100)
      const { id, submittedAt } = await submit(svc.baseUrl!, tinySample(8))
      const job = await waitTerminal(svc, id)
      viaApi.push(ms(job.finishedAt) - submittedAt)
      apiPythonWall.push(Number((job.result as { wallSeconds?: number }).wallSeconds) * 1000)
    }
  } finally {
    bridge.call = call
  }
  if (!captured) throw new Error('the worker never started a Python run')
  const spec: ArgOf<'start'> = captured
  const direct: number[] = []
  const directWall: number[] = []
  const workDir = mkdtempSync(join(tmpdir(), 'fsdfm-bench-direct-'))
  try {
    for (let i = 0; i < OVERHEAD_JOBS + 1; i++) {
      const jobId = randomUUID()
      const t0 = performance.now()
      const { runId } = await bridge.call('start', { ...spec, jobId, workDir: join(workDir, jobId) })
      let status: RunStatus
      const deadline = Date.now() + 60_000
      do {
        if (Date.now() > deadline) throw new Error('direct run took over 60 s')
        await sleep(1)
        status = await bridge.call('poll', { runId })
      } while (status.state === 'running')
      const elapsed = performance.now() - t0
      await bridge.call('forget', { runId })
      if (status.state !== 'succeeded') throw new Error(`direct run ${status.state}: ${JSON.stringify(status.error)}`)
      if (i === 0) continue // warm-up
      direct.push(elapsed)
      directWall.push(Number(status.result?.wallSeconds) * 1000)
    }
  } finally {
    rmSync(workDir, { recursive: true, force: true })
  }
  const api = median(viaApi)
  sections.push({
    title: `(d) 8-step tiny sample job, ${OVERHEAD_JOBS} runs each, median`,
    ratioHeader: 'API / this',
    rows: [
      { what: 'through the API: POST -> succeeded', value: `${fmt(api)} ms`, ratio: '1.00x' },
      { what: 'direct: bridge start -> poll done (1 ms)', value: `${fmt(median(direct))} ms`, ratio: ratio(api, median(direct)) },
      { what: 'Python wallSeconds (sampling), API runs', value: `${fmt(median(apiPythonWall))} ms`, ratio: ratio(api, median(apiPythonWall)) },
      { what: 'Python wallSeconds (sampling), direct', value: `${fmt(median(directWall))} ms`, ratio: ratio(api, median(directWall)) },
    ],
    note: 'direct = the same start spec the worker sent, polled every 1 ms: no HTTP, store, queue or FSDFM_POLL_MS wait; it includes model construction, wallSeconds does not',
  })
}

// ---------------------------------------------------------------------------------------

function machine(): { cpu: string; nproc: number; commit: string; node: string } {
  const model = /model name\s*:\s*(.*)/.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? cpus()[0]?.model ?? 'unknown'
  let commit = 'unknown'
  try {
    commit = execSync('git rev-parse --short HEAD', { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim()
    if (execSync('git status --porcelain -- src bench', { encoding: 'utf8' }).trim()) commit += ' (with uncommitted changes in src/ or bench/)'
  } catch {
    // not a git checkout
  }
  return { cpu: model, nproc: cpus().length, commit, node: process.version }
}

async function main(): Promise<void> {
  const watchdog = setTimeout(() => {
    console.error(`benchmark exceeded ${DEADLINE_MS / 1000} s; giving up`)
    process.exit(2)
  }, DEADLINE_MS)
  watchdog.unref()
  const started = performance.now()
  const m = machine()
  const load = loadavg().map((l) => l.toFixed(2)).join(' ')
  const { svc, storeKind, cleanup } = await setup()
  let body: string
  try {
    console.log(`fsdfm service benchmark: ${m.cpu}, ${m.nproc} CPUs, Node ${m.node}, commit ${m.commit}, store ${storeKind}, load average ${load}`)
    await submitLatency(svc)
    console.log('(a) done')
    const { rows } = await svc.store.db.query<{ id: string }>("select id from jobs where state = 'succeeded' order by created_at desc limit 1")
    await statusReads(svc, rows[0].id)
    console.log('(b) done')
    await bridgeRoundTrip(svc)
    console.log('(c) done')
    await serviceOverhead(svc)
    body = table()
  } finally {
    await cleanup()
  }
  const seconds = (performance.now() - started) / 1000
  console.log(body)
  console.log(`\ntotal ${seconds.toFixed(0)} s`)
  const md = [
    '# Service overhead benchmark (bench/service.ts)',
    '',
    `- command: \`node --import tsx bench/service.ts${process.argv.slice(2).map((a) => ` ${a}`).join('')}\``,
    `- date: ${new Date().toISOString()}`,
    `- commit: ${m.commit}`,
    `- machine: ${m.cpu}, nproc ${m.nproc}, Node ${m.node}, load average at start ${load}`,
    `- store and queue: ${storeKind}; FSDFM_POLL_MS ${svc.config.FSDFM_POLL_MS}`,
    `- took ${seconds.toFixed(0)} s`,
    '',
    '```',
    body.trim(),
    '```',
    '',
  ].join('\n')
  writeFileSync(new URL('./results-service.md', import.meta.url), md)
  console.log('written to bench/results-service.md')
}

await main()
