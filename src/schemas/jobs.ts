// Job specifications: the one definition used by the API (validation + OpenAPI), the store,
// the queue payloads, the worker and the tests. Defaults follow ../shared/docs/method.md,
// scaled down where the paper's value would not run on a CPU (noted beside each).
import { Type, type Static, type TSchema, type TUnion } from 'typebox'
import { SOLVER_NAMES } from './solvers.ts'

/** A string enum, typed as the union of its values (TypeBox unions over mapped arrays lose the literal types). */
export const StringEnum = <const T extends readonly string[]>(values: T, options: Record<string, unknown> = {}) =>
  Type.Unsafe<T[number]>({ type: 'string', enum: [...values], ...options }) as TSchema & { static: T[number] } & ReturnType<typeof Type.Unsafe<T[number]>>

export const JOB_KINDS = ['dataset', 'pretrain', 'distill', 'evaluate', 'sample'] as const
export type JobKind = (typeof JOB_KINDS)[number]
export const JobKindSchema = StringEnum(JOB_KINDS, { description: 'What the job does' })

export const JOB_STATES = ['queued', 'running', 'succeeded', 'failed', 'cancelling', 'cancelled'] as const
export type JobState = (typeof JOB_STATES)[number]
export const JobStateSchema = StringEnum(JOB_STATES)
export const TERMINAL_STATES: readonly JobState[] = ['succeeded', 'failed', 'cancelled']

export { SOLVER_NAMES, type SolverName } from './solvers.ts'

const JobId = Type.String({ format: 'uuid', description: 'Id of a finished job whose output this job uses' })

export const MODEL_PRESETS = ['tiny', 'small', 'base', '0.17B', '1.3B', '1.7B'] as const

export const ModelSpec = Type.Object(
  {
    preset: StringEnum(MODEL_PRESETS, {
      default: 'tiny',
      description:
        'Size preset. tiny: hidden 64, 2 blocks (CPU tests); small: hidden 256, 4 blocks; base/0.17B: hidden 768, 12 blocks, 12 heads (paper); 1.3B: hidden 2048, 21 blocks; 1.7B: hidden 2048, 28 blocks',
    }),
    hidden: Type.Optional(Type.Integer({ minimum: 8, maximum: 8192, description: 'Overrides the preset hidden size' })),
    blocks: Type.Optional(Type.Integer({ minimum: 1, maximum: 128, description: 'Overrides the preset block count' })),
    heads: Type.Optional(Type.Integer({ minimum: 1, maximum: 128, description: 'Overrides the preset head count' })),
    condDim: Type.Optional(Type.Integer({ minimum: 4, maximum: 4096, description: 'Conditioning vector size (paper: 128)' })),
    dropout: Type.Optional(Type.Number({ minimum: 0, maximum: 0.9, description: 'Dropout (paper: 0.1)' })),
    attentionBias: Type.Optional(
      StringEnum(['none', 'local'] as const, {
        description:
          'DiT attention bias. none (default): the paper’s architecture; local: a per-head penalty proportional to token distance (slopes 1 down to 2^-8(H-1)/H), which shortens the unigram plateau of small bidirectional models on long sequences (docs/method-notes.md). Ignored by an ARM',
      }),
    ),
  },
  { additionalProperties: false, description: 'Model architecture' },
)

