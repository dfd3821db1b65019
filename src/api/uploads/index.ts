// /v1/uploads: texts for dataset jobs, streamed to disk as they arrive (never buffered whole,
// never stored in a job row), then named by id in a dataset spec ({source: 'upload', uploadId}).
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { Readable } from 'node:stream'
import { Type } from 'typebox'
import { existsSync } from 'node:fs'
import { uploadPath, uploadsDir, writeUpload } from '../../jobs/uploads.ts'
import { partialContent, sendFile } from '../files.ts'
import { ProjectName } from '../../schemas/jobs.ts'
import { submitterOf } from '../access.ts'
import { notFound, ServiceError } from '../errors.ts'
import { errors } from '../openapi.ts'

const UPLOAD_TYPES = ['text/plain', 'application/octet-stream', 'application/x-ndjson', 'application/jsonl']

const UploadView = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    size: Type.Integer({ description: 'Bytes' }),
    sha256: Type.String(),
    createdAt: Type.String({ format: 'date-time' }),
  },
  { $id: 'Upload' },
)

const uploadsRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { store, config } = app.deps
  const target = { dir: uploadsDir(config.artifactDir), maxBytes: config.FSDFM_MAX_UPLOAD_BYTES }
  // In this plugin only: hand the body over as the request stream.
  app.removeContentTypeParser('text/plain')
  app.addContentTypeParser(UPLOAD_TYPES, (_request, payload, done) => done(null, payload))

  app.post(
    '/uploads',
    {
      config: { access: { need: 'member', in: 'body' } },
      // The body is a stream, read (and limited) by the handler: nothing to validate up front.
      validatorCompiler: () => () => true,
      schema: {
        tags: ['uploads'],
        operationId: 'createUpload',
        summary: 'Upload a text for a dataset job',
        description: `The request body is the text itself (plain text with documents separated by blank lines, or JSON Lines), sent as ${UPLOAD_TYPES.join(', ')}; at most FSDFM_MAX_UPLOAD_BYTES (${config.FSDFM_MAX_UPLOAD_BYTES} bytes here). Use the returned id as \`uploadId\` of a dataset spec with \`source: upload\`.`,
        consumes: UPLOAD_TYPES,
        querystring: Type.Object({ project: Type.Optional(Type.Unsafe<string>({ ...ProjectName, description: 'The project the upload belongs to (default: the token’s only project, else `default`)' })) }),
        // Documented as binary; arrives as the request stream (the parser above hands it over).
        body: Type.Unsafe<Readable | undefined>({ type: 'string', format: 'binary', description: 'The text' }),
        response: { 201: UploadView, ...errors(400, 413, 415) },
      },
    },
    async (request, reply) => {
      const body = request.body
      if (!body || typeof body.pipe !== 'function')
        throw new ServiceError('unsupported_media_type', `send the text itself as the request body, with Content-Type ${UPLOAD_TYPES.join(', ')}`)
      const who = submitterOf(request, request.query.project, 'POST /v1/uploads')
      const written = await writeUpload(target, body)
      try {
        const upload = await store.uploads.create({ ...written, project: who.project })
        return reply.code(201).header('location', `/v1/uploads/${upload.id}`).send(upload)
      } catch (err) {
        await written.discard()
        throw err
      }
    },
  )

  app.get(
    '/uploads/:id',
    {
      config: { access: { need: 'viewer', in: 'upload' } },
      schema: {
        tags: ['uploads'],
        operationId: 'getUpload',
        summary: 'Read an upload’s size and checksum',
        params: Type.Object({ id: Type.String({ format: 'uuid' }) }),
        response: { 200: UploadView, ...errors(400, 404) },
      },
    },
    async (request) => {
      const upload = await store.uploads.get(request.params.id)
      if (!upload) throw notFound(`upload ${request.params.id}`)
      return upload
    },
  )

  app.get(
    '/uploads/:id/content',
    {
      config: { access: { need: 'viewer', in: 'upload' } },
      schema: {
        tags: ['uploads'],
        operationId: 'downloadUpload',
        summary: 'Download an upload’s bytes',
        description: 'As uploaded, with `X-SHA256`; `Range: bytes=<first>-` continues a download cut off part-way (206). Workers without the artifact directory fetch dataset texts here.',
        params: Type.Object({ id: Type.String({ format: 'uuid' }) }),
        response: {
          200: { description: 'The bytes', headers: { 'x-sha256': Type.String({ description: 'sha256, hex' }) }, content: { 'application/octet-stream': { schema: Type.String({ format: 'binary' }) } } },
          ...partialContent,
          ...errors(400, 404, 410),
        },
      },
    },
    async (request, reply) => {
      const upload = await store.uploads.get(request.params.id)
      if (!upload) throw notFound(`upload ${request.params.id}`)
      const path = uploadPath(target.dir, upload.id)
      if (!existsSync(path)) throw new ServiceError('artifact_missing', `upload ${upload.id} is gone from the artifact store`)
      return sendFile(request, reply, { path, size: upload.size, sha256: upload.sha256, type: 'application/octet-stream', filename: upload.id })
    },
  )
}

export default uploadsRoutes
