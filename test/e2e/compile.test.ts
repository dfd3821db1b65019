// torch.compile is a per-job option that reaches the model. It is feature-detected: with
// PyTorch 1.x (no torch.compile) `compile: true` fails the job saying so, `false` and `auto`
// run eagerly; with PyTorch 2.x `true` compiles.
import t from 'tap'
import { startTestService, tinySample } from '../helpers.ts'

const svc = await startTestService(t)
const { api } = svc
const hasCompile = !svc.worker!.pythonInfo!.torch.startsWith('1.')

t.test('compile: true through the API', async (t) => {
  const job = await api.waitFor((await api.submit(tinySample({ compile: true }))).id)
  if (hasCompile) t.equal(job.state, 'succeeded', JSON.stringify(job.error))
  else {
    t.equal(job.state, 'failed', 'PyTorch 1.x has no torch.compile: an explicit request cannot be met')
    t.match(job.error?.message, /torch\.compile/, 'and the error says why')
  }
})

t.test('compile: false and auto run', async (t) => {
  for (const compile of [false, 'auto']) {
    const job = await api.waitFor((await api.submit(tinySample({ compile }))).id)
    t.equal(job.state, 'succeeded', `compile ${compile}: ${JSON.stringify(job.error)}`)
  }
})
