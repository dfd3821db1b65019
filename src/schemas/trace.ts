// A sample job's denoising trace (`trace: true`): every sample's tokens after each solver step.
// Python reports token ids per batch (RunTraceFrame); the worker decodes each id to its text
// piece, relays each frame as a `trace` event and stores the whole trace as trace.json, which
// GET /v1/jobs/{id}/trace serves (TraceView).
import { Type, type Static } from 'typebox'

const Pieces = Type.Array(Type.Array(Type.Union([Type.String(), Type.Null()])), {
  description: 'tokens[sample][position]: the token’s text piece (GPT-2 pieces carry their leading space, so a row’s pieces joined are its text), null while masked',
})

/** One frame as Python reports it: token ids of one batch of samples (null = masked). */
export const RunTraceFrame = Type.Object({
  step: Type.Integer({ minimum: 0 }),
  steps: Type.Integer({ minimum: 1 }),
  t: Type.Number(),
  firstSample: Type.Integer({ minimum: 0 }),
  tokens: Type.Array(Type.Array(Type.Union([Type.Integer({ minimum: 0 }), Type.Null()]))),
})
export type RunTraceFrame = Static<typeof RunTraceFrame>

/** The data of a `trace` event on a job's stream (besides `jobId` and `at`, which every event has). */
export const TraceEventData = Type.Object(
  {
    step: Type.Integer({ minimum: 0, description: '0: the start (only prompt or template tokens known); k: after solver step k' }),
    steps: Type.Integer({ minimum: 1, description: 'Solver steps of the generation' }),
    t: Type.Number({ description: 'Time on the probability path at this frame, 0 to 1' }),
    firstSample: Type.Integer({
      minimum: 0,
      description: 'Index of the sample tokens[0] is: samples run batchSize at a time, each batch from step 0 to `steps`; 0 when count <= batchSize',
    }),
    tokens: Pieces,
  },
)
export type TraceEventData = Static<typeof TraceEventData>

export const TraceFrame = Type.Object({
  step: Type.Integer({ minimum: 0, description: '0: the start; k: after solver step k' }),
  t: Type.Number({ description: 'Time on the probability path, 0 to 1' }),
  tokens: Pieces,
})
export type TraceFrame = Static<typeof TraceFrame>

export const TraceView = Type.Object(
  {
    steps: Type.Integer({ minimum: 1, description: 'Solver steps; frames holds steps + 1 frames' }),
    fixed: Type.Array(Type.Array(Type.Boolean()), { description: 'fixed[sample][position]: given by the prompt or template, never generated' }),
    frames: Type.Array(TraceFrame, { description: 'frames[k] is step k, with every sample' }),
  },
  { $id: 'Trace', description: 'A traced sample job’s denoising trace (trace.json)' },
)
export type TraceView = Static<typeof TraceView>
