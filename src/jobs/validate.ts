// Checks a job request beyond its JSON schema: references to other jobs, step sizes, sizes
// against the hardware asked for. Returns every problem found (with its field path), so one
// 400 answer names them all.
import { isAbsolute, relative, resolve } from 'node:path'
import { TemplateError } from '../data/errors.ts'
import { infillToFixed, promptToFixed } from '../data/templates.ts'
import { gpt2Vocab } from '../data/tokenizer.ts'
import type { FieldProblem } from '../errors.ts'
import { queueFor } from '../queue/index.ts'
import { TRACE_MAX_CELLS, type EvaluateSpec, type JobCreate, type JobKind, type ModelSpec } from '../schemas/jobs.ts'
import type { Job } from '../store/types.ts'
import type { WorkerRecord, WorkersRepo } from '../store/workers.ts'
import type { Config } from '../config.ts'
import { checkSlurm, slurmLimits, type SlurmLimits } from './slurm-limits.ts'
import { estimateParams, FULL_VOCAB, gib, samplingBytes, trainingBytes } from './limits.ts'

export interface JobLookup {
  get(id: string): Promise<Job | null>
}

export interface UploadLookup {
  get(id: string): Promise<{ id: string; size: number } | null>
}

export interface ValidationLimits {
  inputRoot: string
  /** Memory of one GPU in GiB, when no registered worker says how much it has. */
  gpuMemoryGiB: number
  /** Memory a CPU job may use, in GiB, when no registered CPU worker says how much it has. */
  cpuMemoryGiB: number
  /** Largest model (parameters) a CPU job may ask for. */
  cpuMaxParams: number
  /** Most tokens a job may generate in all (samples x length, times budgets and models for evaluate). */
  maxSampleTokens: number
  /** Most tokens in one forward pass (sequences in a batch x length). */
  maxBatchTokens: number
  /** Most optimiser steps of a training job. */
  maxTrainSteps: number
  /** What a job may ask of a Slurm cluster (`spec.slurm`); absent: only the shape is checked. */
  slurm?: SlurmLimits
  /** Workers heard from recently (for "can any worker run this"); absent: the check is skipped. */
  workers?: () => Promise<WorkerRecord[]>
}

/** How long a registration counts at all (a worker is live while it heartbeats: src/store/workers.ts). */
export const WORKER_REMEMBERED_MS = 7 * 24 * 3600_000

/** The limits of a deployment: its configuration, and the workers registered in its store (read at most every 2 s). */
export function validationLimits(config: Config, store?: { workers: WorkersRepo }): ValidationLimits {
  let cached: { at: number; workers: Promise<WorkerRecord[]> } | null = null
  return {
    inputRoot: config.inputRoot,
    gpuMemoryGiB: config.FSDFM_GPU_MEMORY_GIB,
    cpuMemoryGiB: config.cpuMemoryGiB,
    cpuMaxParams: config.FSDFM_CPU_MAX_PARAMS,
    maxSampleTokens: config.FSDFM_MAX_SAMPLE_TOKENS,
    maxBatchTokens: config.FSDFM_MAX_BATCH_TOKENS,
    maxTrainSteps: config.FSDFM_MAX_TRAIN_STEPS,
    slurm: slurmLimits(config),
    workers: store
      ? () => {
          if (!cached || Date.now() - cached.at > 2000) {
            const workers = store.workers.list(WORKER_REMEMBERED_MS)
            cached = { at: Date.now(), workers }
            workers.catch(() => (cached = null))
          }
          return cached.workers
        }
      : undefined,
  }
}

export const STEP_SUM_TOLERANCE = 1e-6
export { PRESET_SHAPES, estimateParams } from './limits.ts'

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

const modelTypeOf = (job: Job): string => (job.kind === 'distill' ? 'student' : job.kind === 'pretrain' ? (job.spec.modelType ?? 'teacher') : job.kind)
const hasCheckpoint = (job: Job): string | null =>
  typeof (job.result as { checkpoint?: unknown } | null)?.checkpoint === 'string' ? null : `job ${job.id} has no checkpoint`
const vocabOf = (job: Job | null | undefined): number | undefined => (job?.result as { vocabSize?: number } | null)?.vocabSize

const trainedSeqLen = (job: Job | null | undefined): number | undefined =>
  (job?.result as { seqLen?: number } | null)?.seqLen ?? (job && 'seqLen' in job.spec ? job.spec.seqLen : undefined)

