// The error catalogue, below the HTTP layer. Every code the api answers with, and every code a
// failed job carries, is listed here once: snake_case, with its HTTP status (for answers) and
// what to do about it. Any layer may throw a ServiceError; the api's error handler turns it into
// the one error body. Anything else is a 500 with a request id.

/** Every code of an error answer: its HTTP status and how to fix the request. */
export const API_ERRORS = {
  invalid_request: { status: 400, hint: 'Correct the fields named in `details` (JSON pointers into the request) and send it again.' },
  invalid_json: { status: 400, hint: 'Send a body that parses as JSON, with Content-Type: application/json.' },
  invalid_cursor: { status: 400, hint: 'Pass back `nextCursor` of an earlier page unchanged, with the same filters and sort.' },
  unauthorized: { status: 401, hint: 'Send `Authorization: Bearer <token>` with a live token (ask a project admin for one; `fsdfm login` saves it).' },
  forbidden: { status: 403, hint: 'Your token’s role in this project does not allow it: ask a project admin for the member or admin role.' },
  not_found: { status: 404, hint: 'Check the id (GET /v1/jobs lists jobs) or the path (GET /docs lists routes).' },
  no_trace: { status: 404, hint: 'Only a sample job submitted with `trace: true` has a trace, stored when it succeeds; while it runs, its event stream (GET /v1/jobs/{id}/events) carries the frames.' },
  not_cancellable: { status: 409, hint: 'It has already ended: there is nothing left to cancel.' },
  not_resumable: { status: 409, hint: 'Only a failed or cancelled pretrain or distill job that left a checkpoint resumes: rerun it instead (POST /v1/jobs/{id}/rerun).' },
  no_report: { status: 409, hint: 'Only a succeeded evaluate job has a report: wait for the job to end, or check its kind.' },
  attempt_superseded: { status: 409, hint: 'Only the attempt that holds the job (its current fence) may send its outputs: this worker lost the job; it stops on its own.' },
  upload_offset_mismatch: { status: 409, hint: 'Read the transfer (GET /v1/transfers/{id}) and send the bytes from its `offset` on, with that value as Upload-Offset.' },
  artifact_missing: { status: 410, hint: 'The file is gone from the artifact store: run the job again to produce it.' },
  checksum_mismatch: { status: 422, hint: 'The bytes received do not have the sha256 the transfer was opened with: nothing was kept; open a new transfer and send the file again.' },
  idempotency_mismatch: { status: 422, hint: 'This Idempotency-Key was used with a different body: use a new key for a new request.' },
  rate_limited: { status: 429, hint: 'Too many requests from this token: wait the Retry-After seconds (FSDFM_RATE_LIMIT).' },
  quota_exceeded: { status: 429, hint: 'The project is at its quota (the message says which, its limit and the current use): wait for jobs to end, or ask an admin to raise it.' },
  payload_too_large: { status: 413, hint: 'Send large texts with POST /v1/uploads (up to FSDFM_MAX_UPLOAD_BYTES); JSON bodies are limited to FSDFM_MAX_BODY_BYTES.' },
  unsupported_media_type: { status: 415, hint: 'Send JSON with Content-Type: application/json (uploads: text/plain, application/x-ndjson or application/octet-stream).' },
  internal: { status: 500, hint: 'A bug in the service: report it with the request id from the message; the api log has the details under that id.' },
  store_unavailable: { status: 503, hint: 'PostgreSQL does not answer: retry after the Retry-After seconds.' },
  queue_unavailable: { status: 503, hint: 'Redis (the queues) does not answer: retry after the Retry-After seconds; submissions are still accepted meanwhile.' },
} as const
export type ApiErrorCode = keyof typeof API_ERRORS
export const API_ERROR_CODES = Object.keys(API_ERRORS) as ApiErrorCode[]

