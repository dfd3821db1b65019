// GET /v1/jobs/{id}/metrics: series by name (a comma list), a step range and a per-series
// limit; 404 for an unknown job; non-finite values come back as null instead of a 500.
import { randomUUID } from 'node:crypto'
import t from 'tap'
import { startTestService, tinySample } from '../helpers.ts'
import type { Static } from 'typebox'
import type { MetricsView as MetricsViewSchema } from '../../src/schemas/views.ts'

type MetricsView = Static<typeof MetricsViewSchema>

const svc = await startTestService(t)
const { api, store } = svc

// A job created through the API; its metrics are seeded the way the worker records them.
const job = await api.submit(tinySample())
const loss = Array.from({ length: 10 }, (_, i) => ({ name: 'train/loss', step: (i + 1) * 10, value: 5 - i * 0.25 }))
const lr = Array.from({ length: 10 }, (_, i) => ({ name: 'train/lr', step: (i + 1) * 10, value: 1e-4 * (i + 1) }))
const val = [20, 60, 100].map((step) => ({ name: 'val/loss', step, value: 4 - step / 100 }))
await store.metrics.record(job.id, [...loss, ...lr])
await store.metrics.record(job.id, val)

const metrics = async (query = '') => {
  const res = await api.get<MetricsView>(`/v1/jobs/${job.id}/metrics${query}`)
  t.equal(res.status, 200, `GET metrics${query}`)
  return res.body
}
const points = (seeded: { step: number; value: number }[]) => seeded.map(({ step, value }) => ({ step, value }))

t.test('without filters: every series, sorted by name, points in step order', async (t) => {
  const body = await metrics()
  t.equal(body.jobId, job.id)
  t.strictSame(body.series.map((s) => s.name), ['train/loss', 'train/lr', 'val/loss'])
  t.strictSame(body.series[0].points, points(loss), 'steps and values as numbers')
  t.strictSame(body.series[2].points, points(val))
})

t.test('name filters by one name or a comma list', async (t) => {
  t.strictSame((await metrics('?name=val/loss')).series, [{ name: 'val/loss', points: points(val) }])
  const two = await metrics(`?name=${encodeURIComponent('train/loss, val/loss')}`)
  t.strictSame(two.series.map((s) => s.name), ['train/loss', 'val/loss'], 'spaces around names are ignored')
  t.strictSame((await metrics('?name=val/loss,,')).series.map((s) => s.name), ['val/loss'], 'empty items are ignored')
  t.strictSame((await metrics('?name=no/such')).series, [], 'an unknown name: no series')
  t.strictSame((await metrics('?name=no/such')).names, ['train/loss', 'train/lr', 'val/loss'], 'names lists what the job logged, whatever the filter')
  t.strictSame((await metrics('?name=train/loss,no/such')).series.map((s) => s.name), ['train/loss'])
})

t.test('stepFrom and stepTo bound the steps, inclusive, alone and with names', async (t) => {
  const from = await metrics('?stepFrom=80')
  t.strictSame(from.series.map((s) => [s.name, s.points.map((p) => p.step)]), [['train/loss', [80, 90, 100]], ['train/lr', [80, 90, 100]], ['val/loss', [100]]])
  const to = await metrics('?name=train/loss&stepTo=30')
  t.strictSame(to.series, [{ name: 'train/loss', points: points(loss.slice(0, 3)) }])
  const range = await metrics('?name=train/lr,val/loss&stepFrom=20&stepTo=60')
  t.strictSame(range.series, [
    { name: 'train/lr', points: points(lr.slice(1, 6)) },
    { name: 'val/loss', points: points(val.slice(0, 2)) },
  ])
  t.strictSame((await metrics('?stepFrom=25&stepTo=29')).series, [], 'a range with no points')
  t.strictSame((await metrics('?stepFrom=60&stepTo=20')).series, [], 'an empty range')
  const limited = await metrics('?name=train/loss&stepFrom=50&limit=2')
  t.strictSame(limited.series[0].points.map((p) => p.step), [50, 60], 'limit keeps the first points of each series')
})

