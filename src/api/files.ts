// Sends a stored file, whole or from a byte offset: a download cut off part-way continues with
// `Range: bytes=<received>-` (one range; a header this does not understand, or a range past the
// end, is ignored and the whole file sent, as HTTP allows). `X-SHA256` always names the
// checksum of the whole file, so a resumed download can be checked at its end.
import { createReadStream } from 'node:fs'
import type { FastifyReply, FastifyRequest } from 'fastify'
import { Type } from 'typebox'

export interface StoredFile {
  path: string
  size: number
  sha256: string
  type: string
  filename: string
}

/** The first and last byte asked for, or null to send the whole file. */
export function parseRange(header: string | undefined, size: number): { start: number; end: number } | null {
  const m = /^bytes=(\d+)-(\d*)$/.exec(header?.trim() ?? '')
  if (!m) return null
  const start = Number(m[1])
  const end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1)
  if (!Number.isSafeInteger(start) || start >= size || end < start) return null
  return { start, end }
}

export function sendFile(request: FastifyRequest, reply: FastifyReply, file: StoredFile): FastifyReply {
  const range = parseRange(request.headers.range, file.size)
  // A piece of a JSON or text file is neither: a part goes out as bytes.
  reply
    .type(range ? 'application/octet-stream' : file.type)
    .header('accept-ranges', 'bytes')
    .header('content-disposition', `attachment; filename="${file.filename.replace(/"/g, '')}"`)
    .header('x-sha256', file.sha256)
  if (!range) return reply.header('content-length', file.size).send(createReadStream(file.path) as never)
  return reply
    .code(206)
    .header('content-range', `bytes ${range.start}-${range.end}/${file.size}`)
    .header('content-length', range.end - range.start + 1)
    .send(createReadStream(file.path, range) as never)
}

/** The 206 answer of a route that sends files through sendFile. */
export const partialContent = {
  206: {
    description: 'The bytes asked for with `Range: bytes=<first>-[<last>]`',
    headers: {
      'content-range': Type.String({ description: 'bytes <first>-<last>/<size>' }),
      'x-sha256': Type.String({ description: 'sha256 of the whole file, hex' }),
    },
    content: { 'application/octet-stream': { schema: Type.String({ format: 'binary' }) } },
  },
}
