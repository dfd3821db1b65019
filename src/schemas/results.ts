// What a finished job holds in `result`, by kind, and the evaluation report. These document the
// api's answers (OpenAPI) and the generated clients' types. Every field is optional and more may
// come: a cancelled run keeps a partial result, and the evaluate report grows with the science.
// Numbers that a diverged run can make NaN or infinite are nullable (JSON has neither).
import { Type, type Static, type TSchema } from 'typebox'

const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()])
const Num = (description?: string) => Nullable(Type.Number(description ? { description } : {}))
const Open = { additionalProperties: true } as const
const Splits = (description: string) => Type.Object({ train: Type.Integer(), validation: Type.Integer() }, { description })
const ByJudge = (description: string) => Type.Record(Type.String(), Num(), { description })

const common = {
  datasetJobId: Type.Optional(Type.String({ format: 'uuid', description: 'The dataset the job read (its vocabulary)' })),
  vocabSize: Type.Optional(Type.Integer({ description: 'Size of the token vocabulary' })),
  cancelled: Type.Optional(Type.Boolean({ description: 'The run was stopped; the fields are what it had when it stopped' })),
}

export const DatasetResult = Type.Object(
  {
    vocabSize: Type.Optional(Type.Integer({ description: 'Ids in the shards are below this' })),
    compact: Type.Optional(Type.Boolean({ description: 'A compact vocabulary (compactVocab) was used' })),
    tokens: Type.Optional(Splits('Tokens per split')),
    documents: Type.Optional(Splits('Documents per split')),
  },
  { ...Open, $id: 'DatasetResult', description: 'Result of a dataset job' },
)

export const TrainResult = Type.Object(
  {
    ...common,
    finalStep: Nullable(Type.Integer({ description: 'Last optimiser step taken' })),
    finalLoss: Type.Optional(Num('Training loss at the last step')),
    seqLen: Type.Optional(Type.Integer({ description: 'Tokens per training sequence' })),
    checkpoint: Type.Optional(Type.String({ description: 'Where to download the checkpoint: /v1/jobs/{id}/artifacts/checkpoint.pt' })),
  },
  { ...Open, $id: 'TrainResult', description: 'Result of a pretrain or distill job' },
)

export const Sample = Type.Object({ text: Type.String({ description: 'Decoded text' }), tokens: Type.Array(Type.Integer(), { description: 'Token ids' }) }, Open)

export const SampleResult = Type.Object(
  {
    ...common,
    steps: Type.Integer({ description: 'Sampling steps taken' }),
    samples: Type.Optional(Type.Array(Sample, { description: 'The samples, decoded' })),
    cacheHit: Type.Optional(Type.Boolean({ description: 'The model came from the worker’s model cache' })),
    seqLen: Type.Optional(Type.Integer()),
    wallSeconds: Type.Optional(Num('Time spent sampling')),
  },
  { ...Open, $id: 'SampleResult', description: 'Result of a sample job' },
)

const BudgetReport = Type.Object(
  {
    genPpl: Type.Optional(ByJudge('Generative perplexity of the samples under each judge')),
    genPplStdErr: Type.Optional(ByJudge('Standard error of the mean perplexity, per judge')),
    entropy: Type.Optional(Num('Mean per-sample unigram entropy of the samples, in nats')),
    wallSeconds: Type.Optional(Num()),
    tokensPerSecond: Type.Optional(Num()),
  },
  { ...Open, description: 'One step budget of one model' },
)

const ModelReport = Type.Object(
  {
    kind: Type.Optional(Type.String({ description: 'teacher, student or arm' })),
    checkpoint: Type.Optional(Type.String({ description: 'The evaluated checkpoint, as the URL of its artifact' })),
    step: Type.Optional(Nullable(Type.Integer())),
    seqLen: Type.Optional(Type.Integer()),
    budgets: Type.Optional(Type.Record(Type.String(), BudgetReport, { description: 'By step budget (e.g. "8")' })),
    elbo: Type.Optional(Num('ELBO perplexity bound on validation data')),
    elboNats: Type.Optional(Num('ELBO bound in nats per token')),
    infillAccuracy: Type.Optional(Num('Share of held-out tokens the infilling test recovers')),
  },
  { ...Open, description: 'One evaluated model' },
)

const PairedComparison = Type.Object(
  {
    a: Type.String({ description: 'model@steps' }),
    b: Type.String({ description: 'model@steps' }),
    judge: Type.Optional(Type.String()),
    n: Type.Optional(Type.Integer()),
    meanA: Type.Optional(Num()),
    meanB: Type.Optional(Num()),
    diff: Type.Optional(Num('Mean perplexity of a minus that of b')),
    diffCi95: Type.Optional(Nullable(Type.Array(Num()))),
    diffExcludesZero: Type.Optional(Type.Boolean()),
    ratio: Type.Optional(Num('Mean perplexity of a over that of b')),
    ratioCi95: Type.Optional(Nullable(Type.Array(Num()))),
    ratioExcludesOne: Type.Optional(Type.Boolean()),
    error: Type.Optional(Type.String({ description: 'Why the pair could not be compared' })),
  },
  Open,
)

export const EvaluateReport = Type.Object(
  {
    models: Type.Optional(Type.Record(Type.String(), ModelReport, { description: 'By model name' })),
    dataset: Type.Optional(Type.String({ description: 'The dataset job whose validation split was used, as its URL' })),
    judges: Type.Optional(Type.Array(Type.String(), { description: 'Judge names, e.g. ngram3, arm' })),
    stepBudgets: Type.Optional(Type.Array(Type.Integer())),
    reference: Type.Optional(Type.Object({}, { ...Open, description: 'The validation text (and an ARM judge’s own samples) scored the same way; entropy in nats' })),
    paired: Type.Optional(Type.Array(PairedComparison, { description: 'Paired comparisons with 95% intervals' })),
  },
  { ...Open, $id: 'EvaluateReport', description: 'The report of an evaluate job (python/fsdfm/evaluate.py). Entropies are in nats' },
)
export type EvaluateReport = Static<typeof EvaluateReport>

export const EvaluateResult = Type.Object(
  {
    ...common,
    report: EvaluateReport,
    reportTable: Type.Optional(Type.String({ description: 'The report as a plain-text table' })),
  },
  { ...Open, $id: 'EvaluateResult', description: 'Result of an evaluate job' },
)

/** A run stopped before it produced its kind's result. */
export const PartialResult = Type.Object({ ...common, cancelled: Type.Literal(true) }, { ...Open, $id: 'PartialResult', description: 'What a cancelled run left' })

/**
 * A job's result. The serializer picks the first branch that fits, so each branch names a field
 * only its kind has (required), and a stopped run's partial result has a branch of its own.
 */
export const JobResult = Type.Union([SampleResult, EvaluateResult, TrainResult, DatasetResult, PartialResult], {
  description: 'By kind: sample → SampleResult, evaluate → EvaluateResult, pretrain and distill → TrainResult, dataset → DatasetResult; a cancelled run → PartialResult',
})
export type JobResult = Static<typeof JobResult>
