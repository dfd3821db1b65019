// Render time of the dashboard in headless Chromium (issue 15's goal: under 1 s each on a
// 2-core machine):
//   (a) a job page with 100,000 metric points (4 series of 25,000 steps, logged in batches of
//       100 steps, so the page also replays 250 metric events from the job's stream);
//   (b) a sweep page with 500 trials (table, parallel coordinates, objective by parameter).
// Timed from the navigation to the moment the charts publish every point (window.__fsdfm), so
// it includes the api's answers. "cold": a fresh page load (bundle included); "warm": moving to
// the page inside the running dashboard. The job page is timed both ways in the same run: as it
// loads by default (a summary of each series sized to the screen, GET …/metrics?maxPoints=…)
// and with every point (#/jobs/ID?points=all, how it loaded before summaries). A benchmark, not
// a test: it asserts nothing.
// Run: node --import tsx bench/dashboard.ts   (writes bench/results-dashboard.md)
// Uses PostgreSQL and Redis like the tests (TEST_DATABASE_URL / TEST_REDIS_URL), in a fresh
// schema and queue prefix removed afterwards; the api only (no worker: nothing runs).
import { execSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { cpus, loadavg, totalmem, tmpdir } from 'node:os'
import { join } from 'node:path'
import { Redis } from 'ioredis'
import pg from 'pg'
import type { Page } from 'playwright-core'
import { startServices } from '../src/cli/services.ts'
import { loadConfig } from '../src/config.ts'
import { launchChromium } from '../test/browser/chromium.ts'
import { silentLogger } from '../src/util/log.ts'

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5)
const STEPS = 25_000
const SERIES = ['train/loss', 'train/lr', 'train/grad_norm', 'train/tokens_per_s']
const TRIALS = 500
const DATABASE_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test'
const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379'

/** What the dashboard's charts publish (web/src/components/chart.tsx, plot.tsx). */
interface Published {
  charts: Record<string, { series: { points: number; total: number }[] }>
  plots?: Record<string, { lines?: number }>
}

const tag = randomBytes(4).toString('hex')
const schema = `fsdfm_bench_${tag}`
const prefix = `fsdfm-bench-${tag}`
const dataDir = mkdtempSync(join(tmpdir(), 'fsdfm-bench-'))
const svc = await startServices(
  loadConfig({ DATABASE_URL, FSDFM_DB_SCHEMA: schema, REDIS_URL, FSDFM_QUEUE_PREFIX: prefix, FSDFM_DATA_DIR: dataDir, FSDFM_PORT: '0', FSDFM_AUTH: 'off' }),
  'api',
  { log: silentLogger() },
)
const base = svc.baseUrl!
const browser = await launchChromium()

async function cleanup() {
  await browser.close().catch(() => {})
  await svc.close()
  const client = new pg.Client({ connectionString: DATABASE_URL })
  await client.connect()
  await client.query(`drop schema if exists ${schema} cascade`)
  await client.end()
  const redis = new Redis(REDIS_URL)
  const keys = await redis.keys(`${prefix}:*`)
  if (keys.length) await redis.del(...keys)
  redis.disconnect()
  rmSync(dataDir, { recursive: true, force: true })
}