export const DatasetSpec = Type.Object(
  {
    source: Type.Union([Type.Literal('brown'), Type.Literal('upload'), Type.Literal('path')], {
      default: 'brown',
      description: 'brown: the bundled Brown corpus; upload: an upload (`uploadId`, from POST /v1/uploads) or inline `text`; path: a file or folder under FSDFM_INPUT_ROOT',
    }),
    text: Type.Optional(
      Type.String({
        maxLength: 1_000_000,
        description: 'Inline text (source=upload), for small texts; stored as an upload, so the job shows `uploadId` instead. Larger texts: POST /v1/uploads',
      }),
    ),
    uploadId: Type.Optional(Type.String({ format: 'uuid', description: 'An upload from POST /v1/uploads (source=upload)' })),
    format: Type.Union([Type.Literal('text'), Type.Literal('jsonl')], {
      default: 'text',
      description: 'text: documents separated by blank lines; jsonl: one {"text": ...} object per line',
    }),
    path: Type.Optional(Type.String({ minLength: 1, maxLength: 4096, description: 'Server-side path relative to FSDFM_INPUT_ROOT (source=path)' })),
    maxDocuments: Type.Optional(Type.Integer({ minimum: 1, description: 'Use at most this many documents' })),
    compactVocab: Type.Optional(
      Type.Integer({
        minimum: 16,
        maximum: 50257,
        description: 'Keep the K most frequent GPT-2 tokens plus one unknown token (for CPU-sized models); omit for the full vocabulary',
      }),
    ),
    validationFraction: Type.Number({ minimum: 0, maximum: 0.5, default: 0.05, description: 'Share of documents held out for validation' }),
    seed: Type.Integer({ minimum: 0, maximum: 4294967295, default: 0, description: 'Seed of the train/validation split' }),
  },
  { additionalProperties: false },
)

/**
 * torch.compile of the model, per job. auto: on for a job on a CUDA device where the worker's
 * PyTorch has torch.compile (2.x), off on CPU and on PyTorch 1.x; a compile error then falls
 * back to eager with a log line. true: always; the job fails with a clear error where
 * torch.compile is missing or fails. false: never (eager, e.g. to rule compilation out).
 * Compiling costs tens of seconds the first time a worker runs a model at a shape; sample and
 * evaluate jobs on a checkpoint reuse it through the worker's model cache.
 */
export const CompileOption = Type.Union([Type.Literal('auto'), Type.Boolean()], {
  default: 'auto',
  description:
    'torch.compile of the model. auto: on for CUDA jobs where PyTorch has torch.compile (2.x), off on CPU and PyTorch 1.x, and a compile error falls back to eager (logged); true: required, the job fails where torch.compile is missing or fails; false: eager. The first run of a model at a shape on a worker pays the compilation (tens of seconds); later sample jobs on the same checkpoint reuse it',
})

const Optim = {
  lr: Type.Number({ exclusiveMinimum: 0, maximum: 1, default: 3e-4, description: 'Peak learning rate (AdamW)' }),
  warmupSteps: Type.Integer({ minimum: 0, default: 50, description: 'Linear warm-up steps (paper: 2,500 pre-training, 10k distillation)' }),
  minLrRatio: Type.Number({ minimum: 0, maximum: 1, default: 0.1, description: 'Cosine decay ends at minLrRatio * lr (paper: 0.1)' }),
  weightDecay: Type.Number({ minimum: 0, default: 0.03, description: 'AdamW weight decay (paper: 0.03)' }),
  gradClip: Type.Number({ minimum: 0, default: 1.0, description: 'Gradient norm clip, 0 = off (paper: 1.0)' }),
  gradAccum: Type.Integer({ minimum: 1, default: 1, description: 'Gradient accumulation micro-steps per optimiser step' }),
  batchSize: Type.Integer({ minimum: 1, maximum: 4096, default: 16, description: 'Sequences per optimiser step and GPU' }),
  seqLen: Type.Integer({ minimum: 8, maximum: 8192, default: 128, description: 'Tokens per sequence (paper: 1,024)' }),
  steps: Type.Integer({ minimum: 1, maximum: 1_000_000_000, default: 500, description: 'Optimiser steps (at most FSDFM_MAX_TRAIN_STEPS)' }),
  checkpointEvery: Type.Integer({ minimum: 1, maximum: 1_000_000_000, default: 100, description: 'Write a checkpoint every this many steps (and at the end)' }),
  logEvery: Type.Integer({ minimum: 1, maximum: 1_000_000_000, default: 10, description: 'Record metrics every this many steps' }),
  seed: Type.Integer({ minimum: 0, maximum: 4294967295, default: 0, description: 'Seed of initialisation, data order and noise' }),
  beta1: Type.Number({ minimum: 0, exclusiveMaximum: 1, default: 0.9, description: 'AdamW beta1' }),
  beta2: Type.Number({ minimum: 0, exclusiveMaximum: 1, default: 0.95, description: 'AdamW beta2' }),
  adamEps: Type.Number({ exclusiveMinimum: 0, maximum: 1, default: 1e-8, description: 'AdamW epsilon' }),
  compile: CompileOption,
}