export async function validateJob(body: JobCreate, jobs: JobLookup, limits: ValidationLimits, uploads?: UploadLookup): Promise<FieldProblem[]> {
  const problems: FieldProblem[] = []
  const needed: Needed[] = []
  const datasetRef = (id: string, path = '/spec/datasetJobId'): Needed => ({ path, id, kinds: ['dataset'], what: 'a dataset job' })

  switch (body.kind) {
    case 'dataset': {
      const s = body.spec
      if (s.source === 'upload') {
        if (s.text === undefined && s.uploadId === undefined) problems.push({ path: '/spec/text', message: 'required when source is upload: the text inline, or `uploadId` naming a POST /v1/uploads' })
        else if (s.text !== undefined && s.uploadId !== undefined) problems.push({ path: '/spec/text', message: 'give either text or uploadId, not both' })
        else if (s.text !== undefined && s.text.trim() === '') problems.push({ path: '/spec/text', message: 'is empty' })
        else if (s.uploadId !== undefined && uploads && !(await uploads.get(s.uploadId))) problems.push({ path: '/spec/uploadId', message: `no upload ${s.uploadId}` })
      } else if (s.uploadId !== undefined) problems.push({ path: '/spec/uploadId', message: 'only allowed when source is upload' })
      if (s.source === 'path') {
        if (!s.path) problems.push({ path: '/spec/path', message: 'required when source is path' })
        else if (!insideRoot(limits.inputRoot, s.path)) problems.push({ path: '/spec/path', message: `must stay inside the input root (FSDFM_INPUT_ROOT)` })
      }
      if (s.source !== 'upload' && s.text !== undefined) problems.push({ path: '/spec/text', message: 'only allowed when source is upload' })
      break
    }
    case 'pretrain':
      needed.push(datasetRef(body.spec.datasetJobId))
      checkTraining(body.spec, limits, problems)
      break
    case 'distill':
      needed.push(datasetRef(body.spec.datasetJobId))
      checkTraining(body.spec, limits, problems)
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
      problems.push(...evaluateNameProblems(s, names))
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

  if (body.kind !== 'dataset' && body.spec.slurm) checkSlurm(body.kind, body.gpus, body.spec.slurm, limits.slurm, problems)

  const found = new Map<string, Job>()
  for (const n of needed) {
    const job = await jobs.get(n.id)
    if (!job) {
      problems.push({ path: n.path, message: `no job ${n.id}` })
      continue
    }
    if (job.deletedAt) {
      problems.push({ path: n.path, message: `job ${n.id} was deleted${job.deletedBy ? ` by ${job.deletedBy}` : ''} at ${job.deletedAt}; its outputs are gone` })
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

  if (body.kind === 'sample') checkTemplate(body.spec, found.get('/spec/checkpointJobId'), problems)
  await checkSizes(body, found, jobs, limits, problems)
  await checkServed(body, limits, problems)
  return problems
}

/** Training knobs a worker turns into sizes: steps and the tokens of one micro-batch. */
function checkTraining(spec: { steps: number; batchSize: number; gradAccum: number; seqLen: number }, limits: ValidationLimits, problems: FieldProblem[]): void {
  if (spec.steps > limits.maxTrainSteps) problems.push({ path: '/spec/steps', message: `at most ${limits.maxTrainSteps} (FSDFM_MAX_TRAIN_STEPS)` })
  if (spec.gradAccum > spec.batchSize) problems.push({ path: '/spec/gradAccum', message: `splits a batch of ${spec.batchSize} sequences into micro-batches; at most batchSize` })
  const micro = Math.ceil(spec.batchSize / spec.gradAccum) * spec.seqLen
  if (micro > limits.maxBatchTokens)
    problems.push({ path: '/spec/batchSize', message: `a micro-batch of ${micro} tokens (batchSize / gradAccum x seqLen) exceeds ${limits.maxBatchTokens} (FSDFM_MAX_BATCH_TOKENS); raise gradAccum or lower batchSize` })
}

/** A prompt or infill template laid out now (GPT-2 token counts equal compact ones): one that cannot fit is a 400 here, never a worker's problem. */
function checkTemplate(spec: Extract<JobCreate, { kind: 'sample' }>['spec'], model: Job | undefined, problems: FieldProblem[]): void {
  const seqLen = Math.min(spec.seqLen, trainedSeqLen(model) ?? spec.seqLen)
  const [field, text] = spec.infill !== undefined ? ['/spec/infill', spec.infill] : ['/spec/prompt', spec.prompt]
  if (text === undefined || problems.some((p) => p.path === field)) return
  try {
    if (field === '/spec/infill') infillToFixed(text, seqLen, gpt2Vocab())
    else promptToFixed(text, seqLen, gpt2Vocab())
  } catch (err) {
    if (!(err instanceof TemplateError)) throw err
    problems.push({ path: field, message: err.message })
  }
}

/** The architecture a finished model job trained (a student has its teacher's). */
async function modelSpecOf(job: Job, jobs: JobLookup): Promise<ModelSpec | undefined> {
  if (job.kind === 'distill') {
    const teacher = await jobs.get(job.spec.teacherJobId)
    return teacher?.kind === 'pretrain' ? teacher.spec.model : undefined
  }
  return job.kind === 'pretrain' || job.kind === 'sample' ? job.spec.model : undefined
}

/** The memory of one device of the kind the job asks for: the largest registered worker serving its queue says, else the configuration. */
async function deviceMemory(body: JobCreate, limits: ValidationLimits): Promise<{ bytes: number; where: string }> {
  const queue = queueFor(body.kind, body.gpus)
  const serving = (limits.workers ? await limits.workers() : []).filter((w) => w.queues.includes(queue) && w.memoryBytes)
  if (serving.length > 0) return { bytes: Math.max(...serving.map((w) => w.memoryBytes!)), where: `the largest ${body.gpus > 0 ? 'GPU' : 'memory'} of the workers serving ${queue}` }
  return body.gpus > 0
    ? { bytes: limits.gpuMemoryGiB * 2 ** 30, where: 'one GPU (FSDFM_GPU_MEMORY_GIB)' }
    : { bytes: limits.cpuMemoryGiB * 2 ** 30, where: 'a CPU worker (FSDFM_CPU_MEMORY_GIB)' }
}

/** Tokens, batch and memory against the limits, and the model against CPU jobs' size limit. */
async function checkSizes(body: JobCreate, found: Map<string, Job>, jobs: JobLookup, limits: ValidationLimits, problems: FieldProblem[]): Promise<void> {
  if (body.kind === 'dataset') return
  let need = 0
  let model: ModelSpec | undefined
  let modelPath = '/spec/model'
  const vocabAt = (path: string) => vocabOf(found.get(path)) ?? vocabOf(found.get('/spec/datasetJobId')) ?? FULL_VOCAB
  if (body.kind === 'pretrain') {
    model = body.spec.model
    const s = body.spec
    need = trainingBytes(model, vocabAt('/spec/datasetJobId'), Math.ceil(s.batchSize / s.gradAccum), s.seqLen, false)
  } else if (body.kind === 'distill') {
    const teacher = found.get('/spec/teacherJobId')
    if (!teacher) return
    model = await modelSpecOf(teacher, jobs)
    modelPath = '/spec/teacherJobId'
    const s = body.spec
    need = trainingBytes(model, vocabAt('/spec/teacherJobId'), Math.ceil(s.batchSize / s.gradAccum), s.seqLen, true)
  } else if (body.kind === 'sample') {
    const s = body.spec
    const ckpt = found.get('/spec/checkpointJobId')
    if (s.checkpointJobId && !ckpt) return
    model = ckpt ? await modelSpecOf(ckpt, jobs) : s.model
    if (ckpt) modelPath = '/spec/checkpointJobId'
    const seqLen = Math.min(s.seqLen, trainedSeqLen(ckpt) ?? s.seqLen)
    if (s.count * seqLen > limits.maxSampleTokens)
      problems.push({ path: '/spec/count', message: `${s.count} samples of ${seqLen} tokens is ${s.count * seqLen} tokens; at most ${limits.maxSampleTokens} per job (FSDFM_MAX_SAMPLE_TOKENS)` })
    // A trace keeps every token of every sample at every step, in the event log and in trace.json.
    const frames = (s.stepSizes?.length ?? s.steps) + 1
    if (s.trace && s.count * seqLen * frames > TRACE_MAX_CELLS)
      problems.push({
        path: '/spec/trace',
        message: `a trace of ${s.count} samples × ${seqLen} tokens × ${frames} frames (steps + 1) is ${s.count * seqLen * frames} token cells; at most ${TRACE_MAX_CELLS} per traced job: lower count, seqLen or steps, or sample without trace`,
      })
    const batch = Math.min(s.batchSize, s.count)
    if (batch * seqLen > limits.maxBatchTokens)
      problems.push({ path: '/spec/batchSize', message: `a batch of ${batch} x ${seqLen} tokens exceeds ${limits.maxBatchTokens} (FSDFM_MAX_BATCH_TOKENS)` })
    need = samplingBytes(model, ckpt ? vocabAt('/spec/checkpointJobId') : FULL_VOCAB, batch, seqLen)
  } else {
    const s = body.spec
    const models = [...found.entries()].filter(([path]) => path.startsWith('/spec/models/'))
    if (models.length < s.models.length) return
    let generated = 0
    for (const [path, job] of models) {
      const seqLen = s.seqLen ?? trainedSeqLen(job) ?? 128
      generated += s.samples * seqLen * s.stepBudgets.length
      const spec = await modelSpecOf(job, jobs)
      const bytes = samplingBytes(spec, vocabAt(path), Math.min(s.batchSize, s.samples), seqLen)
      if (bytes > need) [need, model, modelPath] = [bytes, spec, path]
      if (Math.min(s.batchSize, s.samples) * seqLen > limits.maxBatchTokens)
        problems.push({ path: '/spec/batchSize', message: `a batch of ${Math.min(s.batchSize, s.samples)} x ${seqLen} tokens exceeds ${limits.maxBatchTokens} (FSDFM_MAX_BATCH_TOKENS)` })
    }
    if (generated > limits.maxSampleTokens)
      problems.push({ path: '/spec/samples', message: `samples x length x budgets x models is ${generated} tokens; at most ${limits.maxSampleTokens} per job (FSDFM_MAX_SAMPLE_TOKENS)` })
  }
  const params = estimateParams(model, vocabAt(modelPath))
  if (body.gpus === 0 && params > limits.cpuMaxParams) {
    problems.push({ path: modelPath, message: `about ${(params / 1e6).toFixed(0)}M parameters is too large for a CPU job (limit ${(limits.cpuMaxParams / 1e6).toFixed(0)}M); ask for gpus` })
    return
  }
  const have = await deviceMemory(body, limits)
  // The weights (and, training, their optimiser state) alone: no batch size makes that fit.
  const weights = params * (body.kind === 'distill' ? 28 : body.kind === 'pretrain' ? 20 : 4)
  if (weights > have.bytes * 0.9)
    problems.push({ path: modelPath, message: `about ${(params / 1e9).toFixed(2)}B parameters needs ~${gib(weights)} for its weights${body.kind === 'pretrain' || body.kind === 'distill' ? ' and training state' : ''}; ${have.where} has ${gib(have.bytes)}: use a smaller model` })
  else if (need > have.bytes * 0.9 && !problems.some((p) => p.path === '/spec/batchSize'))
    problems.push({
      path: '/spec/batchSize',
      message: `needs about ${gib(need)} per device (model, batch and sequence length together); ${have.where} has ${gib(have.bytes)}: lower batchSize or seqLen, or use a smaller model`,
    })
}

/** A job no registered worker could take is refused; with no worker registered yet it waits (the job view says so). */
async function checkServed(body: JobCreate, limits: ValidationLimits, problems: FieldProblem[]): Promise<void> {
  const workers = limits.workers ? await limits.workers() : []
  if (workers.length === 0) return
  const queue = queueFor(body.kind, body.gpus)
  if (workers.some((w) => w.queues.includes(queue))) return
  const served = [...new Set(workers.flatMap((w) => w.queues))].sort()
  problems.push({ path: '/gpus', message: `no worker serves jobs with ${body.gpus} GPU(s) (queue ${queue}); the registered workers serve ${served.join(', ')}` })
}

/**
 * Names in matchEntropy and comparisons must be evaluated models and budgets (Python checks the
 * same before it runs: python/fsdfm/config.py `_check_evaluate_names`); caught here, the
 * submission is a 400 instead of a job that fails after loading its models.
 */
function evaluateNameProblems(s: EvaluateSpec, names: string[]): FieldProblem[] {
  const problems: FieldProblem[] = []
  const m = s.matchEntropy
  if (m) {
    for (const key of ['model', 'target'] as const)
      if (!names.includes(m[key])) problems.push({ path: `/spec/matchEntropy/${key}`, message: `"${m[key]}" is not one of the evaluated models (${names.join(', ')})` })
    if (!s.stepBudgets.includes(m.targetSteps)) problems.push({ path: '/spec/matchEntropy/targetSteps', message: `${m.targetSteps} is not one of stepBudgets (${s.stepBudgets.join(', ')})` })
  }
  const evaluated = new Set(names.flatMap((n) => s.stepBudgets.map((b) => `${n}@${b}`)))
  if (m) for (const b of m.budgets) evaluated.add(`${m.model}~matched@${b}`)
  ;(s.comparisons ?? []).forEach((pair, i) => {
    for (const side of ['a', 'b'] as const)
      if (!evaluated.has(pair[side])) problems.push({ path: `/spec/comparisons/${i}/${side}`, message: `"${pair[side]}" is not an evaluated model@steps` })
  })
  return problems
}
