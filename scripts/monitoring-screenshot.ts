// Screenshots of monitoring over a real run, for the README's "Operating it" (issue #16): a real
// service (api + worker + Python; the embedded PGlite store and a private Redis, in a temporary
// directory) scraped every second by a real Prometheus with the deployment's scrape config
// (test/ops/prometheus-server.ts), while it runs a dataset, a short pretrain (loss and throughput
// while it trains), sample jobs queued behind it, one training job cancelled mid-run and one
// refused submission. Then Debian's Chromium opens Prometheus's own graph page over the range of
// the run with the queries of the Grafana dashboard (taken from
// docker/grafana/dashboards/fsdfm.json by panel title, so the two cannot drift apart), and the
// fsdfm dashboard's Operations page is shot mid-run. Grafana itself is not installed here.
// Writes docs/screenshots/prometheus-jobs.png, prometheus-queues.png and monitoring-ops.png (or
// into FSDFM_SCREENSHOTS). Needs prometheus, chromium, redis-server and Python with PyTorch.
// Run: npm run screenshot:monitoring
import { execFileSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { DASHBOARD_DIR } from '../src/api/dashboard.ts'
import { startServices } from '../src/cli/services.ts'
import { loadConfig } from '../src/config.ts'
import type { JobView } from '../src/schemas/views.ts'
import { silentLogger } from '../src/util/log.ts'
import { launchChromium } from '../test/browser/chromium.ts'
import { Api, eventually, tinySample } from '../test/helpers.ts'
import { prometheusMissing, startPrometheus, type Teardown } from '../test/ops/prometheus-server.ts'

const SHOTS = process.env.FSDFM_SCREENSHOTS || 'docs/screenshots'
/** Optimiser steps of the pretrain: enough for some 20 s of loss and throughput on 2 busy cores. */
const STEPS = Number(process.env.FSDFM_SCREENSHOT_STEPS ?? 3000)
/** Scrapes after the last job ended, so the graphs show where the run settled. */
const TAIL_MS = 8_000
const VIEWPORT = { width: 1280, height: 800 }

/** The Grafana panels shown, by title, in two images. */
const IMAGES: Record<string, string[]> = {
  'prometheus-jobs': ['Jobs by state', 'Training loss of running jobs', 'Training throughput of running jobs'],
  'prometheus-queues': ['Queue depth', 'HTTP requests by status class'],
}

const started = Date.now()
const say = (what: string) => console.log(`[${((Date.now() - started) / 1000).toFixed(1)} s] ${what}`)

// Clean-ups run last registered first: the browser, Prometheus, the service, the temporary directory.
const cleanups: (() => unknown)[] = []
const scope: Teardown = { teardown: (fn) => cleanups.push(fn) }
async function cleanup() {
  while (cleanups.length) {
    try {
      await cleanups.pop()!()
    } catch (err) {
      console.error(`clean-up: ${(err as Error).message}`)
    }
  }
}
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void cleanup().finally(() => process.exit(130)))

/** The PromQL of each target of a Grafana panel. */
function grafanaQueries(title: string): string[] {
  const dashboard = JSON.parse(readFileSync(new URL('../docker/grafana/dashboards/fsdfm.json', import.meta.url), 'utf8')) as { panels: { title: string; targets?: { expr: string }[] }[] }
  const panel = dashboard.panels.find((p) => p.title === title)
  if (!panel?.targets?.length) throw new Error(`no Grafana panel "${title}" with queries in docker/grafana/dashboards/fsdfm.json`)
  return panel.targets.map((target) => target.expr)
}

/**
 * Prometheus's graph page (Debian ships its classic UI) with one graph per query, from `from`
 * until now: its own URL parameters, the graph tab (0) and a 1 s step, one point per scrape.
 */