/**
 * Where a job runs on a Slurm cluster (read by a Slurm worker, `fsdfm worker --slurm`; other
 * workers ignore it). The job's `gpus` are its total: a job on N nodes gets gpus / N GPUs and as
 * many ranks on each. Limits: FSDFM_SLURM_* of the deployment.
 */
export const SlurmSpec = Type.Object(
  {
    nodes: Type.Integer({ minimum: 1, maximum: 1024, default: 1, description: 'Nodes the job spans (Slurm allocates them all or none); gpus must be a multiple of it. More than 1: pretrain and distill only' }),
    ranksPerNode: Type.Optional(
      Type.Integer({ minimum: 1, maximum: 64, description: 'Data-parallel ranks per node. GPU jobs: one per GPU (gpus / nodes, the default); CPU jobs (gpus 0): gloo ranks, default 1; more than 1 rank: pretrain and distill only' }),
    ),
    partition: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9_.-]{1,64}$', description: 'Slurm partition (default: FSDFM_SLURM_PARTITIONS first entry, else the cluster’s default)' })),
    timeLimitMinutes: Type.Optional(
      Type.Integer({ minimum: 1, maximum: 525_600, description: 'Wall-clock limit of each Slurm submission (default FSDFM_SLURM_DEFAULT_MINUTES); a training job stopped by it resumes from its checkpoint in a new submission' }),
    ),
  },
  { additionalProperties: false, description: 'Slurm placement: nodes, ranks per node, partition, time limit' },
)
export type SlurmSpec = Static<typeof SlurmSpec>

export const PretrainSpec = Type.Object(
  {
    datasetJobId: JobId,
    modelType: Type.Union([Type.Literal('teacher'), Type.Literal('arm')], {
      default: 'teacher',
      description: 'teacher: the DFM model conditioned on t; arm: the autoregressive baseline (also a judge)',
    }),
    model: Type.Optional(ModelSpec),
    source: Type.Union([Type.Literal('mask'), Type.Literal('uniform')], { default: 'mask', description: 'Source distribution x_0' }),
    schedulerExponent: Type.Number({ exclusiveMinimum: 0, default: 1, description: 'kappa(t) = t^n' }),
    loss: Type.Union([Type.Literal('cross_entropy'), Type.Literal('generalized_kl')], { default: 'cross_entropy' }),
    emaDecay: Type.Number({ minimum: 0, maximum: 1, default: 0.999, description: 'EMA decay of the weights' }),
    timeEps: Type.Number({ minimum: 0, exclusiveMaximum: 1, default: 1e-3, description: 'Training times t are drawn from [0, 1 - timeEps): keeps the loss weight at t near 1 finite' }),
    ...Optim,
    slurm: Type.Optional(SlurmSpec),
  },
  { additionalProperties: false },
)

export const DistillSpec = Type.Object(
  {
    datasetJobId: JobId,
    teacherJobId: Type.String({ format: 'uuid', description: 'A finished pretrain job of modelType teacher' }),
    shortcut: Type.Union([Type.Literal('rk4'), Type.Literal('heun'), Type.Literal('rk4_reference')], {
      default: 'rk4',
      description:
        'Shortcut teacher integrator. rk4: every stage on the path at the time it is labelled with; heun: two evaluations; rk4_reference: the public reference code’s stage placement (k3 and k4 see states off the path), for ablations (docs/method-notes.md)',
    }),
    threshold: Type.Optional(
      Type.Number({
        exclusiveMinimum: 0,
        maximum: 1,
        description:
          'Step sizes at or below this learn the path loss against the data instead of the shortcut teacher. Default: the smallest grid step 2^-gridPowers alone, about half of the examples (the paper: h < 2^-9 on the 2^-10 grid)',
      }),
    ),
    gridPowers: Type.Integer({ minimum: 1, maximum: 16, default: 10, description: 'Step-size grid {2^0 .. 2^-gridPowers} (paper: 10)' }),
    emaDecay: Type.Number({ minimum: 0, maximum: 1, default: 0.9995, description: 'EMA of the student that serves as shortcut teacher (paper: 0.9995)' }),
    timeEps: Type.Number({ minimum: 0, exclusiveMaximum: 1, default: 0, description: 'Trained pairs keep t + h <= 1 - timeEps; 0 is the method’s grid, which includes every sampler’s final step (t = 1 - h, h)' }),
    ...Optim,
    lr: Type.Number({ exclusiveMinimum: 0, maximum: 1, default: 1e-4, description: 'Peak learning rate (paper: 1e-5 at 0.17B)' }),
    slurm: Type.Optional(SlurmSpec),
  },
  { additionalProperties: false },
)

