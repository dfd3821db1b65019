// Typed errors of the data layer. `code` is stable (API error bodies, job error rows);
// `statusCode` lets Fastify answer a bad request with 400 when one reaches a route.

export type DataErrorCode =
  | 'PathOutsideRoot'
  | 'PathNotFound'
  | 'NoDataRoot'
  | 'InvalidSource'
  | 'InvalidJsonl'
  | 'NoDocuments'
  | 'InvalidVocabulary'
  | 'InvalidToken'
  | 'InvalidManifest'
  | 'TemplateError'

export class DataError extends Error {
  readonly code: DataErrorCode
  readonly statusCode: number
  constructor(code: DataErrorCode, message: string, statusCode = 400) {
    super(message)
    this.name = code
    this.code = code
    this.statusCode = statusCode
  }
}

/** A server-side path that resolves (after `..` and symlinks) outside the allowed data root. */
export class PathOutsideRoot extends DataError {
  readonly path: string
  constructor(path: string, root: string) {
    super('PathOutsideRoot', `path ${JSON.stringify(path)} resolves outside the data root ${JSON.stringify(root)}`)
    this.path = path
  }
}

/** A bad line of a JSON Lines source; `line` counts from 1. */
export class InvalidJsonl extends DataError {
  readonly line: number
  constructor(line: number, problem: string, file?: string) {
    super('InvalidJsonl', `${file ? `${file}: ` : ''}line ${line}: ${problem}`)
    this.line = line
  }
}

/** A prompt or infill template that cannot be laid out in the sequence. */
export class TemplateError extends DataError {
  constructor(message: string) {
    super('TemplateError', message)
  }
}