/** Every code of a failed job's `error.code`: what went wrong and what to do. */
export const JOB_ERRORS = {
  python_error: 'The Python run raised: `error.type`, `error.message` and `error.frame` say where; fix the spec or report the bug.',
  python_died: 'The Python process died during the run (killed, out of memory): lower batchSize or seqLen, or look at the worker log.',
  too_many_attempts: 'Its workers died FSDFM_MAX_ATTEMPTS times while running it; look at the worker logs.',
  dependency_failed: 'A pipeline stage before it ended without success (`error.upstreamJobId`).',
  input_error: 'An input it names (dataset, checkpoint) is missing or unfinished.',
  worker_error: 'The worker failed outside Python: see `error.message`.',
  transfer_failed: 'A worker without the artifact directory (FSDFM_ARTIFACTS=remote) could not fetch an input from the api or send it an output: see `error.message`; rerun the job.',
  no_documents: 'The dataset source holds no documents.',
  invalid_source: 'The dataset source is incomplete (no text, upload or path).',
  invalid_jsonl: 'A JSON Lines source has a bad line (the message gives its number).',
  path_outside_root: 'The dataset path resolves outside FSDFM_INPUT_ROOT.',
  path_not_found: 'The dataset path does not exist under FSDFM_INPUT_ROOT.',
  no_input_root: 'The server has no FSDFM_INPUT_ROOT directory for path sources.',
  invalid_manifest: 'A dataset directory has a missing or inconsistent manifest.json.',
  invalid_vocabulary: 'A compact vocabulary is inconsistent.',
  invalid_token: 'A token id outside the vocabulary.',
  invalid_template: 'A prompt or infill template does not fit the sequence.',
  cancelled: 'The run was stopped.',
} as const
export type JobErrorCode = keyof typeof JOB_ERRORS

export interface FieldProblem {
  /** JSON pointer of the offending field, e.g. /spec/stepSizes. */
  path: string
  message: string
}

export class ServiceError extends Error {
  readonly statusCode: number
  constructor(
    readonly code: ApiErrorCode,
    message: string,
    readonly details?: FieldProblem[],
    /** Seconds a client should wait before retrying (503). */
    readonly retryAfter?: number,
  ) {
    super(message)
    this.name = 'ServiceError'
    this.statusCode = API_ERRORS[code].status
  }
}

/** A request that is well-formed JSON but describes something impossible (bad field values). */
export class InvalidSpecError extends ServiceError {
  constructor(details: FieldProblem[]) {
    super('invalid_request', details.map((d) => `${d.path}: ${d.message}`).join('; '), details)
    this.name = 'InvalidSpecError'
  }
}

export const notFound = (what: string): ServiceError => new ServiceError('not_found', `${what} not found`)

/** The submission would take the project past one of its quotas. */
export const quotaExceeded = (project: string, quota: string, limit: number, used: number): ServiceError =>
  new ServiceError('quota_exceeded', `project ${project} is at its quota ${quota}: limit ${limit}, in use ${used}`, [{ path: '/project', message: `${quota} ${limit} reached (${used} in use)` }])

export const invalidField = (path: string, message: string): InvalidSpecError => new InvalidSpecError([{ path, message }])

/** PostgreSQL does not answer (stopped, restarting, unreachable); the request may be retried. */
export class StoreUnavailableError extends ServiceError {
  constructor(cause: string) {
    super('store_unavailable', `the job store (PostgreSQL) is unavailable: ${cause}; retry shortly`, undefined, 5)
    this.name = 'StoreUnavailableError'
  }
}

/**
 * Redis does not answer within its timeout. The dispatcher waits and retries; a request that
 * reads the queues (GET /v1/queues, pause, resume) answers 503 with Retry-After.
 */
export class QueueUnavailableError extends ServiceError {
  constructor(cause: string) {
    super('queue_unavailable', `the queue (Redis) is unavailable: ${cause}; retry shortly`, undefined, 5)
    this.name = 'QueueUnavailableError'
  }
}

/** A worker's write for an attempt that is no longer the job's current one. */
export class FencedError extends Error {
  constructor(
    readonly jobId: string,
    readonly fence: number,
  ) {
    super(`job ${jobId}: attempt fence ${fence} was superseded; the write is refused`)
    this.name = 'FencedError'
  }
}

/** Rejects with `onTimeout()` when `promise` has not settled within `ms`. */
export function withTimeout<T>(promise: Promise<T>, ms: number, onTimeout: () => Error): Promise<T> {
  let timer: NodeJS.Timeout
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(onTimeout()), ms)
    timer.unref?.()
  })
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer))
}
