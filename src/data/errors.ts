// Typed errors of the data layer. `code` is one of the catalogue's job error codes
// (src/errors.ts): a dataset job that fails with one carries it in its `error.code`.
import type { JobErrorCode } from '../errors.ts'

export type DataErrorCode = Extract<
  JobErrorCode,
  | 'path_outside_root'
  | 'path_not_found'
  | 'no_input_root'
  | 'invalid_source'
  | 'invalid_jsonl'
  | 'no_documents'
  | 'invalid_vocabulary'
  | 'invalid_token'
  | 'invalid_manifest'
  | 'invalid_template'
  | 'cancelled'
>

export class DataError extends Error {
  readonly code: DataErrorCode
  constructor(code: DataErrorCode, message: string) {
    super(message)
    this.name = 'DataError'
    this.code = code
  }
}

/** A server-side path that resolves (after `..` and symlinks) outside the allowed data root. */
export class PathOutsideRoot extends DataError {
  readonly path: string
  constructor(path: string, root: string) {
    super('path_outside_root', `path ${JSON.stringify(path)} resolves outside the data root ${JSON.stringify(root)}`)
    this.path = path
  }
}

/** A bad line of a JSON Lines source; `line` counts from 1. */
export class InvalidJsonl extends DataError {
  readonly line: number
  constructor(line: number, problem: string, file?: string) {
    super('invalid_jsonl', `${file ? `${file}: ` : ''}line ${line}: ${problem}`)
    this.line = line
  }
}

/** A prompt or infill template that cannot be laid out in the sequence. */
export class TemplateError extends DataError {
  constructor(message: string) {
    super('invalid_template', message)
    this.name = 'TemplateError'
  }
}