export const StepSizes = Type.Array(Type.Number({ exclusiveMinimum: 0, maximum: 1 }), {
  minItems: 1,
  maxItems: 4096,
  description: 'Explicit step sizes, each positive, summing to 1 (instead of uniform `steps`)',
})

export const SamplingParams = {
  solver: StringEnum(SOLVER_NAMES, {
    default: 'cumulative_scalar',
    description:
      'cumulative_scalar: FS-DFM; dfm_euler: the DFM Euler baseline; mixture_euler: Poisson jump counts of the frozen rate g(t) p, a consistent first-order solver (not the reference code’s solver of that name, which jumps with probability 1 - exp(-(1 - p(z))) whatever t and h: docs/method-notes.md)',
  }),
  steps: Type.Integer({ minimum: 1, maximum: 4096, default: 8, description: 'Uniform steps h = 1/steps' }),
  stepSizes: Type.Optional(StepSizes),
  // Below 0.01 the scaled logits leave float32's useful range and the draw degenerates.
  temperature: Type.Number({ minimum: 0.01, maximum: 10, default: 1.0, description: 'Sampling temperature: logits are divided by it (0.01 to 10)' }),
}

/** Most token cells (samples × length × (steps + 1)) a traced sample job may record: the frames live in the event log and in trace.json. */
export const TRACE_MAX_CELLS = 2_000_000

export const SampleSpec = Type.Object(
  {
    checkpointJobId: Type.Optional(
      Type.String({ format: 'uuid', description: 'A finished pretrain or distill job; omit to sample from a randomly initialised model' }),
    ),
    model: Type.Optional(ModelSpec),
    ...SamplingParams,
    seed: Type.Integer({ minimum: 0, maximum: 4294967295, default: 0 }),
    count: Type.Integer({ minimum: 1, maximum: 10_000, default: 4, description: 'Samples to draw' }),
    compile: CompileOption,
    batchSize: Type.Integer({ minimum: 1, maximum: 1024, default: 4 }),
    seqLen: Type.Integer({ minimum: 4, maximum: 8192, default: 64, description: 'Tokens per sample (default: 64, or the checkpoint’s training length when smaller)' }),
    prompt: Type.Optional(Type.String({ maxLength: 100_000, description: 'Text prefix kept fixed; the rest is generated' })),
    infill: Type.Optional(
      Type.String({ maxLength: 100_000, description: 'Template with holes written [[N]] (N tokens to fill); the text around the holes stays fixed' }),
    ),
    trace: Type.Boolean({
      default: false,
      description:
        `Record every sample’s tokens after each solver step (masked positions as null): \`trace\` events on the job’s event stream while it runs, and GET /v1/jobs/{id}/trace afterwards. count × seqLen × (steps + 1) must stay within ${TRACE_MAX_CELLS.toLocaleString('en-US')} token cells`,
    }),
    slurm: Type.Optional(SlurmSpec),
  },
  { additionalProperties: false },
)

/**
 * A tagged union as oneOf + discriminator: Ajv then validates (and fills defaults of) only the
 * branch the tag names, and reports that branch's errors instead of every branch's.
 */
export function Discriminated<U extends TUnion>(tag: string, union: U, options: Record<string, unknown> = {}) {
  const schema = Type.Unsafe<Static<U>>({ type: 'object', oneOf: union.anyOf, discriminator: { propertyName: tag }, required: [tag], ...options })
  return schema as typeof schema & { oneOf: U['anyOf'] }
}

