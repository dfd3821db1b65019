// The dashboard in Debian's Chromium against a real service (api + worker + Python, Redis,
// PostgreSQL) with authentication on: sign in with a token, watch the jobs table follow a job
// over the event stream, submit a tiny training job and a sample job from the page and see
// the curve's data and the samples, open an evaluate job's report charts, a sweep's parallel
// coordinates, a comparison and the operations page; a viewer sees no buttons it cannot use.
// Assertions read what the charts publish (window.__fsdfm), not pixels. Each page is
// screenshotted into .cache/screenshots/ (ignored, so a test run leaves the tree clean), or
// into FSDFM_SCREENSHOTS: `npm run screenshots` refreshes the committed ones the README shows.
import { mkdirSync } from 'node:fs'
import t from 'tap'
import type { Page } from 'playwright-core'
import { startTestService } from '../helpers.ts'
import { launchChromium } from './chromium.ts'

interface PlotData {
  series: { label: string; points: { x: number; y: number; err: number | null }[] }[]
  refs: { y: number; label: string }[]
  axes: string[]
  lines: number
  best: number | null
}
interface ReplayData {
  frames: number
  step: number | null
  masked: number
  live: boolean
  streamed: number
}

/** What the dashboard's charts publish (web/src/components/chart.tsx, plot.tsx). */
declare global {
  interface Window {
    __fsdfm?: {
      charts: Record<string, { series: { label: string; points: number; total: number; last: number | null }[]; zoom: { from: number; to: number; points: number } | null; log: boolean }>
      plots?: Record<string, PlotData>
      replay?: Record<string, ReplayData>
    }
  }
}

const ADMIN = 'dashboard-admin-token-0123456789'
const svc = await startTestService(t, { env: { FSDFM_AUTH: 'on', FSDFM_ADMIN_TOKEN: ADMIN, FSDFM_RATE_LIMIT: '0' } })
const api = svc.api.as(ADMIN)
const base = svc.baseUrl!
const browser = await launchChromium()
t.teardown(() => browser.close())
const SHOTS = process.env.FSDFM_SCREENSHOTS || '.cache/screenshots'
mkdirSync(SHOTS, { recursive: true })
const WAIT = 120_000

const context = await browser.newContext({ viewport: { width: 1280, height: 800 } })
const page = await context.newPage()
const pageErrors: string[] = []
page.on('pageerror', (e) => pageErrors.push(e.message))
const shot = (p: Page, name: string) => p.screenshot({ path: `${SHOTS}/${name}.png`, fullPage: true })

async function signIn(p: Page, token: string) {
  await p.goto(`${base}/`)
  await p.getByLabel('Token').fill(token)
  await p.getByRole('button', { name: 'Sign in' }).click()
}

