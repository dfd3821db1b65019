// Sweep requests and views: one definition for the routes (validation and OpenAPI), the
// service, the controller and the tests.
import { Type, type Static } from 'typebox'
import { Discriminated, JobCreate, ProjectName, StringEnum } from '../schemas/jobs.ts'

const Bounds = (description: string) => Type.Array(Type.Number(), { minItems: 2, maxItems: 2, description })

export const ParamDomain = Type.Object(
  {
    grid: Type.Optional(Type.Array(Type.Any(), { minItems: 1, maxItems: 100, description: 'Values to enumerate (method grid)' })),
    uniform: Type.Optional(Bounds('[lo, hi]: uniform on the interval')),
    logUniform: Type.Optional(Bounds('[lo, hi], both > 0: uniform in log space')),
    int: Type.Optional(Bounds('[lo, hi]: an integer, both ends included')),
    choice: Type.Optional(Type.Array(Type.Any(), { minItems: 1, maxItems: 100, description: 'One of these values, equally likely' })),
  },
  { additionalProperties: false, minProperties: 1, maxProperties: 1, description: 'Exactly one of grid, uniform, logUniform, int, choice' },
)

export const SWEEP_METHODS = ['grid', 'random'] as const
export const SWEEP_STATES = ['running', 'succeeded', 'failed', 'cancelled'] as const
export type SweepState = (typeof SWEEP_STATES)[number]
export const TRIAL_STATES = ['pending', 'queued', 'running', 'succeeded', 'failed', 'pruned', 'cancelled'] as const
export type TrialState = (typeof TRIAL_STATES)[number]
export const TERMINAL_TRIAL_STATES: readonly TrialState[] = ['succeeded', 'failed', 'pruned', 'cancelled']
export const ACTIVE_TRIAL_STATES: readonly TrialState[] = ['pending', 'queued', 'running']

export const ObjectiveSpec = Type.Object(
  {
    metric: Type.String({
      minLength: 1,
      maxLength: 200,
      description:
        'A metric series of the trial jobs (train/loss, train/lr, train/grad_norm, train/tokens_per_s; eval/<model>/genPpl), `result.<path>` for a number in the job result (e.g. result.wallSeconds), a sample statistic computed from the samples of sample jobs: sample/entropy (mean per-sample token entropy, nats), sample/distinct (distinct-1), or the judged quality of evaluate jobs at the step budget `at`: genPpl (generative perplexity of the first model under the first judge), genPpl/<judge> (e.g. genPpl/ngram3, genPpl/arm), entropy (nats). Anything else is refused, listing the valid ones',
      examples: ['train/loss', 'genPpl', 'genPpl/ngram3', 'entropy', 'sample/entropy', 'sample/distinct', 'result.wallSeconds'],
    }),
    mode: Type.Union([Type.Literal('min'), Type.Literal('max')], { default: 'min' }),
    at: Type.Optional(
      Type.Integer({
        minimum: 0,
        description:
          'Series objectives: read the value last logged at or before this step (budget); default: the last value. Judged objectives (genPpl, entropy): the step budget, one of every trial’s stepBudgets (may be left out when each trial evaluates one budget)',
      }),
    ),
  },
  { additionalProperties: false },
)

export const EarlyStoppingSpec = Discriminated(
  'kind',
  Type.Union([
    Type.Object(
      {
        kind: Type.Literal('median'),
        minSteps: Type.Integer({ minimum: 0, default: 0, description: 'No decision before this step' }),
        minTrials: Type.Integer({ minimum: 1, default: 1, description: 'Other trials that must have reached a step before it is judged' }),
      },
      { additionalProperties: false, description: 'Stop a trial whose best value so far is worse than the median of the others at the same step' },
    ),
    Type.Object(
      {
        kind: Type.Literal('asha'),
        reductionFactor: Type.Integer({ minimum: 2, maximum: 16, default: 3, description: 'eta: the best 1/eta of each rung continue' }),
        minResource: Type.Integer({ minimum: 1, description: 'First rung (steps); rungs at minResource * eta^k' }),
        maxResource: Type.Optional(Type.Integer({ minimum: 1, description: 'No rung at or beyond this step' })),
      },
      { additionalProperties: false, description: 'Asynchronous successive halving' },
    ),
  ]),
  { description: 'Early stopping on the objective series; stopped trials end pruned, their last metrics kept' },
)
export type EarlyStoppingSpec = Static<typeof EarlyStoppingSpec>