t.test('a step logged again (a resumed job) has one point, the latest value', async (t) => {
  await store.metrics.record(job.id, [{ name: 'train/loss', step: 100, value: 1.5 }])
  const body = await metrics('?name=train/loss&stepFrom=90')
  t.strictSame(body.series[0].points, [{ step: 90, value: loss[8].value }, { step: 100, value: 1.5 }])
})

t.test('NaN and infinite values (a diverged loss) come back as null, not a 500', async (t) => {
  const other = await api.submit(tinySample())
  await store.metrics.record(other.id, [
    { name: 'train/loss', step: 1, value: 3 },
    { name: 'train/loss', step: 2, value: NaN },
    { name: 'train/loss', step: 3, value: Infinity },
  ])
  const res = await api.get<MetricsView>(`/v1/jobs/${other.id}/metrics`)
  t.equal(res.status, 200)
  t.strictSame(res.body.series, [{ name: 'train/loss', points: [{ step: 1, value: 3 }, { step: 2, value: null }, { step: 3, value: null }] }])
})

t.test('an unknown job is a 404; bad ids and queries are 400 naming the field', async (t) => {
  const missing = await api.get(`/v1/jobs/${randomUUID()}/metrics`)
  t.equal(missing.status, 404)
  t.equal(missing.body.error.code, 'not_found')
  t.equal((await api.get('/v1/jobs/not-a-uuid/metrics')).status, 400)
  for (const [query, field] of [
    ['?stepFrom=-1', '/querystring/stepFrom'],
    ['?stepTo=1.5', '/querystring/stepTo'],
    ['?limit=0', '/querystring/limit'],
    ['?step=3', '/querystring/step'],
  ]) {
    const res = await api.get(`/v1/jobs/${job.id}/metrics${query}`)
    t.equal(res.status, 400, query)
    t.equal(res.body.error.code, 'invalid_request')
    t.ok(res.body.error.details.some((d: { path: string }) => d.path === field), `${query} names ${field}`)
  }
})

t.test('a real finished sample job: the route answers for it (sampling logs no scalar metrics)', async (t) => {
  const done = await api.waitFor(job.id, undefined, 120_000)
  t.equal(done.state, 'succeeded', JSON.stringify(done.error))
  const fresh = await api.waitFor((await api.submit(tinySample())).id, undefined, 120_000)
  t.equal(fresh.state, 'succeeded', JSON.stringify(fresh.error))
  const res = await api.get<MetricsView>(`/v1/jobs/${fresh.id}/metrics`)
  t.equal(res.status, 200)
  // fsdfm.runtime's sample body reports progress only; training kinds log train/loss etc.
  t.strictSame(res.body, { jobId: fresh.id, names: [], series: [] })
  // The worker did not disturb the metrics seeded on the first job while it ran.
  t.strictSame((await metrics('?name=val/loss')).series, [{ name: 'val/loss', points: points(val) }])
})

// The summary a chart asks for (maxPoints): checked against the definition, worked out here from
// the seeded points: floor(maxPoints / 4) equal step buckets over the range, each keeping its
// first, last, lowest and highest point (ties: the earliest step), the values exactly as stored.
function expectedSummary(seeded: { step: number; value: number }[], maxPoints: number) {
  if (seeded.length <= maxPoints) return seeded
  const buckets = Math.floor(maxPoints / 4)
  const lo = seeded[0].step
  const hi = seeded[seeded.length - 1].step
  const groups = new Map<number, { step: number; value: number }[]>()
  for (const p of seeded) {
    const b = Math.floor(((p.step - lo) * buckets) / (hi - lo + 1))
    groups.set(b, [...(groups.get(b) ?? []), p])
  }
  const keep = new Set<number>()
  for (const g of groups.values()) {
    const numbers = g.filter((p) => !Number.isNaN(p.value))
    const low = numbers.length ? numbers.reduce((a, p) => (p.value < a.value ? p : a)) : g[0]
    keep.add(g[0].step).add(g[g.length - 1].step).add(low.step)
    if (numbers.length) keep.add(numbers.reduce((a, p) => (p.value > a.value ? p : a)).step)
  }
  return seeded.filter((p) => keep.has(p.step))
}

