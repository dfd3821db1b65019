// Samples from a running fsdfm service with the TypeScript client (fsdfm/client, generated from
// the OpenAPI document):
//
//     FSDFM_URL=http://127.0.0.1:8080 node --import tsx examples/sample.ts [checkpointJobId]
//
// Submits a sample job (from a trained checkpoint when given, else a tiny random model), follows
// it to its end with a progress line, prints the samples, and downloads samples.txt, checking
// its sha256 against the one the service registered.
import { createHash } from 'node:crypto'
import { FsdfmClient, unwrap, type JobCreate, type SampleResult } from 'fsdfm/client'

const client = new FsdfmClient({ url: process.env.FSDFM_URL ?? 'http://127.0.0.1:8080', token: process.env.FSDFM_TOKEN })
const checkpointJobId = process.argv[2]

// Fields with defaults (solver, temperature, seed, ...) may be left out: the types say which.
const body: JobCreate = {
  kind: 'sample',
  name: 'example: sample',
  spec: checkpointJobId ? { checkpointJobId, steps: 8, count: 2, seqLen: 32 } : { model: { preset: 'tiny' }, steps: 8, count: 2, batchSize: 2, seqLen: 16 },
}
const submitted = await client.submit(body)
console.log(`submitted ${submitted.kind} job ${submitted.id}`)

const job = await client.wait(submitted.id, {
  onEvent: (e) => {
    if (e.type === 'state') console.log(`  ${e.data.to}`)
    if (e.type === 'progress' && e.data.step === e.data.total) console.log(`  step ${e.data.step}/${e.data.total}`)
  },
})
if (job.state !== 'succeeded') throw new Error(`job ${job.id} ${job.state}: ${job.error?.message}`)
const result = job.result as SampleResult
for (const [i, s] of (result.samples ?? []).entries()) console.log(`sample ${i}: ${JSON.stringify(s.text)}`)

const { items } = unwrap(await client.api.GET('/v1/jobs/{id}/artifacts', { params: { path: { id: job.id } } }))
const listed = items.find((a) => a.name === 'samples.txt')!
const file = Buffer.from(await (await client.raw(`/v1/jobs/${job.id}/artifacts/samples.txt`)).arrayBuffer())
const sha256 = createHash('sha256').update(file).digest('hex')
if (sha256 !== listed.sha256) throw new Error(`samples.txt: sha256 ${sha256}, the service registered ${listed.sha256}`)
console.log(`samples.txt: ${file.length} bytes, sha256 ${sha256.slice(0, 16)}… matches`)
