// One request per job kind for the OpenAPI document (named after the kind there). Ids stand
// for earlier jobs: a dataset job, then a teacher trained on it, then a student distilled from it.
import type { JobKind } from '../../schemas/jobs.ts'

/** A request as a client writes it: defaulted fields left out. */
type Example = { kind: JobKind; spec: Record<string, unknown>; name?: string; tags?: string[] }

const DATASET = '0b9d7c1e-3f0a-4c57-9a55-1f3e6a2d4b10'
const TEACHER = '5e2f8a31-7c4d-4e2b-8f61-2a9c0d3b7e42'
const STUDENT = '9a4c6e12-1b8d-4f3a-a7c5-6d2e0f9b1c83'

export const JOB_EXAMPLES: Example[] = [
  { kind: 'dataset', spec: { source: 'brown', compactVocab: 512, maxDocuments: 200 }, tags: ['demo'] },
  {
    kind: 'pretrain',
    spec: { datasetJobId: DATASET, modelType: 'teacher', model: { preset: 'tiny' }, steps: 400, batchSize: 16, seqLen: 64, lr: 3e-3 },
    name: 'tiny teacher',
  },
  { kind: 'distill', spec: { datasetJobId: DATASET, teacherJobId: TEACHER, steps: 200, batchSize: 16, seqLen: 64, shortcut: 'rk4' }, name: 'tiny student' },
  {
    kind: 'evaluate',
    spec: {
      datasetJobId: DATASET,
      models: [
        { name: 'student', jobId: STUDENT },
        { name: 'teacher', jobId: TEACHER },
      ],
      judges: [{ kind: 'ngram', order: 3 }],
      stepBudgets: [1, 8, 64],
      samples: 16,
    },
  },
  { kind: 'sample', spec: { checkpointJobId: STUDENT, solver: 'cumulative_scalar', steps: 8, count: 4, seqLen: 64, prompt: 'The jury said' } },
]
