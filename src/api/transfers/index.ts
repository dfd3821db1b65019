// /v1/transfers: how a worker without the artifact directory hands a job's outputs to the api.
// It opens a transfer (job, attempt fence, name, size, sha256), sends the bytes with PATCH from
// the offset the api holds, and after a dropped connection reads that offset (GET) and goes on
// from there. The last byte makes the api check the sha256 and move the file into the job's
// directory as its artifact (src/jobs/transfers.ts). Workers use a superuser token.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { Readable } from 'node:stream'
import { Type } from 'typebox'
import { appendTransfer, openTransfer, readTransfer, SAFE_RELATIVE_PATH, type TransferState } from '../../jobs/transfers.ts'
import { invalidField, notFound, ServiceError } from '../errors.ts'
import { errors } from '../openapi.ts'

const TRANSFER_TYPES = ['application/offset+octet-stream', 'application/octet-stream']

const Sha256 = Type.String({ pattern: '^[0-9a-f]{64}$', description: 'sha256 of the whole file, lowercase hex' })

const TransferBody = Type.Object(
  {
    jobId: Type.String({ format: 'uuid', description: 'The job whose output this is' }),
    fence: Type.Integer({ minimum: 0, description: 'The attempt sending it (the fence the worker claimed the job with); another attempt’s transfer is refused' }),
    name: Type.String({ minLength: 1, maxLength: 200, description: 'Artifact name (GET /v1/jobs/{id}/artifacts/{name})' }),
    kind: Type.String({ minLength: 1, maxLength: 50, description: 'Artifact kind: checkpoint, dataset, samples, report, …' }),
    path: Type.String({ pattern: SAFE_RELATIVE_PATH, maxLength: 300, description: 'Where the file goes in the job’s directory, e.g. checkpoint.pt or dataset/train.bin' }),
    size: Type.Integer({ minimum: 0, description: 'Bytes' }),
    sha256: Sha256,
  },
  { additionalProperties: false },
)

const TransferView = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    jobId: Type.String({ format: 'uuid' }),
    fence: Type.Integer(),
    name: Type.String(),
    kind: Type.String(),
    path: Type.String(),
    size: Type.Integer(),
    sha256: Sha256,
    offset: Type.Integer({ description: 'Bytes received and kept: send the rest from here (also the Upload-Offset header)' }),
    complete: Type.Boolean({ description: 'True once the file is checked and registered as the job’s artifact' }),
    createdAt: Type.String({ format: 'date-time' }),
  },
  { $id: 'Transfer' },
)

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i
const IdParams = Type.Object({ id: Type.String({ format: 'uuid' }) })
const offsetHeader = { 'upload-offset': Type.String({ description: 'Bytes the api holds' }) }

const transfersRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { store, config } = app.deps
  const dir = config.artifactDir
  // In this plugin only: the PATCH body is handed over as the request stream.
  app.addContentTypeParser(TRANSFER_TYPES, (_request, payload, done) => done(null, payload))
  const view = (s: TransferState) => s
  /** Whether `fence` is the attempt that holds the job now (running, or stopping after a cancel). */
  const holds = async (jobId: string, fence: number) => {
    const job = await store.jobs.get(jobId)
    return !!job && (job.state === 'running' || job.state === 'cancelling') && job.fence === fence
  }

  app.post(
    '/transfers',
    {
      config: { access: { need: 'superuser', in: 'none' } },
      schema: {
        tags: ['transfers'],
        operationId: 'openTransfer',
        summary: 'Open a resumable upload of a job’s output (workers)',
        description: 'For a worker without the artifact directory (FSDFM_ARTIFACTS=remote). Then send the bytes with PATCH /v1/transfers/{id}.',
        body: TransferBody,
        response: { 201: TransferView, ...errors(400, 404, 409) },
      },
    },
    async (request, reply) => {
      const body = request.body
      const job = await store.jobs.get(body.jobId)
      if (!job) throw notFound(`job ${body.jobId}`)
      if (!(await holds(body.jobId, body.fence))) throw new ServiceError('attempt_superseded', `job ${body.jobId}: attempt fence ${body.fence} does not hold the job (${job.state}, fence ${job.fence})`)
      const opened = await openTransfer(dir, body)
      return reply.code(201).header('location', `/v1/transfers/${opened.id}`).header('upload-offset', '0').send(view(opened))
    },
  )

  app.get(
    '/transfers/:id',
    {
      config: { access: { need: 'superuser', in: 'none' } },
      schema: {
        tags: ['transfers'],
        operationId: 'getTransfer',
        summary: 'How much of an upload the api holds',
        description: 'After a dropped connection: continue with PATCH from `offset`. A completed or refused transfer is gone (404).',
        params: IdParams,
        response: { 200: { ...TransferView, headers: offsetHeader }, ...errors(400, 404) },
      },
    },
    async (request, reply) => {
      const state = await readTransfer(dir, request.params.id)
      if (!state) throw notFound(`transfer ${request.params.id}`)
      return reply.header('upload-offset', String(state.offset)).send(view(state))
    },
  )

  app.patch(
    '/transfers/:id',
    {
      config: { access: { need: 'superuser', in: 'none' } },
      // The body is a stream, read by the handler, which also checks the id and the header.
      validatorCompiler: () => () => true,
      schema: {
        tags: ['transfers'],
        operationId: 'appendTransfer',
        summary: 'Send bytes of an upload, from the offset the api holds',
        description: `The body is the next bytes of the file (${TRANSFER_TYPES.join(' or ')}), starting at Upload-Offset. Bytes that arrive before a connection drops are kept. The request that completes the file has it checked against the sha256: a match registers the artifact (complete: true), a mismatch answers 422 and keeps nothing.`,
        consumes: TRANSFER_TYPES,
        params: IdParams,
        headers: Type.Object({ 'upload-offset': Type.String({ pattern: '^[0-9]{1,16}$', description: 'Where these bytes start: the offset the api holds' }) }),
        body: Type.Unsafe<Readable | undefined>({ type: 'string', format: 'binary', description: 'The next bytes' }),
        response: { 200: { ...TransferView, headers: offsetHeader }, ...errors(400, 404, 409, 415, 422) },
      },
    },
    async (request, reply) => {
      const body = request.body
      if (!UUID.test(request.params.id)) throw invalidField('/params/id', 'must be a uuid')
      const offset = request.headers['upload-offset']
      if (typeof offset !== 'string' || !/^[0-9]{1,16}$/.test(offset)) throw invalidField('/headers/upload-offset', 'must be the offset the api holds, a whole number of bytes')
      if (!body || typeof body.pipe !== 'function') throw new ServiceError('unsupported_media_type', `send the bytes as the request body, with Content-Type ${TRANSFER_TYPES[0]}`)
      const state = await appendTransfer({
        artifactDir: dir,
        id: request.params.id,
        offset: Number(offset),
        body,
        holds,
        register: async (meta, path) => void (await store.artifacts.put(meta.jobId, { name: meta.name, kind: meta.kind, path, size: meta.size, sha256: meta.sha256 })),
      })
      if (!state) throw notFound(`transfer ${request.params.id}`)
      return reply.header('upload-offset', String(state.offset)).send(view(state))
    },
  )
}

export default transfersRoutes