t.test('maxPoints: a bounded summary keeping first, last, lowest and highest per bucket', async (t) => {
  // 2,000 steps of a noisy decaying loss with one spike and one dip, values rounded so that
  // buckets have ties; a constant series; a short one; a diverged one (NaN from step 1,500).
  let seed = 7
  const rand = () => ((seed = (seed * 16807) % 2147483647) - 1) / 2147483646
  const wave = Array.from({ length: 2000 }, (_, i) => ({ name: 'sum/wave', step: 3 + i * 5, value: Math.round((4 * Math.exp(-i / 600) + rand()) * 20) / 20 }))
  wave[777].value = 40
  wave[1234].value = -3
  const flat = Array.from({ length: 2000 }, (_, i) => ({ name: 'sum/flat', step: i, value: 0.5 }))
  const short = Array.from({ length: 30 }, (_, i) => ({ name: 'sum/short', step: i * 100, value: i }))
  const nan = Array.from({ length: 2000 }, (_, i) => ({ name: 'sum/nan', step: i, value: i >= 1500 ? NaN : Math.sin(i / 30) }))
  await store.metrics.record(job.id, [...wave, ...flat, ...short, ...nan])
  const asJson = (s: { step: number; value: number }[]) => s.map((p) => ({ step: p.step, value: Number.isFinite(p.value) ? p.value : null }))

  for (const maxPoints of [4, 50, 203, 1000]) {
    const body = await metrics(`?name=sum/wave,sum/flat,sum/short,sum/nan&maxPoints=${maxPoints}`)
    t.strictSame(body.series.map((s) => s.name), ['sum/flat', 'sum/nan', 'sum/short', 'sum/wave'])
    for (const [s, seeded] of [[body.series[0], flat], [body.series[1], nan], [body.series[2], short], [body.series[3], wave]] as const) {
      t.equal(s.total, seeded.length, `${s.name} at ${maxPoints}: total is every point in the range`)
      t.ok(s.points.length <= maxPoints, `${s.name} at ${maxPoints}: ${s.points.length} points, at most ${maxPoints}`)
      t.strictSame(s.points, asJson(expectedSummary(seeded, maxPoints)), `${s.name} at ${maxPoints}: each bucket's first, last, lowest and highest, exact`)
      t.strictSame([s.points[0].step, s.points[s.points.length - 1].step], [seeded[0].step, seeded[seeded.length - 1].step], 'first and last point kept')
    }
    const wavePoints = body.series[3].points
    t.ok(wavePoints.some((p) => p.value === 40) && wavePoints.some((p) => p.value === -3), 'the spike and the dip survive')
  }
  const flatSummary = (await metrics('?name=sum/flat&maxPoints=40')).series[0].points
  t.equal(flatSummary.length, 20, 'a constant series: first and last of each of 10 buckets (ties keep the earliest)')

  // Zooming in: a step range summarised on its own, whole once it fits; limit does not cut it.
  const zoom = await metrics('?name=sum/wave&stepFrom=5000&stepTo=5999&maxPoints=400&limit=10')
  const inRange = wave.filter((p) => p.step >= 5000 && p.step <= 5999)
  t.equal(zoom.series[0].total, inRange.length)
  t.strictSame(zoom.series[0].points, asJson(inRange), 'a range with no more points than maxPoints: every point')
  const wider = await metrics('?name=sum/wave&stepFrom=1000&stepTo=8000&maxPoints=100')
  t.strictSame(wider.series[0].points, asJson(expectedSummary(wave.filter((p) => p.step >= 1000 && p.step <= 8000), 100)))

  for (const query of ['?maxPoints=3', '?maxPoints=2.5', '?maxPoints=100001', '?maxPoints=many']) {
    const res = await api.get(`/v1/jobs/${job.id}/metrics${query}`)
    t.equal(res.status, 400, query)
    t.ok(res.body.error.details.some((d: { path: string }) => d.path === '/querystring/maxPoints'), `${query} names maxPoints`)
  }
})
