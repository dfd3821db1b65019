// Checks a job request beyond its JSON schema: references to other jobs, step sizes, sizes
// against the hardware asked for. Returns every problem found (with its field path), so one
// 400 answer names them all.
import { isAbsolute, relative, resolve } from 'node:path'
import type { FieldProblem } from '../api/errors.ts'
import type { JobCreate, JobKind, ModelSpec } from '../schemas/jobs.ts'
import type { Job } from '../store/types.ts'

export interface JobLookup {
  get(id: string): Promise<Job | null>
}

export interface ValidationLimits {
  inputRoot: string
  /** Memory of one GPU in GiB, for the "model too large" check. */
  gpuMemoryGiB: number
  /** Largest model (parameters) a CPU job may ask for. */
  cpuMaxParams: number
}

export const STEP_SUM_TOLERANCE = 1e-6

/** Sizes of the presets, mirrored from python/fsdfm/model.py PRESETS (a test keeps the two equal). */
export const PRESET_SHAPES: Record<string, { hidden: number; blocks: number; heads: number; condDim: number }> = {
  tiny: { hidden: 64, blocks: 2, heads: 2, condDim: 32 },
  small: { hidden: 256, blocks: 4, heads: 4, condDim: 64 },
  base: { hidden: 768, blocks: 12, heads: 12, condDim: 128 },
  '0.17B': { hidden: 768, blocks: 12, heads: 12, condDim: 128 },
  '1.3B': { hidden: 2048, blocks: 21, heads: 32, condDim: 128 },
  '1.7B': { hidden: 2048, blocks: 28, heads: 32, condDim: 128 },
}

/** Rough parameter count: embeddings + output + 12 h^2 per block (attention, MLP ratio 4, adaLN). */
export function estimateParams(model: ModelSpec | undefined, vocabSize: number): number {
  const preset = PRESET_SHAPES[model?.preset ?? 'tiny']
  const hidden = model?.hidden ?? preset.hidden
  const blocks = model?.blocks ?? preset.blocks
  const condDim = model?.condDim ?? preset.condDim
  return 2 * vocabSize * hidden + blocks * (12 * hidden * hidden + 6 * condDim * hidden)
}

export function checkStepSizes(stepSizes: number[] | undefined, path: string, problems: FieldProblem[]): void {
  if (!stepSizes) return
  const sum = stepSizes.reduce((a, b) => a + b, 0)
  if (Math.abs(sum - 1) > STEP_SUM_TOLERANCE) problems.push({ path, message: `step sizes must sum to 1, they sum to ${sum}` })
}

function insideRoot(root: string, p: string): boolean {
  const rel = relative(resolve(root), resolve(root, p))
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel))
}

interface Needed {
  path: string
  id: string
  kinds: JobKind[]
  what: string
  check?: (job: Job) => string | null
}

const modelTypeOf = (job: Job): string => (job.kind === 'distill' ? 'student' : String((job.spec as { modelType?: string }).modelType ?? 'teacher'))
const hasCheckpoint = (job: Job): string | null =>
  typeof (job.result as { checkpoint?: unknown } | null)?.checkpoint === 'string' ? null : `job ${job.id} has no checkpoint`
const vocabOf = (job: Job | null | undefined): number | undefined => (job?.result as { vocabSize?: number } | null)?.vocabSize

