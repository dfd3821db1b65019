// Turns a stored job into what Python needs: absolute paths of its inputs (datasets and
// checkpoints of earlier jobs), the config with the TypeScript-side preparation done
// (tokenised prompts and infill templates), and how to decode its output.
import { existsSync } from 'node:fs'
import { isAbsolute, resolve } from 'node:path'
import { readManifest } from '../data/dataset.ts'
import { infillToFixed, promptToFixed } from '../data/templates.ts'
import { gpt2Vocab, vocabFromManifest, type Vocabulary } from '../data/tokenizer.ts'
import { SERVICE_ONLY, type RunInputs } from '../schemas/run-spec.ts'
import type { Job } from '../store/types.ts'
import type { ArtifactStore } from './artifacts/store.ts'

export class InputError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'InputError'
  }
}

export interface PreparedRun {
  inputs: RunInputs
  config: Record<string, unknown>
  /** Vocabulary for decoding the job's token output (sample jobs). */
  vocab: Vocabulary | null
  /** Id of the dataset whose vocabulary the job's model speaks, carried into its result. */
  datasetJobId: string | null
  vocabSize: number | null
}

type GetJob = (id: string) => Promise<Job | null>

async function mustGet(getJob: GetJob, id: string, what: string): Promise<Job> {
  const job = await getJob(id)
  if (!job || job.state !== 'succeeded') throw new InputError(`${what} ${id} is not a succeeded job`)
  return job
}

/** A finished job's checkpoint on this machine (results name it by URL; older rows held the path). */
async function checkpointOf(job: Job, files: ArtifactStore): Promise<string> {
  const named = (job.result as { checkpoint?: string } | null)?.checkpoint
  if (!named) throw new InputError(`job ${job.id} has no checkpoint`)
  if (isAbsolute(named) && !named.startsWith('/v1/') && existsSync(named)) return named
  const path = await files.checkpoint(job.id)
  if (!path) throw new InputError(`job ${job.id} has no checkpoint in the artifact store`)
  return path
}

/** The dataset whose vocabulary a job speaks (every kind but sample names one in its spec). */
const datasetOf = (job: Job): string | null => (job.kind === 'sample' || job.kind === 'dataset' ? null : job.spec.datasetJobId)

function datasetOfModel(job: Job): string | null {
  return ((job.result as { datasetJobId?: string } | null)?.datasetJobId ?? datasetOf(job)) || null
}

async function vocabOfDataset(files: ArtifactStore, datasetJobId: string | null): Promise<Vocabulary> {
  if (!datasetJobId) return gpt2Vocab()
  // The vocabulary is in the manifest: a sample job needs no shards.
  return vocabFromManifest(readManifest(await files.datasetDir(datasetJobId, ['manifest.json'])))
}

/**
 * Resolves the job's inputs to files on this machine: `files` finds them (in the shared artifact
 * directory, or fetched from the api). A training job resumes from its own checkpoint, left by
 * an earlier attempt (here, or uploaded by another worker).
 */
export async function prepareRun(job: Exclude<Job, { kind: 'dataset' }>, files: ArtifactStore, getJob: GetJob, inputRoot: string): Promise<PreparedRun> {
  const inputs: RunInputs = {
    datasetDir: null,
    checkpoint: null,
    teacherCheckpoint: null,
    resumeFrom: job.kind === 'pretrain' || job.kind === 'distill' ? await files.checkpoint(job.id) : null,
  }
  // The run's config is the job's spec without what only the service reads (src/schemas/run-spec.ts).
  const serviceOnly: readonly string[] = SERVICE_ONLY[job.kind]
  const config: Record<string, unknown> = Object.fromEntries(Object.entries(job.spec).filter(([key]) => !serviceOnly.includes(key)))
  let datasetJobId = datasetOf(job)
  let vocab: Vocabulary | null = null

  if (datasetJobId) {
    await mustGet(getJob, datasetJobId, 'dataset job')
    inputs.datasetDir = await files.datasetDir(datasetJobId)
  }
  if (job.kind === 'distill') {
    inputs.teacherCheckpoint = await checkpointOf(await mustGet(getJob, job.spec.teacherJobId, 'teacher job'), files)
  }
  if (job.kind === 'evaluate') {
    const spec = job.spec
    // Resolved for Python: each model by name and checkpoint, each judge by what it loads.
    const models = []
    for (const [i, m] of spec.models.entries()) models.push({ name: m.name ?? `model${i}`, checkpoint: await checkpointOf(await mustGet(getJob, m.jobId, 'model job'), files) })
    const judges = []
    for (const j of spec.judges) {
      if (j.kind === 'arm') judges.push({ kind: 'arm', checkpoint: await checkpointOf(await mustGet(getJob, j.jobId, 'judge job'), files) })
      else if (j.kind === 'hf') judges.push({ kind: 'hf', path: resolve(inputRoot, j.path) }) // given relative to the input root
      else judges.push(j)
    }
    Object.assign(config, { models, judges })
  }
  if (job.kind === 'sample') {
    const spec = job.spec
    let seqLen = spec.seqLen
    if (spec.checkpointJobId) {
      const model = await mustGet(getJob, spec.checkpointJobId, 'checkpoint job')
      inputs.checkpoint = await checkpointOf(model, files)
      datasetJobId = datasetOfModel(model)
      const trainedLen = Number((model.result as { seqLen?: number } | null)?.seqLen ?? ('seqLen' in model.spec ? model.spec.seqLen : undefined) ?? seqLen)
      seqLen = Math.min(seqLen, trainedLen)
    }
    vocab = await vocabOfDataset(files, datasetJobId)
    config.seqLen = seqLen
    config.vocabSize = vocab.size
    if (spec.prompt !== undefined) Object.assign(config, promptToFixed(spec.prompt, seqLen, vocab))
    else if (spec.infill !== undefined) Object.assign(config, infillToFixed(spec.infill, seqLen, vocab))
  }
  const vocabSize = inputs.datasetDir ? readManifest(inputs.datasetDir).vocabSize : (vocab?.size ?? null)
  return { inputs, config, vocab, datasetJobId, vocabSize }
}