function graphUrl(base: string, queries: string[], from: number): string {
  const params = new URLSearchParams()
  queries.forEach((expr, i) => {
    params.set(`g${i}.expr`, expr)
    params.set(`g${i}.tab`, '0')
    params.set(`g${i}.stacked`, '0')
    params.set(`g${i}.range_input`, `${Math.ceil((Date.now() - from) / 1000)}s`)
    params.set(`g${i}.step_input`, '1')
  })
  return `${base}/graph?${params}`
}

async function main() {
  const missing = prometheusMissing()
  if (missing) throw new Error(missing)
  if (!existsSync(join(DASHBOARD_DIR, 'index.html'))) execFileSync(process.execPath, ['--import', 'tsx', 'scripts/build-web.ts'], { stdio: 'inherit' })
  mkdirSync(SHOTS, { recursive: true })
  const dataDir = mkdtempSync(join(tmpdir(), 'fsdfm-monitoring-'))
  scope.teardown(() => rmSync(dataDir, { recursive: true, force: true }))

  // Embedded store and private Redis: nothing shared is touched, and removing dataDir removes all.
  const admin = `fsdfm_screenshot_${randomBytes(12).toString('hex')}`
  const svc = await startServices(
    loadConfig({
      DATABASE_URL: '',
      REDIS_URL: '',
      FSDFM_DATA_DIR: dataDir,
      FSDFM_ARTIFACT_DIR: '',
      FSDFM_HOST: '127.0.0.1',
      FSDFM_PORT: 0,
      FSDFM_AUTH: 'on',
      FSDFM_ADMIN_TOKEN: admin,
      FSDFM_RATE_LIMIT: 0,
      FSDFM_POLL_MS: 200,
      FSDFM_HEARTBEAT_MS: 1000,
    }),
    'up',
    { log: silentLogger() },
  )
  scope.teardown(() => svc.close())
  const base = svc.baseUrl!
  const api = new Api(base).as(admin)
  say(`service at ${base}`)

  const prom = await startPrometheus(scope, { target: new URL(base).host, token: admin })
  if (!prom.ready) throw new Error(`Prometheus did not start: ${prom.stderr()}`)
  const from = Date.now()
  say(`Prometheus at ${prom.base}, scraping every second`)

  const browser = await launchChromium()
  scope.teardown(() => browser.close())
  const context = await browser.newContext({ viewport: VIEWPORT })
  const page = await context.newPage()

  const job = async (id: string) => (await api.get<JobView>(`/v1/jobs/${id}`)).body
  /** Waits until a training job runs and has reported a loss. */
  const running = async (id: string) => {
    const j = await eventually(() => job(id), (j) => j.state !== 'queued' && typeof j.progress?.loss === 'number', 120_000)
    if (j.state !== 'running') throw new Error(`${j.name}: ${j.state}, not running with a loss`)
    return j
  }

  // A refused submission (a 4xx in the HTTP panel), then the jobs.
  if ((await api.post('/v1/jobs', { kind: 'sample', spec: { steps: 0 } })).status !== 400) throw new Error('a sample job with steps 0 was not refused')
  const dataset = await api.waitFor((await api.submit({ kind: 'dataset', name: 'brown', spec: { source: 'brown', maxDocuments: 20, compactVocab: 128 } })).id)
  if (dataset.state !== 'succeeded') throw new Error(`the dataset job ${dataset.state}: ${JSON.stringify(dataset.error)}`)
  say('dataset succeeded')
  const training = { datasetJobId: dataset.id, model: { preset: 'tiny' }, steps: STEPS, batchSize: 4, seqLen: 16, lr: 3e-3, warmupSteps: 0, logEvery: 10, checkpointEvery: 100_000 }
  const teacher = await api.submit({ kind: 'pretrain', name: 'teacher', spec: training })
  const queued = [
    await api.submit({ ...tinySample({ seed: 1 }), name: 'random-init sample 1' }),
    await api.submit({ ...tinySample({ seed: 2 }), name: 'random-init sample 2' }),
  ]
  const doomed = await api.submit({ kind: 'pretrain', name: 'cancelled run', spec: { ...training, seed: 7 } })
  const first = await running(teacher.id)
  say(`pretrain running: step ${first.progress?.step}, loss ${first.progress?.loss}`)

  // The dashboard's Operations page mid-run: the training job on the worker, samples waiting.
  await page.goto(`${base}/`)
  await page.getByLabel('Token').fill(admin)
  await page.getByRole('button', { name: 'Sign in' }).click()
  await page.getByRole('heading', { name: 'Jobs' }).waitFor()
  await page.goto(`${base}/#/ops`)
  await page.locator('table[data-table="workers"] tbody tr').first().waitFor()
  await page.waitForTimeout(1000)
  await page.screenshot({ path: `${SHOTS}/monitoring-ops.png`, fullPage: true })
  say('Operations page shot')

  const trained = await api.waitFor(teacher.id)
  if (trained.state !== 'succeeded') throw new Error(`the pretrain ${trained.state}: ${JSON.stringify(trained.error)}`)
  say('pretrain succeeded')
  for (const seed of [3, 4]) queued.push(await api.submit({ kind: 'sample', name: `teacher sample ${seed}`, spec: { checkpointJobId: teacher.id, steps: 8, count: 4, batchSize: 2, seqLen: 16, seed, prompt: 'The' } }))
  // The second training run: a few seconds of loss, then cancelled.
  await running(doomed.id)
  await new Promise((r) => setTimeout(r, 5000))
  if ((await api.post(`/v1/jobs/${doomed.id}/cancel`)).status !== 202) throw new Error('the cancel was refused')
  const cancelled = await api.waitFor(doomed.id)
  if (cancelled.state !== 'cancelled') throw new Error(`the cancelled run ended ${cancelled.state}`)
  say('second pretrain cancelled')
  for (const q of queued) {
    const done = await api.waitFor(q.id)
    if (done.state !== 'succeeded') throw new Error(`${q.name}: ${done.state} ${JSON.stringify(done.error)}`)
  }
  say('sample jobs succeeded')
  await new Promise((r) => setTimeout(r, TAIL_MS))

  for (const [name, titles] of Object.entries(IMAGES)) {
    const queries = titles.flatMap(grafanaQueries)
    await page.goto(graphUrl(prom.base, queries, from))
    // Each graph drawn (its legend lists the series) or showing its error; an empty one is a failed shot.
    const drawn = await page.waitForFunction(
      (n) => {
        const graphs = [...document.querySelectorAll('.graph_wrapper')].map((w) => {
          const error = w.querySelector<HTMLElement>('.error')
          return { series: w.querySelectorAll('.legend li.line').length, error: error && error.style.display !== 'none' ? error.textContent : null }
        })
        return graphs.length === n && graphs.every((g) => g.series > 0 || g.error) ? graphs : null
      },
      queries.length,
      { timeout: 30_000 },
    )
    const graphs = (await drawn.jsonValue())!
    graphs.forEach((g, i) => {
      if (g.error || !g.series) throw new Error(`the graph of ${queries[i]} is empty: ${g.error}`)
    })
    // The fixed navigation bar would be drawn over the middle of a full-page shot.
    await page.addStyleTag({ content: '.navbar.fixed-top { position: absolute !important; }' })
    await page.waitForTimeout(300)
    await page.screenshot({ path: `${SHOTS}/${name}.png`, fullPage: true })
    say(`${SHOTS}/${name}.png: ${titles.join(', ')} (${graphs.map((g) => g.series).join(', ')} series)`)
  }
  say(`a run of ${Math.round((Date.now() - from) / 1000)} s scraped and shot`)
}

let failed = false
try {
  await main()
} catch (err) {
  failed = true
  console.error(err)
} finally {
  await cleanup()
  say('cleaned up')
}
// Everything it started is stopped; leave no lingering handle (a keep-alive socket) holding Node up.
process.exit(failed ? 1 : 0)