export async function validateJob(body: JobCreate, jobs: JobLookup, limits: ValidationLimits): Promise<FieldProblem[]> {
  const problems: FieldProblem[] = []
  const needed: Needed[] = []
  const datasetRef = (id: string, path = '/spec/datasetJobId'): Needed => ({ path, id, kinds: ['dataset'], what: 'a dataset job' })

  switch (body.kind) {
    case 'dataset': {
      const s = body.spec
      if (s.source === 'upload' && !s.text) problems.push({ path: '/spec/text', message: 'required when source is upload' })
      if (s.source === 'path') {
        if (!s.path) problems.push({ path: '/spec/path', message: 'required when source is path' })
        else if (!insideRoot(limits.inputRoot, s.path)) problems.push({ path: '/spec/path', message: `must stay inside the input root (FSDFM_INPUT_ROOT)` })
      }
      if (s.source !== 'upload' && s.text !== undefined) problems.push({ path: '/spec/text', message: 'only allowed when source is upload' })
      break
    }
    case 'pretrain':
      needed.push(datasetRef(body.spec.datasetJobId))
      break
    case 'distill':
      needed.push(datasetRef(body.spec.datasetJobId))
      needed.push({
        path: '/spec/teacherJobId',
        id: body.spec.teacherJobId,
        kinds: ['pretrain'],
        what: 'a pretrain job of modelType teacher',
        check: (j) => (modelTypeOf(j) !== 'teacher' ? `job ${j.id} trained an ${modelTypeOf(j)} model, not a DFM teacher` : hasCheckpoint(j)),
      })
      break
    case 'sample': {
      const s = body.spec
      checkStepSizes(s.stepSizes, '/spec/stepSizes', problems)
      if (s.prompt !== undefined && s.infill !== undefined) problems.push({ path: '/spec/infill', message: 'give either prompt or infill, not both' })
      if (s.infill !== undefined && !/\[\[\d+\]\]/.test(s.infill)) problems.push({ path: '/spec/infill', message: 'the template has no hole; write holes as [[N]]' })
      if (s.checkpointJobId) {
        if (s.model) problems.push({ path: '/spec/model', message: 'the model comes from the checkpoint; omit model when checkpointJobId is given' })
        needed.push({
          path: '/spec/checkpointJobId',
          id: s.checkpointJobId,
          kinds: ['pretrain', 'distill'],
          what: 'a pretrain or distill job',
          check: (j) => (modelTypeOf(j) === 'arm' ? `job ${j.id} trained an autoregressive model; diffusion solvers cannot sample it` : hasCheckpoint(j)),
        })
      }
      break
    }
    case 'evaluate': {
      const s = body.spec
      needed.push(datasetRef(s.datasetJobId))
      s.models.forEach((m, i) =>
        needed.push({
          path: `/spec/models/${i}/jobId`,
          id: m.jobId,
          kinds: ['pretrain', 'distill'],
          what: 'a pretrain or distill job',
          check: (j) => (modelTypeOf(j) === 'arm' ? `job ${j.id} is an autoregressive model; use it as a judge` : hasCheckpoint(j)),
        }),
      )
      const names = s.models.map((m, i) => m.name ?? `model${i}`)
      if (new Set(names).size !== names.length) problems.push({ path: '/spec/models', message: 'model names must be unique' })
      s.judges.forEach((j, i) => {
        if (j.kind === 'arm')
          needed.push({
            path: `/spec/judges/${i}/jobId`,
            id: j.jobId,
            kinds: ['pretrain'],
            what: 'a pretrain job of modelType arm',
            check: (job) => (modelTypeOf(job) !== 'arm' ? `job ${job.id} is not an autoregressive (arm) model` : hasCheckpoint(job)),
          })
        if (j.kind === 'hf' && !insideRoot(limits.inputRoot, j.path)) problems.push({ path: `/spec/judges/${i}/path`, message: 'must stay inside the input root (FSDFM_INPUT_ROOT)' })
      })
      break
    }
  }

  const found = new Map<string, Job>()
  for (const n of needed) {
    const job = await jobs.get(n.id)
    if (!job) {
      problems.push({ path: n.path, message: `no job ${n.id}` })
      continue
    }
    if (!n.kinds.includes(job.kind as JobKind)) {
      problems.push({ path: n.path, message: `job ${n.id} is a ${job.kind} job; expected ${n.what}` })
      continue
    }
    if (job.state !== 'succeeded') {
      problems.push({ path: n.path, message: `job ${n.id} is ${job.state}; it must have succeeded` })
      continue
    }
    const issue = n.check?.(job)
    if (issue) problems.push({ path: n.path, message: issue })
    else found.set(n.path, job)
  }

  // Vocabulary agreement: every model must speak the dataset's vocabulary.
  const dataset = found.get('/spec/datasetJobId')
  const datasetVocab = vocabOf(dataset)
  if (datasetVocab !== undefined) {
    for (const [path, job] of found) {
      if (path === '/spec/datasetJobId') continue
      const v = vocabOf(job)
      if (v !== undefined && v !== datasetVocab) problems.push({ path, message: `vocabulary of ${v} tokens does not match the dataset's ${datasetVocab}` })
    }
  }

  // Size against hardware (training jobs build the model from the spec).
  if (body.kind === 'pretrain') {
    const params = estimateParams(body.spec.model, datasetVocab ?? 50258)
    checkFits(params, body.gpus, limits, '/spec/model', problems)
  }
  if (body.kind === 'sample' && !body.spec.checkpointJobId) checkFits(estimateParams(body.spec.model, 50258), body.gpus, limits, '/spec/model', problems)
  return problems
}

function checkFits(params: number, gpus: number, limits: ValidationLimits, path: string, problems: FieldProblem[]): void {
  if (gpus === 0) {
    if (params > limits.cpuMaxParams)
      problems.push({ path, message: `about ${(params / 1e6).toFixed(0)}M parameters is too large for a CPU job (limit ${(limits.cpuMaxParams / 1e6).toFixed(0)}M); ask for gpus` })
    return
  }
  // AdamW training state: weights, gradients, two moments, EMA, all float32 = 20 bytes per parameter.
  const needGiB = (params * 20) / 2 ** 30
  const haveGiB = gpus * limits.gpuMemoryGiB
  if (needGiB > haveGiB * 0.8)
    problems.push({ path, message: `about ${(params / 1e9).toFixed(2)}B parameters needs ~${needGiB.toFixed(0)} GiB of training state; ${gpus} GPU(s) of ${limits.gpuMemoryGiB} GiB are too small` })
}
