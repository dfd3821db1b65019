// Fair share between projects on one worker: a project that floods the queue with trials does
// not starve another project's single job. It starts within one job-length of its submission:
// after the job running then, before any other of the flood's queued jobs.
import t from 'tap'
import type { JobView } from '../../src/schemas/views.ts'
import { eventually, startTestService, tinySample } from '../helpers.ts'

const svc = await startTestService(t, { env: { FSDFM_RATE_LIMIT: '0' } })
const { api } = svc
// Each job takes about a second here, long enough for the order to be unambiguous.
const slow = (project: string, name: string) => ({ ...tinySample({ steps: 48, count: 8, batchSize: 8, seqLen: 64 }), project, name })

t.test('one job of another project starts next, not after the flood', async (t) => {
  const flood: JobView[] = []
  for (let i = 0; i < 12; i++) flood.push(await api.submit(slow('flood', `flood-${i}`)))
  // Wait until the flood is running, with more of it queued behind.
  await eventually(() => api.get(`/v1/jobs/${flood[0].id}`), (r) => r.body.state !== 'queued', 60_000)
  const urgent = await api.submit(slow('urgent', 'urgent'))
  const done = await api.waitFor(urgent.id, ['succeeded', 'failed'], 240_000)
  t.equal(done.state, 'succeeded')
  const views = await Promise.all(flood.map(async (j) => (await api.get<JobView>(`/v1/jobs/${j.id}`)).body))
  const submittedAt = Date.parse(urgent.createdAt)
  const startedAt = Date.parse(done.startedAt!)
  // Flood jobs that started between the urgent job's submission and its start.
  const jumped = views.filter((v) => v.startedAt && Date.parse(v.startedAt) > submittedAt && Date.parse(v.startedAt) < startedAt)
  const waiting = views.filter((v) => !v.startedAt || Date.parse(v.startedAt) > startedAt)
  t.ok(waiting.length >= 5, `most of the flood was still queued when it started (${waiting.length} of ${flood.length})`)
  // The worker may have taken the flood's next job in the instant before the dispatcher placed
  // the urgent one; never more than that.
  t.ok(jumped.length <= 1, `at most one flood job started before it (${jumped.length})`)
  const longest = Math.max(...views.filter((v) => v.startedAt && v.finishedAt).map((v) => Date.parse(v.finishedAt!) - Date.parse(v.startedAt!)))
  t.ok(startedAt - submittedAt <= 2 * longest + 2000, `it waited ${startedAt - submittedAt} ms; a flood job takes up to ${longest} ms`)
  for (const v of views) if (v.state !== 'succeeded' && v.state !== 'failed') await api.post(`/v1/jobs/${v.id}/cancel`)
})
