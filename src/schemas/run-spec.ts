// What crosses the bridge: the run spec the worker hands Python for each job kind (docs/
// contracts.md section 2). Derived from the job specs, the one definition of a job: a run's
// config is its job's spec minus the fields only the service reads, plus what the service
// resolved for Python. The generated JSON Schema (python/fsdfm/contract/run-spec.schema.json,
// written by `npm run openapi`, checked for staleness) is what Python validates every run spec
// against before any work starts.
import { Type, type Static, type TObject, type TProperties, type TSchema } from 'typebox'
import { Discriminated, DistillSpec, EvaluateSpec, NgramJudgeSpec, PretrainSpec, SampleSpec } from './jobs.ts'

/**
 * Job-spec fields only the service reads, never sent to Python: ids of other jobs (resolved to
 * paths in `inputs`), the texts of prompts and templates (laid out as tokens in TypeScript) and
 * the Slurm placement (read by a Slurm worker when it submits the job).
 */
export const SERVICE_ONLY = {
  pretrain: ['datasetJobId', 'slurm'],
  distill: ['datasetJobId', 'teacherJobId', 'slurm'],
  sample: ['checkpointJobId', 'prompt', 'infill', 'slurm'],
  evaluate: ['datasetJobId', 'slurm'],
} as const satisfies Record<RunKind, readonly string[]>

export const RUN_KINDS = ['pretrain', 'distill', 'sample', 'evaluate'] as const
export type RunKind = (typeof RUN_KINDS)[number]

function runConfig(spec: TObject, omit: readonly string[], extra: TProperties = {}): TObject {
  const kept = Object.fromEntries(Object.entries(spec.properties).filter(([key]) => !omit.includes(key)))
  return Type.Object({ ...kept, ...extra }, { additionalProperties: false })
}

/** The config of a run of each kind. */
export const RUN_CONFIG: Record<RunKind, TObject> = {
  pretrain: runConfig(PretrainSpec, SERVICE_ONLY.pretrain),
  distill: runConfig(DistillSpec, SERVICE_ONLY.distill),
  sample: runConfig(SampleSpec, SERVICE_ONLY.sample, {
    vocabSize: Type.Optional(Type.Integer({ minimum: 2, description: 'Vocabulary of a random model (a checkpoint brings its own): the dataset’s, or GPT-2’s' })),
    fixedTokens: Type.Optional(Type.Array(Type.Integer({ minimum: 0 }), { description: 'A prompt or template laid out in seqLen token ids (editable positions hold a placeholder)' })),
    editMask: Type.Optional(Type.Array(Type.Union([Type.Literal(0), Type.Literal(1)]), { description: 'seqLen flags: 1 = the sampler writes this position' })),
  }),
  // Models and judges resolved: each model by its name and checkpoint, an ARM judge by its
  // checkpoint, a Hugging Face judge by its absolute directory.
  evaluate: runConfig(EvaluateSpec, SERVICE_ONLY.evaluate, {
    models: Type.Array(Type.Object({ name: Type.String({ minLength: 1, maxLength: 64 }), checkpoint: Type.String({ minLength: 1 }) }, { additionalProperties: false }), {
      minItems: 1,
      maxItems: 16,
    }),
    judges: Type.Array(
      Discriminated(
        'kind',
        Type.Union([
          NgramJudgeSpec,
          Type.Object({ kind: Type.Literal('arm'), checkpoint: Type.String({ minLength: 1 }) }, { additionalProperties: false }),
          Type.Object({ kind: Type.Literal('hf'), path: Type.String({ minLength: 1 }) }, { additionalProperties: false }),
        ]),
      ),
      { minItems: 1, maxItems: 4, default: [{ kind: 'ngram', order: 3, smoothing: 'kn' }] },
    ),
  }),
}

const Path = Type.Union([Type.String({ minLength: 1 }), Type.Null()])

