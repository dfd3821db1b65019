// The one JSON shape of every error answer. Its codes and their statuses come from the
// catalogue (src/errors.ts), which this schema enumerates, so the OpenAPI document lists them.
import { Type, type Static } from 'typebox'
import { API_ERROR_CODES, API_ERRORS, type ApiErrorCode } from '../errors.ts'
import { StringEnum } from '../schemas/jobs.ts'

export const FieldProblem = Type.Object({
  path: Type.String({ description: 'JSON pointer of the offending field, e.g. /spec/stepSizes' }),
  message: Type.String({ description: 'Why it is wrong' }),
})
export type FieldProblem = Static<typeof FieldProblem>

export const ErrorBody = Type.Object(
  {
    error: Type.Object({
      code: StringEnum(API_ERROR_CODES, {
        description: `Stable machine-readable code: ${API_ERROR_CODES.map((c) => `${c} (${API_ERRORS[c].status})`).join(', ')}`,
      }),
      message: Type.String({ description: 'What is wrong, for people' }),
      hint: Type.Optional(Type.String({ description: 'What to do about it' })),
      details: Type.Optional(Type.Array(FieldProblem)),
    }),
  },
  { $id: 'ErrorBody', description: 'Every error response' },
)
export type ErrorBody = Static<typeof ErrorBody>

export { InvalidSpecError, ServiceError, invalidField, notFound } from '../errors.ts'

export function errorBody(code: ApiErrorCode, message: string, details?: FieldProblem[]): ErrorBody {
  const hint = API_ERRORS[code].hint
  return { error: details ? { code, message, hint, details } : { code, message, hint } }
}
