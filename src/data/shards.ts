// Token shard files: flat little-endian uint16/uint32 arrays that Python opens with
// numpy.memmap, written atomically (temporary file, fsync, rename, fsync of the folder).
import { createHash } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { open, readFile, rename, rm } from 'node:fs/promises'
import { endianness } from 'node:os'
import path from 'node:path'

export type Dtype = 'uint16' | 'uint32'
export type TokenArray = Uint16Array | Uint32Array

export const DTYPE_BYTES: Record<Dtype, number> = { uint16: 2, uint32: 4 }

/** "uint16" when every id < vocabSize fits (vocabSize <= 65535), else "uint32". */
export function dtypeFor(vocabSize: number): Dtype {
  return vocabSize <= 65535 ? 'uint16' : 'uint32'
}

export function allocTokens(dtype: Dtype, length: number): TokenArray {
  return dtype === 'uint16' ? new Uint16Array(length) : new Uint32Array(length)
}

const LITTLE_ENDIAN = endianness() === 'LE'

/** The little-endian bytes of a token array (a view when the machine is little-endian). */
export function tokenBytes(tokens: TokenArray): Uint8Array {
  const view = new Uint8Array(tokens.buffer, tokens.byteOffset, tokens.byteLength)
  if (LITTLE_ENDIAN) return view
  const copy = Buffer.from(view)
  if (tokens instanceof Uint16Array) copy.swap16()
  else copy.swap32()
  return copy
}

async function fsyncDir(dir: string): Promise<void> {
  // Makes a rename durable; some file systems refuse to open a folder, which is harmless.
  try {
    const fh = await open(dir, 'r')
    try {
      await fh.sync()
    } finally {
      await fh.close()
    }
  } catch {
    /* not supported here */
  }
}

/**
 * Writes `data` to `file` so that a reader sees either the old file or the whole new one:
 * `<file>.tmp` is written and fsynced, renamed over `file`, and the folder fsynced.
 */
export async function writeFileAtomic(file: string, data: Uint8Array | string): Promise<void> {
  const tmp = `${file}.tmp`
  const fh = await open(tmp, 'w', 0o644)
  try {
    const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data
    let off = 0
    while (off < bytes.byteLength) {
      const { bytesWritten } = await fh.write(bytes, off, Math.min(bytes.byteLength - off, 1 << 24))
      off += bytesWritten
    }
    await fh.sync()
  } catch (err) {
    await fh.close().catch(() => {})
    await rm(tmp, { force: true })
    throw err
  }
  await fh.close()
  await rename(tmp, file)
  await fsyncDir(path.dirname(file))
}

export function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex')
}

/** Writes a shard atomically; returns its sha256 (hex) and size in bytes. */
export async function writeShard(file: string, tokens: TokenArray): Promise<{ sha256: string; bytes: number }> {
  const bytes = tokenBytes(tokens)
  const digest = sha256(bytes)
  await writeFileAtomic(file, bytes)
  return { sha256: digest, bytes: bytes.byteLength }
}

/** sha256 (hex) of a file, streamed. */
export function sha256File(file: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256')
    createReadStream(file)
      .on('data', (chunk) => hash.update(chunk))
      .on('error', reject)
      .on('end', () => resolve(hash.digest('hex')))
  })
}

/** The tokens of a shard file (read whole; for tests, verification and small files). */
export async function readShard(file: string, dtype: Dtype): Promise<TokenArray> {
  const buf = await readFile(file)
  const width = DTYPE_BYTES[dtype]
  if (buf.byteLength % width !== 0) throw new Error(`${file}: ${buf.byteLength} bytes is not a multiple of ${width}`)
  const copy = new Uint8Array(buf.byteLength)
  copy.set(buf)
  if (!LITTLE_ENDIAN) {
    const b = Buffer.from(copy.buffer)
    if (width === 2) b.swap16()
    else b.swap32()
  }
  return dtype === 'uint16' ? new Uint16Array(copy.buffer) : new Uint32Array(copy.buffer)
}
