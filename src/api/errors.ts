// The error catalogue: every error the api answers with has a stable `code` (tests and clients
// match on it, never on the message) and one JSON shape.
import { Type, type Static } from 'typebox'

export const FieldProblem = Type.Object({
  path: Type.String({ description: 'JSON pointer of the offending field, e.g. /spec/stepSizes' }),
  message: Type.String({ description: 'Why it is wrong' }),
})
export type FieldProblem = Static<typeof FieldProblem>

export const ErrorBody = Type.Object(
  {
    error: Type.Object({
      code: Type.String({ description: 'Stable machine-readable code' }),
      message: Type.String(),
      details: Type.Optional(Type.Array(FieldProblem)),
    }),
  },
  { $id: 'ErrorBody', description: 'Every error response' },
)
export type ErrorBody = Static<typeof ErrorBody>

/** A request that is well-formed JSON but describes something impossible (bad field values). */
export class InvalidSpecError extends Error {
  readonly statusCode = 400
  readonly code = 'invalid_request'
  constructor(public readonly details: FieldProblem[]) {
    super(details.map((d) => `${d.path}: ${d.message}`).join('; '))
    this.name = 'InvalidSpecError'
  }
}

export function errorBody(code: string, message: string, details?: FieldProblem[]): ErrorBody {
  return { error: details ? { code, message, details } : { code, message } }
}
