// A hyper-parameter sweep against a running fsdfm service, with the TypeScript client
// (fsdfm/client: types and calls generated from the OpenAPI document):
//
//     FSDFM_URL=http://127.0.0.1:8080 node --import tsx examples/sweep.ts
//
// Builds a tiny Brown dataset and a tiny teacher, sweeps the distillation learning rate and
// EMA decay with ASHA early stopping, then sweeps the solver on the best student at a fixed
// budget of 8 steps with evaluate jobs, optimising the judged generative perplexity at 8 steps
// (objective genPpl, at 8; the samples' entropy is shown beside it, and the temperature stays
// at 1, since a lower one wins on perplexity by sharpening alone), and prints the best
// configuration of each.
import { FsdfmClient, unwrap, type Job, type JobCreate, type Sweep, type SweepCreate } from 'fsdfm/client'

const client = new FsdfmClient({ url: process.env.FSDFM_URL ?? 'http://127.0.0.1:8080', token: process.env.FSDFM_TOKEN })
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

/** Submits a job and follows its event stream to the end; throws unless it succeeded. */
async function runJob(body: JobCreate): Promise<Job> {
  const job = await client.wait((await client.submit(body)).id)
  if (job.state !== 'succeeded') throw new Error(`${body.kind} job ${job.id} ${job.state}: ${JSON.stringify(job.error)}`)
  console.log(`${body.kind} job ${job.id} succeeded`)
  return job
}

const nonZero = (counts: Record<string, number>) => JSON.stringify(Object.fromEntries(Object.entries(counts).filter(([, n]) => n > 0)))

/** Submits a sweep (defaults are filled in by the service) and follows it to the end. */
async function sweep(request: SweepCreate, extra?: string): Promise<Sweep> {
  let s = unwrap(await client.api.POST('/v1/sweeps', { body: request }))
  let last = ''
  while (s.state === 'running') {
    const counts = nonZero(s.counts)
    if (counts !== last) console.log(`  sweep ${s.id.slice(0, 8)}: ${(last = counts)}`)
    await sleep(1000)
    s = unwrap(await client.api.GET('/v1/sweeps/{id}', { params: { path: { id: s.id } } }))
  }
  console.log(`  sweep ${s.id.slice(0, 8)} ${s.state}: ${nonZero(s.counts)}`)
  console.table(
    s.trials.map((t) => ({ trial: t.index, state: t.state, [s.objective.metric]: t.objective, ...(extra ? { [extra]: t.metrics[extra] } : {}), ...t.params, note: t.note ?? '' })),
  )
  if (!s.best) throw new Error('no trial succeeded')
  console.log(`best trial ${s.best.index}: ${s.objective.metric} = ${s.best.objective?.toFixed(4)} with ${JSON.stringify(s.best.params)}`)
  return s
}

console.log(`fsdfm at ${client.url}`)
const dataset = await runJob({ kind: 'dataset', spec: { source: 'brown', compactVocab: 512, maxDocuments: 40 } })
const train = { datasetJobId: dataset.id, batchSize: 8, seqLen: 32, warmupSteps: 0, logEvery: 2, checkpointEvery: 1000 }
const teacher = await runJob({ kind: 'pretrain', spec: { ...train, model: { preset: 'tiny' }, steps: 40, lr: 3e-3 } })

console.log('distillation sweep: lr x emaDecay, ASHA on train/loss')
const distill = await sweep({
  name: 'example: distill lr',
  base: { kind: 'distill', spec: { ...train, teacherJobId: teacher.id, steps: 24, gridPowers: 4, shortcut: 'heun' } },
  space: { lr: { logUniform: [1e-6, 1e-2] }, emaDecay: { choice: [0.99, 0.999] } },
  method: 'random',
  seed: 0,
  maxTrials: 4,
  maxConcurrent: 2,
  objective: { metric: 'train/loss', mode: 'min' },
  earlyStopping: { kind: 'asha', reductionFactor: 2, minResource: 4, maxResource: 24 },
})

console.log('sampler sweep on the best student at 8 steps: solver, judged generative perplexity')
await sweep(
  {
    name: 'example: sampler',
    base: {
      kind: 'evaluate',
      spec: {
        datasetJobId: dataset.id,
        models: [{ name: 'student', jobId: distill.best!.jobId! }],
        judges: [{ kind: 'ngram', order: 3 }],
        stepBudgets: [8],
        samples: 16,
        batchSize: 16,
        seqLen: 32,
        temperature: 1,
        elbo: false,
        infill: false,
        seed: 1,
      },
    },
    space: { solver: { grid: ['cumulative_scalar', 'dfm_euler', 'mixture_euler'] } },
    method: 'grid',
    maxConcurrent: 2,
    objective: { metric: 'genPpl', mode: 'min', at: 8 },
  },
  'entropy@8',
)