try {
  // (a) A job (queued: no worker here) with 100,000 points, written the way a worker writes them.
  const res = await fetch(`${base}/v1/jobs`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ kind: 'sample', name: 'bench: 100k points', spec: { model: { preset: 'tiny' }, steps: 8, count: 2, seqLen: 32 } }),
  })
  const job = (await res.json()) as { id: string }
  for (let from = 1; from <= STEPS; from += 100) {
    const points = []
    for (let step = from; step < from + 100; step++) {
      points.push(
        { name: 'train/loss', step, value: 4 * Math.exp(-step / 5000) + 1.5 + 0.2 * Math.sin(step / 7) },
        { name: 'train/lr', step, value: 3e-4 * Math.min(1, step / 1000) },
        { name: 'train/grad_norm', step, value: 1 + Math.abs(Math.sin(step / 50)) },
        { name: 'train/tokens_per_s', step, value: 20000 + 500 * Math.cos(step / 300) },
      )
    }
    await svc.store.metrics.record(job.id, points)
  }

  // (b) A finished sweep of 500 trials over four parameters, some pruned.
  const request = {
    name: 'bench: 500 trials',
    base: { kind: 'pretrain', spec: {} },
    space: { lr: { logUniform: [1e-5, 1e-2] }, emaDecay: { choice: [0.99, 0.999, 0.9999] }, warmupSteps: { int: [0, 500] }, dropout: { uniform: [0, 0.3] } },
    method: 'random',
    seed: 0,
    maxTrials: TRIALS,
    maxConcurrent: 8,
    objective: { metric: 'train/loss', mode: 'min' },
  }
  let seed = 1
  const rand = () => ((seed = (seed * 16807) % 2147483647) - 1) / 2147483646
  const plan = Array.from({ length: TRIALS }, () => ({ lr: 10 ** (-5 + 3 * rand()), emaDecay: [0.99, 0.999, 0.9999][Math.floor(rand() * 3)], warmupSteps: Math.floor(rand() * 501), dropout: 0.3 * rand() }))
  const sweep = await svc.store.sweeps.create({ spec: { request, plan, sampler: false }, state: 'succeeded' })
  for (let i = 0; i < TRIALS; i++) {
    const p = plan[i]
    const loss = 1.5 + Math.abs(Math.log10(p.lr) + 3) * 0.8 + p.dropout + rand() * 0.3
    const pruned = rand() < 0.3
    await svc.store.sweeps.upsertTrial(sweep.id, { trialIndex: i, params: p, state: pruned ? 'pruned' : 'succeeded', objective: loss, metrics: { values: { 'train/loss': loss }, step: pruned ? 300 : 1000 } })
  }

  const jobDone = () => {
    const c = (window as unknown as { __fsdfm?: Published }).__fsdfm?.charts ?? {}
    // Drawn: every point, or a summary standing for all 25,000 (the last step included).
    return ['train/loss', 'train/lr', 'train/grad_norm', 'train/tokens_per_s'].every((n) => c[n]?.series[0].total === 25_000 && c[n].series[0].points > 0)
  }
  const sweepDone = () => (window as unknown as { __fsdfm?: Published }).__fsdfm?.plots?.['sweep-parallel']?.lines === 500 && document.querySelectorAll('tr[data-trial]').length === 500

  async function time(page: Page, go: () => Promise<unknown>, done: () => boolean): Promise<number> {
    const start = Date.now()
    await go()
    await page.waitForFunction(done, undefined, { timeout: 60_000, polling: 'raf' })
    return Date.now() - start
  }

  // What the page asks for at 1280 × 800 (web/src/components/metrics.ts: screenPoints).
  const maxPoints = 2560
  const results: Record<string, number[]> = {
    'job, cold (summary, the default)': [],
    'job, cold (every point: ?points=all, as before)': [],
    'job, warm (summary)': [],
    'job, warm (every point)': [],
    'sweep, cold': [],
    'sweep, warm': [],
    [`api alone: GET …/metrics?maxPoints=${maxPoints} (summary)`]: [],
    'api alone: GET …/metrics?limit=100000 (every point)': [],
    'api alone: GET /v1/sweeps/{id}': [],
  }
  const bytes = { summary: 0, all: 0, summaryPoints: 0 }
  for (let round = 0; round < ROUNDS + 1; round++) {
    const t0 = Date.now()
    const summary = await (await fetch(`${base}/v1/jobs/${job.id}/metrics?maxPoints=${maxPoints}`)).arrayBuffer()
    const t1 = Date.now()
    const all = await (await fetch(`${base}/v1/jobs/${job.id}/metrics?limit=100000`)).arrayBuffer()
    const t2 = Date.now()
    await (await fetch(`${base}/v1/sweeps/${sweep.id}`)).arrayBuffer()
    const t3 = Date.now()
    bytes.summary = summary.byteLength
    bytes.all = all.byteLength
    bytes.summaryPoints = (JSON.parse(new TextDecoder().decode(summary)) as { series: { points: unknown[] }[] }).series.reduce((n, s) => n + s.points.length, 0)
    if (round > 0) {
      results[`api alone: GET …/metrics?maxPoints=${maxPoints} (summary)`].push(t1 - t0)
      results['api alone: GET …/metrics?limit=100000 (every point)'].push(t2 - t1)
      results['api alone: GET /v1/sweeps/{id}'].push(t3 - t2)
    }
    const page = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage()
    const jobCold = await time(page, () => page.goto(`${base}/#/jobs/${job.id}`), jobDone)
    const sweepWarm = await time(page, () => page.evaluate((id) => (location.hash = `#/sweeps/${id}`), sweep.id), sweepDone)
    const sweepCold = await time(page, () => page.goto(`${base}/#/sweeps/${sweep.id}`).then(() => page.reload()), sweepDone)
    const jobWarm = await time(page, () => page.evaluate((id) => (location.hash = `#/jobs/${id}`), job.id), jobDone)
    // The charts published by the summary page go first, or the next wait would end at once.
    const allWarm = await time(page, () => page.evaluate((id) => ((window as unknown as { __fsdfm: Published }).__fsdfm.charts = {}, (location.hash = `#/jobs/${id}?points=all`)), job.id), jobDone)
    const allCold = await time(page, () => page.goto('about:blank').then(() => page.goto(`${base}/#/jobs/${job.id}?points=all`)), jobDone)
    if (round === 0) {
      await page.screenshot({ path: join(dataDir, 'warmup.png') })
    } else {
      // The first round warms the database's caches and the api's code paths; it is not counted.
      results['job, cold (summary, the default)'].push(jobCold)
      results['job, cold (every point: ?points=all, as before)'].push(allCold)
      results['job, warm (summary)'].push(jobWarm)
      results['job, warm (every point)'].push(allWarm)
      results['sweep, cold'].push(sweepCold)
      results['sweep, warm'].push(sweepWarm)
    }
    await page.context().close()
  }

  const load = loadavg()
  const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)]
  const commit = execSync('git rev-parse --short HEAD', { encoding: 'utf8' }).trim()
  const dirty = execSync('git status --porcelain --untracked-files=no', { encoding: 'utf8' }).trim() ? ' (modified)' : ''
  const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, Chromium ${browser.version()}`
  const rows = Object.entries(results).map(([what, v]) => `| ${what} | ${median(v)} | ${Math.min(...v)} | ${Math.max(...v)} |`)
  const text = `# Dashboard render benchmark

