// What made a job's outputs: recorded by the worker when it takes the job (each attempt
// overwrites it, so it describes the attempt that wrote the result), shown on the job.
import { Type, type Static } from 'typebox'

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()])

export const Provenance = Type.Object(
  {
    code: Type.Object({
      version: Type.String({ description: 'The fsdfm package version' }),
      commit: Nullable(Type.String({ description: 'The git commit the worker ran (FSDFM_COMMIT where the code is not a git checkout, e.g. an image)' })),
      dirty: Nullable(Type.Boolean({ description: 'Whether tracked files differed from that commit; null when unknown' })),
    }),
    node: Type.String({ description: 'Node.js version of the worker' }),
    python: Nullable(Type.String({ description: 'Python version of the worker' })),
    torch: Nullable(Type.String({ description: 'PyTorch version' })),
    cuda: Nullable(Type.String({ description: 'CUDA version PyTorch was built with; null on a CPU-only build' })),
    device: Type.String({ description: 'cpu, or the GPU model and count' }),
    host: Type.String(),
    worker: Type.String(),
    seed: Nullable(Type.Integer({ description: 'The spec’s seed (dataset, training, sampling and evaluation are seeded)' })),
    attempt: Type.Integer({ description: 'The attempt this describes' }),
    at: Type.String({ format: 'date-time', description: 'When that attempt started' }),
  },
  { $id: 'Provenance', description: 'What ran the job: code version, library versions, device, host, seed' },
)
export type Provenance = Static<typeof Provenance>