export const NgramJudgeSpec = Type.Object(
  {
    kind: Type.Literal('ngram'),
    order: Type.Integer({ minimum: 1, maximum: 5, default: 3 }),
    smoothing: Type.Union([Type.Literal('kn'), Type.Literal('addk')], { default: 'kn', description: 'kn: interpolated Kneser-Ney; addk: add-k' }),
  },
  { additionalProperties: false },
)

export const JudgeSpec = Discriminated(
  'kind',
  Type.Union([
    NgramJudgeSpec,
    Type.Object({ kind: Type.Literal('arm'), jobId: Type.String({ format: 'uuid', description: 'A finished pretrain job of modelType arm' }) }, { additionalProperties: false }),
    Type.Object({ kind: Type.Literal('hf'), path: Type.String({ minLength: 1, maxLength: 4096, description: 'Local Hugging Face causal-LM directory under FSDFM_INPUT_ROOT' }) }, { additionalProperties: false }),
  ]),
  { description: 'Who scores the generated text' },
)

/** The step budgets an evaluation samples at unless told otherwise. */
export const DEFAULT_STEP_BUDGETS = [1, 2, 4, 8, 16, 32, 64]

export const EvaluateSpec = Type.Object(
  {
    datasetJobId: JobId,
    models: Type.Array(
      Type.Object(
        { name: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })), jobId: Type.String({ format: 'uuid' }) },
        { additionalProperties: false },
      ),
      { minItems: 1, maxItems: 16, description: 'Finished pretrain/distill jobs to evaluate' },
    ),
    judges: Type.Array(JudgeSpec, { minItems: 1, maxItems: 4, default: [{ kind: 'ngram', order: 3 }] }),
    stepBudgets: Type.Array(Type.Integer({ minimum: 1, maximum: 4096 }), { minItems: 1, maxItems: 16, default: DEFAULT_STEP_BUDGETS }),
    solver: SamplingParams.solver,
    temperature: SamplingParams.temperature,
    samples: Type.Integer({ minimum: 1, maximum: 10_000, default: 8, description: 'Generated samples per budget and model' }),
    batchSize: Type.Integer({ minimum: 1, maximum: 1024, default: 8 }),
    seqLen: Type.Optional(Type.Integer({ minimum: 4, maximum: 8192, description: 'Generation length (default: the model’s training length)' })),
    elbo: Type.Boolean({ default: true, description: 'Report the ELBO perplexity bound on validation data' }),
    elboTimePoints: Type.Integer({ minimum: 1, maximum: 1024, default: 16 }),
    compile: CompileOption,
    infill: Type.Boolean({ default: true, description: 'Report infilling accuracy on validation data' }),
    infillFraction: Type.Number({ exclusiveMinimum: 0, exclusiveMaximum: 1, default: 0.5, description: 'Share of tokens kept fixed in the infilling test' }),
    infillSteps: Type.Optional(Type.Integer({ minimum: 1, maximum: 4096, description: 'Sampling steps of the infilling test (default: the largest step budget up to 64)' })),
    seed: Type.Integer({ minimum: 0, maximum: 4294967295, default: 0 }),
    comparisons: Type.Optional(
      Type.Array(
        Type.Object(
          {
            a: Type.String({ pattern: '^.+@[0-9]+$', description: 'model@steps, e.g. student@8 (the entropy-matched control is <model>~matched@steps)' }),
            b: Type.String({ pattern: '^.+@[0-9]+$', description: 'model@steps, e.g. teacher@256' }),
          },
          { additionalProperties: false },
        ),
        {
          maxItems: 64,
          description:
            'Paired comparisons besides the default ones (each model vs the first at every budget, each budget vs the largest, the entropy-matched control vs its target): difference and ratio of the mean perplexities with 95% paired intervals',
        },
      ),
    ),
    matchEntropy: Type.Optional(
      Type.Object(
        {
          model: Type.String({ minLength: 1, description: 'Evaluated model to re-sample at a lower or higher temperature (e.g. the teacher)' }),
          target: Type.String({ minLength: 1, description: 'Evaluated model whose sample entropy it matches (e.g. the student)' }),
          targetSteps: Type.Integer({ minimum: 1, maximum: 4096, default: 8, description: 'The target’s step budget (one of stepBudgets)' }),
          budgets: Type.Array(Type.Integer({ minimum: 1, maximum: 4096 }), { minItems: 1, maxItems: 16, default: [8], description: 'Budgets at which the control is sampled' }),
          tolerance: Type.Number({ exclusiveMinimum: 0, exclusiveMaximum: 1, default: 0.005, description: 'Relative entropy mismatch accepted' }),
          maxEvaluations: Type.Integer({ minimum: 1, maximum: 16, default: 4, description: 'Sample sets per budget the temperature search may spend' }),
        },
        {
          additionalProperties: false,
          description:
            'Entropy-matched control: the model at the temperature whose samples have the target’s mean entropy, reported as <model>~matched, so that a quality gain is not just sharper sampling',
        },
      ),
    ),
    slurm: Type.Optional(SlurmSpec),
  },
  { additionalProperties: false },
)

