// The Python runtime's API (docs/contracts.md section 2) as types: one argument and one result
// schema per method. The bridge sends the argument as JSON and checks the result against its
// schema before anything else sees it, so a drift between the two sides is an error at the
// boundary, naming the field, not a wrong value three functions later.
import { Type, type Static, type TSchema } from 'typebox'
import { RunSpecSchema } from '../schemas/run-spec.ts'
import { RunTraceFrame } from '../schemas/trace.ts'

const Obj = Type.Record(Type.String(), Type.Unknown())
const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()])

export const PingResult = Type.Object({
  torch: Type.String(),
  cuda: Type.Boolean(),
  devices: Type.Integer({ minimum: 0 }),
  memory: Type.Optional(Nullable(Type.Number())),
  version: Type.String(),
  python: Type.String(),
  cudaVersion: Nullable(Type.String()),
  deviceName: Nullable(Type.String()),
})
export type PingInfo = Static<typeof PingResult>

/** The CUDA devices the worker's Python sees (indices as CUDA_VISIBLE_DEVICES numbers them). */
export const DevicesResult = Type.Object({
  devices: Type.Array(
    Type.Object({
      index: Type.Integer({ minimum: 0 }),
      name: Type.String(),
      memoryTotalBytes: Type.Number(),
      memoryUsedBytes: Nullable(Type.Number()),
      memoryReservedBytes: Type.Number(),
    }),
  ),
})
export type PythonDevices = Static<typeof DevicesResult>['devices']

/** What start() takes: a run spec of the contract (src/schemas/run-spec.ts). */
export const StartArgs = RunSpecSchema

const RunRef = Type.Object({ runId: Type.String() })

export const RunStatus = Type.Object({
  runId: Type.String(),
  state: Type.Union([Type.Literal('running'), Type.Literal('succeeded'), Type.Literal('failed'), Type.Literal('cancelled')]),
  progress: Nullable(Obj),
  metrics: Type.Array(Type.Object({ name: Type.String(), step: Type.Integer(), value: Type.Number() })),
  logs: Type.Array(Type.String()),
  /** A traced sample run's frames since the last poll (src/schemas/trace.ts). */
  trace: Type.Optional(Type.Array(RunTraceFrame)),
  /** Kind-specific fields, and `artifacts` (RunArtifacts). */
  result: Nullable(Obj),
  error: Nullable(Type.Object({ type: Type.String(), message: Type.String(), frame: Type.Optional(Type.String()), traceback: Type.Optional(Type.String()) })),
  /** The run stopped because its lease deadline passed (the worker went silent). */
  leaseExpired: Type.Optional(Type.Boolean()),
})
export type RunStatus = Static<typeof RunStatus>

/** The files a run wrote, in `result.artifacts`. */
export const RunArtifacts = Type.Array(Type.Object({ name: Type.String(), path: Type.String(), kind: Type.String() }))
export type RunArtifacts = Static<typeof RunArtifacts>

const Ok = Type.Object({ ok: Type.Literal(true) })

/** Every runtime method: its argument and its result. */
export const RUNTIME_API = {
  ping: { arg: Type.Object({}), result: PingResult },
  devices: { arg: Type.Object({}), result: DevicesResult },
  start: { arg: StartArgs, result: RunRef },
  poll: { arg: Type.Object({ runId: Type.String(), leaseMs: Type.Optional(Type.Number({ minimum: 0 })) }), result: RunStatus },
  wait: { arg: Type.Object({ runId: Type.String(), timeoutMs: Type.Number({ minimum: 0, maximum: 5000 }), leaseMs: Type.Optional(Type.Number({ minimum: 0 })) }), result: RunStatus },
  cancel: { arg: RunRef, result: Ok },
  forget: { arg: RunRef, result: Ok },
  cache_info: { arg: Type.Object({}), result: Type.Object({ entries: Type.Array(Type.Object({ path: Type.String(), loadedAt: Type.String(), hits: Type.Integer() })) }) },
} as const

export type RuntimeMethod = keyof typeof RUNTIME_API
export type ArgOf<M extends RuntimeMethod> = Static<(typeof RUNTIME_API)[M]['arg']>
export type ResultOf<M extends RuntimeMethod> = Static<(typeof RUNTIME_API)[M]['result']>