\`node --import tsx bench/dashboard.ts\` (${ROUNDS} rounds after one warm-up; milliseconds from the
navigation until every point is drawn, the api's answers included). Goal: under 1,000 ms each.

- machine: ${machine}
- commit: ${commit}${dirty}, ${new Date().toISOString().slice(0, 16)} UTC; load average during the run ${load.map((l) => l.toFixed(1)).join(', ')} (1, 5, 15 min; other work shared the cores)
- job: ${SERIES.length} series × ${STEPS.toLocaleString('en')} steps = ${(SERIES.length * STEPS).toLocaleString('en')} points (uPlot), plus the job's 250 metric events replayed from its stream;
  summary (the default): \`maxPoints=${maxPoints}\`, ${bytes.summaryPoints.toLocaleString('en')} points in ${(bytes.summary / 1024).toFixed(0)} KiB of JSON; every point: ${(bytes.all / 2 ** 20).toFixed(1)} MiB
- sweep: ${TRIALS} trials over 4 parameters (table, parallel coordinates, 4 objective plots; SVG)
- cold: a fresh page load (the bundle too); warm: moving to the page inside the running dashboard

| page | median ms | min | max |
| --- | ---: | ---: | ---: |
${rows.join('\n')}
`
  writeFileSync(new URL('./results-dashboard.md', import.meta.url), text)
  console.log(text)
} finally {
  await cleanup()
}