export const SweepCreate = Type.Object(
  {
    name: Type.Optional(Type.String({ maxLength: 200 })),
    project: Type.Optional(Type.Unsafe<string>({ ...ProjectName, description: 'The project of the sweep and its trials. Default: the token’s only project, else `default`' })),
    base: JobCreate,
    space: Type.Record(Type.String(), ParamDomain, {
      minProperties: 1,
      maxProperties: 16,
      description: 'Dotted paths into base.spec (e.g. lr, model.hidden) and their domains',
    }),
    method: StringEnum(SWEEP_METHODS, { default: 'random', description: 'grid: the cartesian product of the grid values in order; random: seeded draws' }),
    seed: Type.Integer({ default: 0, description: 'Seed of the random draws; trial k is the same for the same seed' }),
    maxTrials: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, description: 'Default: the grid size (grid) or 10 (random)' })),
    maxConcurrent: Type.Integer({ minimum: 1, maximum: 64, default: 2, description: 'Trials queued or running at once' }),
    objective: ObjectiveSpec,
    earlyStopping: Type.Optional(EarlyStoppingSpec),
  },
  { additionalProperties: false, description: 'A hyper-parameter sweep over one base job' },
)
export type SweepCreate = Static<typeof SweepCreate>

/** What is stored in sweeps.spec: the normalised request and the trial plan drawn from it. */
export interface StoredSweepSpec {
  request: SweepCreate & { maxTrials: number }
  /** Parameters of trial k at index k. */
  plan: Record<string, unknown>[]
  /** A sample job on a checkpoint varying sampling parameters only. */
  sampler: boolean
}

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()])
const Timestamp = Type.String({ format: 'date-time' })

export const TrialView = Type.Object({
  index: Type.Integer(),
  state: StringEnum(TRIAL_STATES),
  jobId: Nullable(Type.String({ format: 'uuid' })),
  params: Type.Record(Type.String(), Type.Any(), { description: 'Dotted path -> value' }),
  objective: Nullable(Type.Number()),
  metrics: Type.Record(Type.String(), Type.Union([Type.Number(), Type.Boolean()]), {
    description: 'Key metrics: last value of each series, result scalars (finalLoss, wallSeconds, cacheHit, ...), sample statistics',
  }),
  step: Nullable(Type.Integer({ description: 'Last step with a metric' })),
  note: Nullable(Type.String({ description: 'Why a trial was pruned or failed, or that it finished before a prune took effect' })),
  updatedAt: Timestamp,
})
export type TrialView = Static<typeof TrialView>

const Counts = Type.Object(Object.fromEntries(TRIAL_STATES.map((s) => [s, Type.Integer()])) as Record<TrialState, ReturnType<typeof Type.Integer>>)

const summaryFields = {
  id: Type.String({ format: 'uuid' }),
  project: Type.String({ description: 'The project of the sweep and its trials' }),
  createdBy: Nullable(Type.String()),
  name: Nullable(Type.String()),
  state: StringEnum(SWEEP_STATES),
  kind: Type.String({ description: 'Kind of the trial jobs' }),
  method: StringEnum(SWEEP_METHODS),
  sampler: Type.Boolean({ description: 'A sampler sweep: sampling parameters only, on one checkpoint' }),
  objective: ObjectiveSpec,
  total: Type.Integer({ description: 'Trials planned' }),
  counts: Counts,
  createdAt: Timestamp,
  updatedAt: Timestamp,
}

export const SweepSummary = Type.Object(summaryFields)
export type SweepSummary = Static<typeof SweepSummary>

export const SweepView = Type.Object(
  {
    ...summaryFields,
    best: Nullable(TrialView),
    trials: Type.Array(TrialView, { description: 'Sorted by objective (best first, by mode); trials without one last' }),
    spec: Type.Object({}, { additionalProperties: true, description: 'The request, defaults filled in' }),
  },
  { $id: 'Sweep' },
)
export type SweepView = Static<typeof SweepView>

export const SweepList = Type.Object({ items: Type.Array(SweepSummary) })
export const SweepListQuery = Type.Object(
  {
    state: Type.Optional(StringEnum(SWEEP_STATES)),
    limit: Type.Integer({ minimum: 1, maximum: 500, default: 50 }),
  },
  { additionalProperties: false },
)