export const RunInputs = Type.Object(
  {
    datasetDir: Type.Optional(Path),
    checkpoint: Type.Optional(Type.Union([Path], { description: 'sample: the model to sample' })),
    teacherCheckpoint: Type.Optional(Type.Union([Path], { description: 'distill: the pre-trained teacher' })),
    resumeFrom: Type.Optional(Type.Union([Path], { description: 'pretrain/distill: the job’s own last checkpoint' })),
  },
  { additionalProperties: false },
)
export type RunInputs = Static<typeof RunInputs>

const runSpec = (kind: RunKind): TObject =>
  Type.Object(
    {
      kind: Type.Literal(kind),
      jobId: Type.Optional(Type.String({ minLength: 1 })),
      workDir: Type.String({ minLength: 1, description: 'The run writes everything under here' }),
      device: Type.Optional(Type.String({ pattern: '^(cpu|cuda|cuda:[0-9]+|mps)$', default: 'cpu' })),
      worldSize: Type.Optional(Type.Integer({ minimum: 1, maximum: 64, default: 1 })),
      attempt: Type.Optional(Type.Integer({ minimum: 0, description: 'The job’s fence, written into metrics.jsonl' })),
      leaseMs: Type.Optional(Type.Number({ minimum: 0 })),
      leaseGraceMs: Type.Optional(Type.Number({ minimum: 0 })),
      cancelFile: Type.Optional(Type.String({ description: 'Internal: set by the rank launcher for its ranks' })),
      config: RUN_CONFIG[kind],
      inputs: Type.Optional(RunInputs),
    },
    { additionalProperties: false },
  )

/** One schema per kind. */
export const RUN_SPEC: Record<RunKind, TObject> = Object.fromEntries(RUN_KINDS.map((k) => [k, runSpec(k)])) as Record<RunKind, TObject>

/** A run spec as the worker builds it (checked against RunSpecSchema before it is sent). */
export interface RunSpec {
  kind: RunKind
  jobId: string
  workDir: string
  device: string
  worldSize: number
  attempt: number
  leaseMs: number
  leaseGraceMs: number
  config: Record<string, unknown>
  inputs: RunInputs
}

/** Any kind's run spec, tagged by `kind`. */
export const RunSpecSchema = Type.Unsafe<RunSpec>(Discriminated('kind', Type.Union(RUN_KINDS.map((k) => RUN_SPEC[k]))))

/**
 * A schema as a plain JSON document for other tools: no TypeBox symbols, and properties that
 * have a default are not required (Python fills them from its dataclasses, which a Python test
 * keeps equal to these defaults), so a hand-written config for the standalone CLI may omit them.
 */
export function plainSchema(schema: TSchema): Record<string, unknown> {
  const plain = JSON.parse(JSON.stringify(schema)) as Record<string, unknown>
  const relax = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(relax)
    if (!node || typeof node !== 'object') return
    const obj = node as { required?: string[]; properties?: Record<string, { default?: unknown }> }
    if (obj.required && obj.properties) {
      obj.required = obj.required.filter((k) => obj.properties![k]?.default === undefined)
      if (!obj.required.length) delete obj.required
    }
    Object.values(obj).forEach(relax)
  }
  relax(plain)
  return plain
}

const branches = new Map<RunKind, TSchema>()

/** The contract's schema of one kind's run spec (the same object each time, so validators can be cached). */
export function runSpecBranch(kind: RunKind): TSchema {
  if (!branches.has(kind)) branches.set(kind, plainSchema(RUN_SPEC[kind]) as TSchema)
  return branches.get(kind)!
}

/** The contract document: the run spec of every kind, one `oneOf` branch each, tagged by `kind`. */
export function runSpecContract(): Record<string, unknown> {
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    $id: 'fsdfm/run-spec',
    title: 'fsdfm run spec',
    description: 'What the worker hands python/fsdfm/runtime.py start() for a job (generated from src/schemas/run-spec.ts: do not edit)',
    type: 'object',
    required: ['kind'],
    discriminator: { propertyName: 'kind' },
    oneOf: RUN_KINDS.map((k) => plainSchema(RUN_SPEC[k])),
  }
}