/** A project's name: lower-case letters, digits, - and _. */
export const ProjectName = Type.String({ pattern: '^[a-z0-9][a-z0-9_-]{0,62}$', description: 'A project: lower-case letters, digits, - and _ (at most 63)' })

const Common = {
  project: Type.Optional(
    Type.Unsafe<string>({ ...ProjectName, description: 'The project the job belongs to. Default: the token’s only project, else `default`; the token needs the member role there' }),
  ),
  priority: Type.Integer({ minimum: 1, maximum: 100, default: 50, description: 'Lower runs first: 1 is the most urgent' }),
  gpus: Type.Integer({ minimum: 0, maximum: 64, default: 0, description: 'GPUs the job needs; 0 runs on a CPU worker' }),
  tags: Type.Array(Type.String({ minLength: 1, maxLength: 64 }), { maxItems: 32, default: [] }),
  name: Type.Optional(Type.String({ maxLength: 200 })),
}

export const JobCreate = Discriminated(
  'kind',
  Type.Union([
    Type.Object({ kind: Type.Literal('dataset'), spec: DatasetSpec, ...Common }, { additionalProperties: false }),
    Type.Object({ kind: Type.Literal('pretrain'), spec: PretrainSpec, ...Common }, { additionalProperties: false }),
    Type.Object({ kind: Type.Literal('distill'), spec: DistillSpec, ...Common }, { additionalProperties: false }),
    Type.Object({ kind: Type.Literal('evaluate'), spec: EvaluateSpec, ...Common }, { additionalProperties: false }),
    Type.Object({ kind: Type.Literal('sample'), spec: SampleSpec, ...Common }, { additionalProperties: false }),
  ]),
  { description: 'A job to run: `kind` selects the spec schema' },
)
export type JobCreate = Static<typeof JobCreate>
export type DatasetSpec = Static<typeof DatasetSpec>
export type PretrainSpec = Static<typeof PretrainSpec>
export type DistillSpec = Static<typeof DistillSpec>
export type EvaluateSpec = Static<typeof EvaluateSpec>
export type SampleSpec = Static<typeof SampleSpec>
export type ModelSpec = Static<typeof ModelSpec>
export type SpecOf<K extends JobKind> = Extract<JobCreate, { kind: K }>['spec']

export const PipelineCreate = Type.Object(
  {
    datasetJobId: JobId,
    pretrain: Type.Omit(PretrainSpec, ['datasetJobId', 'modelType']),
    distill: Type.Omit(DistillSpec, ['datasetJobId', 'teacherJobId']),
    evaluate: Type.Optional(Type.Omit(EvaluateSpec, ['datasetJobId', 'models'])),
    ...Common,
  },
  {
    additionalProperties: false,
    description: 'pretrain (a DFM teacher) -> distill (an FS-DFM student) -> evaluate (both), submitted as one BullMQ flow; a failed stage fails the stages after it',
  },
)
export type PipelineCreate = Static<typeof PipelineCreate>