/** Submits a job with the page's form and returns its id (the page moves to the job). */
async function submitFromPage(p: Page, kind: string, spec: object, name: string): Promise<string> {
  await p.goto(`${base}/#/jobs`)
  await p.getByRole('button', { name: 'New job' }).click()
  const form = p.getByRole('form', { name: 'Submit a job' })
  await form.getByLabel('Kind').selectOption(kind)
  await form.getByLabel('Name').fill(name)
  await form.getByLabel(/^Spec/).fill(JSON.stringify(spec))
  await form.getByRole('button', { name: 'Submit' }).click()
  await p.waitForURL(/#\/jobs\/[0-9a-f-]{36}$/)
  return p.url().split('/').pop()!
}

const chart = (p: Page, id: string) => p.evaluate((id) => window.__fsdfm?.charts[id] ?? null, id)
async function plot(p: Page, id: string): Promise<PlotData> {
  const data = await p.evaluate((id) => window.__fsdfm?.plots?.[id] ?? null, id)
  if (!data) throw new Error(`no plot ${id} on the page`)
  return data
}

let datasetId = ''
let teacherId = ''
let sampleId = ''

t.test('sign in: a wrong token is refused, the admin token opens the jobs page', async (t) => {
  const res = await fetch(`${base}/`)
  t.equal(res.status, 200)
  t.match(res.headers.get('content-type'), /text\/html/)
  await page.goto(`${base}/`)
  await shot(page, 'signin')
  await page.getByLabel('Token').fill('not-a-token')
  await page.getByRole('button', { name: 'Sign in' }).click()
  t.match(await page.getByRole('alert').textContent(), /unknown, revoked or expired/)
  await signIn(page, ADMIN)
  await page.getByRole('heading', { name: 'Jobs' }).waitFor()
  await page.locator('.live.on').waitFor()
  t.equal(await page.getByRole('link', { name: 'Operations' }).count(), 1, 'a superuser sees the operations page')
})

t.test('the jobs table follows a job over the event stream, without reloading', async (t) => {
  await page.evaluate(() => ((window as unknown as { marker: number }).marker = 42))
  const job = await api.submit({ kind: 'dataset', name: 'browser dataset', tags: ['browser'], spec: { source: 'brown', maxDocuments: 20, compactVocab: 128 } })
  datasetId = job.id
  const row = page.locator(`tr[data-job="${job.id}"]`)
  await row.waitFor({ timeout: WAIT })
  await page.locator(`tr[data-job="${job.id}"][data-state="succeeded"]`).waitFor({ timeout: WAIT })
  t.equal(await page.evaluate(() => (window as unknown as { marker: number }).marker), 42, 'the same page all along: the row came over the stream')
  // Filters: the tag keeps it, another kind hides it; the text filter searches names.
  await page.getByLabel('Kind').selectOption('pretrain')
  await row.waitFor({ state: 'detached' })
  await page.getByLabel('Kind').selectOption('')
  await page.getByLabel('Search').fill('browser data')
  await row.waitFor()
  t.equal(await page.locator('tbody tr[data-job]').count(), 1)
  await page.getByLabel('Search').fill('')
})

t.test('a training job submitted from the page reaches succeeded with its loss curve drawn', async (t) => {
  const spec = { datasetJobId: datasetId, model: { preset: 'tiny' }, steps: 30, batchSize: 4, seqLen: 16, lr: 3e-3, warmupSteps: 0, logEvery: 2, checkpointEvery: 1000 }
  teacherId = await submitFromPage(page, 'pretrain', spec, 'browser teacher')
  await page.locator(`article.job[data-state="succeeded"]`).waitFor({ timeout: WAIT })
  const loss = await page.waitForFunction(() => {
    const c = window.__fsdfm?.charts['train/loss']
    return c && c.series[0].points >= 15 ? c : null
  }, undefined, { timeout: 30_000 })
  const data = (await loss.jsonValue())!
  t.equal(data.series[0].label, 'train/loss')
  t.equal(data.series[0].points, 15, 'one point per logEvery steps: 2, 4, …, 30')
  const metrics = await api.get(`/v1/jobs/${teacherId}/metrics?name=train/loss`)
  const last = metrics.body.series[0].points.at(-1)
  t.equal(data.series[0].last, last.value, 'the last point drawn is the stored one')
  // Log scale and smoothing redraw the same series.
  await page.locator('figure[data-chart="train/loss"]').getByLabel('log scale').check()
  await page.waitForFunction(() => window.__fsdfm?.charts['train/loss'].log === true)
  t.equal((await chart(page, 'train/loss'))!.series[0].points, 15)
  t.match(await page.locator('pre.log').textContent(), /step 30\/30/, 'the log followed to the end')
  t.match(await page.locator('dl.kv').textContent(), /device\s*cpu/, 'provenance shown')
  t.ok(await page.getByRole('button', { name: /Download checkpoint\.pt/ }).count(), 'artifacts listed for download')
  t.ok(await page.getByRole('button', { name: 'Delete' }).count(), 'a superuser may delete it')
  await shot(page, 'job')
})

t.test('a long curve is drawn from a summary sized to the screen, and a zoom fetches its range whole', async (t) => {
  // 30,000 steps (as a long run logs them) with one spike, on the dataset job: no page below shows it.
  const steps = 30_000
  const value = (step: number) => (step === 12_345 ? 50 : 3 + Math.sin(step / 40))
  for (let from = 1; from <= steps; from += 10_000) {
    await svc.store.metrics.record(datasetId, Array.from({ length: 10_000 }, (_, i) => ({ name: 'long/wave', step: from + i, value: value(from + i) })))
  }
  await page.goto(`${base}/#/jobs/${datasetId}`)
  await page.reload()
  const drawn = await page.waitForFunction(() => {
    const c = window.__fsdfm?.charts['long/wave']
    return c && c.series[0].total === 30_000 ? c : null
  }, undefined, { timeout: 30_000 })
  const summary = (await drawn.jsonValue())!
  // A 1280-pixel window asks for 2 × 1280 points per series (web/src/components/metrics.ts).
  t.ok(summary.series[0].points > 100 && summary.series[0].points <= 2560, `${summary.series[0].points} points drawn for 30,000`)
  t.equal(summary.series[0].last, value(steps), 'the last point is the stored one')
  const api1 = await api.get(`/v1/jobs/${datasetId}/metrics?name=long/wave&maxPoints=2560`)
  t.equal(api1.body.series[0].points.length, summary.series[0].points, 'the chart draws the summary the api gave')
  t.ok(api1.body.series[0].points.some((p: { value: number }) => p.value === 50), 'the spike is in it')

  // Drag across 40 pixels of the plot: about 2,000 steps, few enough to come back whole.
  const over = page.locator('figure[data-chart="long/wave"] .u-over')
  const box = (await over.boundingBox())!
  await page.mouse.move(box.x + 200, box.y + box.height / 2)
  await page.mouse.down()
  await page.mouse.move(box.x + 240, box.y + box.height / 2, { steps: 5 })
  await page.mouse.up()
  const zoomed = await page.waitForFunction(() => window.__fsdfm?.charts['long/wave'].zoom ?? null, undefined, { timeout: 30_000 })
  const zoom = (await zoomed.jsonValue())!
  t.ok(zoom.to - zoom.from > 500 && zoom.to - zoom.from < 5000, `zoomed to steps ${zoom.from}–${zoom.to}`)
  t.equal(zoom.points, zoom.to - zoom.from + 1, 'every step of the zoomed range is drawn')
  // Double-click zooms out to the summary again.
  await over.dblclick()
  await page.waitForFunction(() => window.__fsdfm?.charts['long/wave'].zoom === null)

  // ?points=all draws every point, as the page did before summaries.
  await page.goto(`${base}/#/jobs/${datasetId}?points=all`)
  await page.reload()
  await page.waitForFunction(() => window.__fsdfm?.charts['long/wave']?.series[0].points === 30_000, undefined, { timeout: 30_000 })
  t.pass('every point with ?points=all')
})

t.test('a sample job from the page: its texts side by side, the prompt highlighted', async (t) => {
  sampleId = await submitFromPage(page, 'sample', { checkpointJobId: teacherId, steps: 8, count: 2, batchSize: 2, seqLen: 16, seed: 5, prompt: 'The', trace: true }, 'browser sample')
  await page.locator(`article.job[data-state="succeeded"]`).waitFor({ timeout: WAIT })
  await page.locator('.sample').first().waitFor()
  t.equal(await page.locator('.sample').count(), 2)
  const job = (await api.get(`/v1/jobs/${sampleId}`)).body
  const texts = await page.locator('.sample p').allTextContents()
  t.strictSame(texts, job.result.samples.map((s: { text: string }) => s.text), 'the stored texts')
  t.strictSame(await page.locator('.sample mark').allTextContents(), ['The', 'The'], 'the prompt marked in each')
  await shot(page, 'samples')
})

/** The replay's published state of one job's column. */
async function replayOf(p: Page, id: string): Promise<ReplayData> {
  const data = await p.evaluate((id) => window.__fsdfm?.replay?.[id] ?? null, id)
  if (!data) throw new Error(`no replay of job ${id} on the page`)
  return data
}

t.test('denoising replay: live over the stream while the job runs, then from the stored trace; two jobs side by side', async (t) => {
  // The same seed at 2 steps, held on a paused queue until the replay page follows it.
  const queues = (await api.get('/v1/queues')).body.items.map((q: { name: string }) => q.name)
  for (const q of queues) t.equal((await api.post(`/v1/queues/${q}/pause`)).status, 200)
  const fast = await api.submit({ kind: 'sample', name: 'browser sample at 2 steps', spec: { checkpointJobId: teacherId, steps: 2, count: 2, batchSize: 2, seqLen: 16, seed: 5, prompt: 'The', trace: true } })
  await page.goto(`${base}/#/replay?ids=${sampleId},${fast.id}`)
  await page.waitForFunction((id) => window.__fsdfm?.replay?.[id]?.live === true, fast.id)
  for (const q of queues) await api.post(`/v1/queues/${q}/resume`)
  // Frames arrive live; when the job ends the page reads the stored trace (step 0 to 2).
  await page.waitForFunction((id) => { const r = window.__fsdfm?.replay?.[id]; return r && !r.live && r.frames === 3 }, fast.id, { timeout: WAIT })
  t.equal((await replayOf(page, fast.id)).streamed, 3, 'all three frames came over the event stream first')
  const slow = await replayOf(page, sampleId)
  t.match(slow, { frames: 9, live: false, streamed: 0, masked: 0 }, 'the finished job: its stored trace, at the end (no masks)')
  // Back to the start: only the prompt is known, the rest masked; forward: text.
  const slider = page.getByLabel('Flow time')
  await slider.fill('0')
  await page.waitForFunction((id) => window.__fsdfm?.replay?.[id]?.step === 0, sampleId)
  const start = await replayOf(page, sampleId)
  t.ok(start.masked >= 2 * 14, `at t = 0 the generated positions are masked (${start.masked})`)
  t.match(await page.locator(`[data-replay="${sampleId}"] .replay-text`).first().textContent(), /^The▁▁/)
  await shot(page, 'replay-start')
  const positions = await slider.evaluate((el) => Number((el as HTMLInputElement).max))
  await slider.fill(String(Math.floor(positions / 2)))
  const mid = await replayOf(page, sampleId)
  t.ok(mid.masked < start.masked && mid.masked > 0, `half way some text has emerged (${mid.masked} masked)`)
  await slider.fill(String(positions))
  await page.waitForFunction((id) => window.__fsdfm?.replay?.[id]?.masked === 0, sampleId)
  const job = (await api.get(`/v1/jobs/${sampleId}`)).body
  t.strictSame(
    await page.locator(`[data-replay="${sampleId}"] .replay-text`).allTextContents(),
    job.result.samples.map((s: { text: string }) => s.text),
    'the last frame is the samples’ text',
  )
  t.equal((await replayOf(page, fast.id)).masked, 0, 'the 2-step job, on the same clock, is done too')
  await shot(page, 'replay')
})

t.test('an evaluate job’s report as charts and a table', async (t) => {
  const job = await api.submit({
    kind: 'evaluate',
    name: 'browser report',
    spec: { datasetJobId: datasetId, models: [{ name: 'teacher', jobId: teacherId }], stepBudgets: [2, 4], samples: 4, batchSize: 4, seqLen: 16, elbo: false, infill: false },
  })
  await page.goto(`${base}/#/jobs/${job.id}`)
  await page.locator(`article.job[data-state="succeeded"]`).waitFor({ timeout: WAIT })
  await page.locator('figure[data-plot="report-ppl"] circle').first().waitFor()
  const report = (await api.get(`/v1/jobs/${job.id}`)).body.result.report
  const judge = report.judges[0]
  const ppl = await plot(page, 'report-ppl')
  t.strictSame(
    ppl.series[0].points.map((p) => [p.x, p.y, p.err]),
    [2, 4].map((s) => [s, report.models.teacher.budgets[s].genPpl[judge], report.models.teacher.budgets[s].genPplStdErr[judge]]),
    'perplexity by steps with its standard error',
  )
  const entropy = await plot(page, 'report-entropy')
  t.equal(entropy.refs[0].y, report.reference.validation.entropy, 'the validation text as the reference line')
  const frontier = await plot(page, 'report-frontier')
  t.strictSame(frontier.series[0].points.map((p) => p.x), [2, 4].map((s) => report.models.teacher.budgets[s].wallSeconds))
  t.equal(await page.locator('table.report-table').first().locator('tbody tr').count(), 3, 'two budgets and the validation text')
  await shot(page, 'report')
})

t.test('a sweep: trials table, objective by parameter, parallel coordinates with the best highlighted', async (t) => {
  const res = await api.post('/v1/sweeps', {
    name: 'browser sweep',
    base: { kind: 'sample', spec: { checkpointJobId: teacherId, count: 2, batchSize: 2, seqLen: 16, seed: 3 } },
    space: { temperature: { uniform: [0.8, 1.2] }, steps: { int: [2, 8] } },
    method: 'random',
    seed: 1,
    maxTrials: 4,
    maxConcurrent: 2,
    objective: { metric: 'sample/entropy', mode: 'max' },
  })
  t.equal(res.status, 201, JSON.stringify(res.body))
  await page.goto(`${base}/#/sweeps`)
  await page.getByRole('link', { name: /browser sweep/ }).click()
  await page.locator('tr[data-trial]').nth(3).waitFor({ timeout: WAIT })
  await page.waitForFunction(() => document.querySelectorAll('tr[data-trial][data-state="succeeded"]').length === 4, undefined, { timeout: WAIT })
  const sweep = (await api.get(`/v1/sweeps/${res.body.id}`)).body
  const pc = await plot(page, 'sweep-parallel')
  t.strictSame(pc.axes.slice(0, 2).sort(), ['steps', 'temperature'], 'an axis per parameter')
  t.equal(pc.axes[2], 'objective', 'and the objective last')
  t.equal(pc.lines, 4)
  t.equal(pc.best, sweep.best.index)
  t.equal(await page.locator('polyline.pc-line.best').count(), 1, 'one line highlighted')
  t.match(await page.locator('tr.best th').textContent(), /best/)
  const scatter = await plot(page, 'sweep-objective:temperature')
  t.equal(scatter.series[0].points.length, 4)
  // Sorting by a parameter puts the rows in its order.
  await page.getByRole('button', { name: /^temperature/ }).click()
  const temps = (await page.locator('tr[data-trial]').evaluateAll((rows) => rows.map((r) => Number((r as HTMLElement).dataset.trial)))).map(
    (i: number) => sweep.trials.find((tr: { index: number }) => tr.index === i).params.temperature,
  )
  t.strictSame(temps, [...temps].sort((a, b) => a - b), 'sorted by temperature, ascending')
  await shot(page, 'sweep')
})

t.test('compare: curves overlaid and the specs diffed', async (t) => {
  const other = await api.submit({ kind: 'pretrain', name: 'browser teacher 2', spec: { datasetJobId: datasetId, model: { preset: 'tiny' }, steps: 20, batchSize: 4, seqLen: 16, lr: 1e-3, warmupSteps: 0, logEvery: 2, checkpointEvery: 1000 } })
  await svc.api.as(ADMIN).waitFor(other.id)
  await page.goto(`${base}/#/compare?ids=${teacherId},${other.id}`)
  const loss = await page.waitForFunction(() => {
    const c = window.__fsdfm?.charts['compare:train/loss']
    return c && c.series.length === 2 ? c : null
  }, undefined, { timeout: 30_000 })
  t.strictSame(((await loss.jsonValue())!.series as { points: number }[]).map((s) => s.points), [15, 10])
  const diffRows = await page.locator('table.diff tbody tr th').allTextContents()
  t.strictSame(diffRows, ['lr', 'steps'], 'only the fields that differ')
  await shot(page, 'compare')
})

t.test('operations: queues and workers', async (t) => {
  await page.goto(`${base}/#/ops`)
  await page.locator('table[data-table="workers"] tbody tr').first().waitFor()
  t.match(await page.locator('table[data-table="queues"]').textContent(), /cpu/)
  t.match(await page.locator('table[data-table="workers"]').textContent(), /CPU/)
  await shot(page, 'ops')
})

t.test('a viewer sees the jobs but no buttons it may not use', async (t) => {
  const created = await api.post('/v1/tokens', { name: 'browser viewer', grants: [{ project: 'default', role: 'viewer' }] })
  t.equal(created.status, 201)
  const viewer = await (await browser.newContext()).newPage()
  await signIn(viewer, created.body.token)
  await viewer.locator(`tr[data-job="${teacherId}"]`).waitFor()
  t.equal(await viewer.getByRole('button', { name: 'New job' }).count(), 0)
  t.equal(await viewer.getByRole('link', { name: 'Operations' }).count(), 0)
  await viewer.goto(`${base}/#/jobs/${teacherId}`)
  await viewer.locator('article.job').waitFor()
  t.equal(await viewer.getByRole('button', { name: 'Delete' }).count(), 0)
  await viewer.getByRole('button', { name: 'Sign out' }).click()
  await viewer.getByLabel('Token').waitFor()
})

t.test('no script errors on any page', async (t) => {
  t.strictSame(pageErrors, [])
})
