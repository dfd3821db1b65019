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
