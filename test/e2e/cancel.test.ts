// Cancel is honoured within a step in every kind: a dataset build (TypeScript, stopped between
// document batches) and a sample job (stopped between sampling steps) both end `cancelled`,
// and the worker goes on to the next job.
import t from 'tap'
import { startTestService, tinySample } from '../helpers.ts'

const svc = await startTestService(t)
const { api } = svc

/** About `bytes` of made-up words in paragraphs: many distinct tokens, slow to tokenise. */
function wordSalad(bytes: number): string {
  const syllables = ['ka', 'lo', 'mi', 'ter', 'vus', 'an', 'dre', 'pol', 'sin', 'gor', 'el', 'qua', 'bri', 'zet', 'um']
  let seed = 7
  const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31)
  const parts: string[] = []
  let size = 0
  while (size < bytes) {
    const word = Array.from({ length: 1 + (next() % 4) }, () => syllables[next() % syllables.length]).join('')
    parts.push(next() % 40 === 0 ? `${word}.\n\n` : `${word} `)
    size += word.length + 1
  }
  return parts.join('')
}

t.test('a running dataset job is cancelled', async (t) => {
  // Several megabytes of text: tokenising it takes long enough to cancel in the middle.
  const upload = await api.request('POST', '/v1/uploads', { 'content-type': 'text/plain' }, wordSalad(12_000_000))
  t.equal(upload.status, 201)
  const job = await api.submit({ kind: 'dataset', spec: { source: 'upload', uploadId: upload.body.id } })
  await api.waitFor(job.id, ['running'])
  const res = await api.post(`/v1/jobs/${job.id}/cancel`)
  t.equal(res.status, 202)
  const done = await api.waitFor(job.id)
  t.equal(done.state, 'cancelled', `ended ${done.state}`)
  t.equal(done.result, null, 'no dataset was published')
})

t.test('a running sample job is cancelled between steps', async (t) => {
  // 16 batches of 4,000 steps: long enough to cancel in the middle however fast the machine is.
  const job = await api.submit(tinySample({ steps: 4000, count: 64, batchSize: 4, seqLen: 32 }))
  for (;;) {
    const seen = (await api.get(`/v1/jobs/${job.id}`)).body
    if ((seen.progress?.step ?? 0) >= 5) break
    await new Promise((r) => setTimeout(r, 50))
  }
  await api.post(`/v1/jobs/${job.id}/cancel`)
  const done = await api.waitFor(job.id)
  t.equal(done.state, 'cancelled')
  t.ok(Number(done.progress?.step) < Number(done.progress?.total), `stopped at step ${done.progress?.step} of ${done.progress?.total}`)
  const next = await api.waitFor((await api.submit(tinySample())).id)
  t.equal(next.state, 'succeeded', 'the worker takes the next job')
})
