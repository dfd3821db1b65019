// A dataset job's output: the dataset directory of docs/contracts.md section 1
// (manifest.json, train.bin, validation.bin), its reader and its verifier.
import { readFileSync } from 'node:fs'
import { mkdir, rm, stat } from 'node:fs/promises'
import path from 'node:path'
import { Type, type Static } from 'typebox'
import { Value } from 'typebox/value'
import type { DatasetSpec } from '../schemas/jobs.ts'
import { DataError } from './errors.ts'
import { DTYPE_BYTES, allocTokens, dtypeFor, readShard, sha256File, writeFileAtomic, writeShard, type Dtype } from './shards.ts'
import { loadDocuments, type Document } from './sources.ts'
import { EOS_ID, GPT2_VOCAB_SIZE, buildCompactVocab, compactVocabFromIds, encodeGpt2, gpt2Vocab, type Vocabulary } from './tokenizer.ts'

export const MANIFEST_FILE = 'manifest.json'
export const MANIFEST_FORMAT = 1

const Sha256 = Type.String({ pattern: '^[0-9a-f]{64}$' })
// A bare file name: a manifest never points outside its own folder.
const FileName = Type.String({ pattern: '^[A-Za-z0-9_][A-Za-z0-9_.-]*$' })

export const SplitInfo = Type.Object({
  file: FileName,
  tokens: Type.Integer({ minimum: 0 }),
  documents: Type.Integer({ minimum: 0 }),
  sha256: Sha256,
})

export const Manifest = Type.Object(
  {
    format: Type.Literal(MANIFEST_FORMAT),
    tokenizer: Type.Literal('gpt2'),
    vocabSize: Type.Integer({ minimum: 2, maximum: 4294967295 }),
    dtype: Type.Union([Type.Literal('uint16'), Type.Literal('uint32')]),
    eosId: Type.Integer({ minimum: 0 }),
    compact: Type.Union([
      Type.Null(),
      Type.Object({
        size: Type.Integer({ minimum: 2 }),
        unkId: Type.Integer({ minimum: 0 }),
        gpt2Ids: Type.Array(Type.Integer({ minimum: -1, maximum: GPT2_VOCAB_SIZE - 1 })),
      }),
    ]),
    splits: Type.Object({ train: SplitInfo, validation: SplitInfo }),
    source: Type.Object({ kind: Type.String(), documents: Type.Integer({ minimum: 0 }) }),
    createdAt: Type.String(),
  },
  { description: 'manifest.json of a dataset directory (docs/contracts.md section 1)' },
)
export type Manifest = Static<typeof Manifest>
export type SplitName = keyof Manifest['splits']
export const SPLITS: readonly SplitName[] = ['train', 'validation']

export interface BuildOptions {
  /** Allowed root of `path` sources (FSDFM_INPUT_ROOT). */
  dataRoot?: string
  /** Directory of uploads, for `uploadId` sources. */
  uploadDir?: string
  /** Called as documents are tokenised: done of total documents. */
  onProgress?: (done: number, total: number) => void
  /** Stops the build at the next document batch (a cancel or a worker stopping); it then throws DataError 'cancelled'. */
  signal?: AbortSignal
}

function checkStop(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new DataError('cancelled', 'the dataset build was stopped')
}

/** 32-bit seed of any integer seed (also beyond 2^32 and negative). */
function hashSeed(seed: number): number {
  let h = 0x811c9dc5
  for (const c of String(seed)) h = Math.imul(h ^ c.charCodeAt(0), 0x01000193)
  return h >>> 0
}

function mulberry32(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/**
 * Which of n documents go to validation: round(n * fraction) of them, at least 1 when
 * fraction > 0 and n >= 2, and never all of them; chosen by a shuffle seeded with `seed`.
 * Both lists are in document order.
 */
export function splitDocuments(n: number, fraction: number, seed: number): { train: number[]; validation: number[] } {
  const nVal = fraction > 0 && n >= 2 ? Math.min(n - 1, Math.max(1, Math.round(n * fraction))) : 0
  const order = Array.from({ length: n }, (_, i) => i)
  const rand = mulberry32(hashSeed(seed))
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1))
    ;[order[i], order[j]] = [order[j], order[i]]
  }
  const isVal = new Uint8Array(n)
  for (const i of order.slice(0, nVal)) isVal[i] = 1
  const train: number[] = []
  const validation: number[] = []
  for (let i = 0; i < n; i++) (isVal[i] ? validation : train).push(i)
  return { train, validation }
}

const tick = () => new Promise<void>((resolve) => setImmediate(resolve))

/** Tokenises documents with GPT-2, yielding to the event loop now and then (lock renewals, cancel requests). */
async function encodeDocuments(docs: Document[], onProgress?: (done: number, total: number) => void, signal?: AbortSignal): Promise<Uint16Array[]> {
  const out: Uint16Array[] = []
  let sinceYield = 0
  onProgress?.(0, docs.length)
  for (let i = 0; i < docs.length; i++) {
    out.push(Uint16Array.from(encodeGpt2(docs[i].text))) // GPT-2 ids < 65536
    sinceYield += docs[i].text.length
    if (sinceYield > 200_000 || i === docs.length - 1) {
      sinceYield = 0
      onProgress?.(i + 1, docs.length)
      await tick()
      checkStop(signal)
    }
  }
  return out
}

/** Documents joined with EOS between them, mapped into the vocabulary. */
function joinSplit(encoded: Uint16Array[], indices: number[], vocab: Vocabulary, dtype: Dtype) {
  const total = indices.reduce((s, i) => s + encoded[i].length, 0) + Math.max(0, indices.length - 1)
  const tokens = allocTokens(dtype, total)
  let p = 0
  indices.forEach((docIndex, k) => {
    if (k > 0) tokens[p++] = vocab.eosId
    const doc = encoded[docIndex]
    if (vocab.kind === 'gpt2') {
      tokens.set(doc, p)
      p += doc.length
    } else {
      for (let t = 0; t < doc.length; t++) tokens[p++] = vocab.fromGpt2(doc[t])
    }
  })
  return tokens
}

/**
 * Builds the dataset directory `outDir` from a dataset spec: documents (first maxDocuments),
 * seeded split by document, GPT-2 tokens with EOS between documents, optional compact vocabulary
 * from the train split's token counts, then train.bin, validation.bin and manifest.json, each
 * written atomically. A manifest already in outDir is removed first and the new one written
 * last, so a manifest never describes half-written or stale shards.
 */
export async function buildDataset(spec: DatasetSpec, outDir: string, opts: BuildOptions = {}): Promise<Manifest> {
  let docs = await loadDocuments(spec, { dataRoot: opts.dataRoot, uploadDir: opts.uploadDir })
  checkStop(opts.signal)
  if (spec.maxDocuments !== undefined) docs = docs.slice(0, spec.maxDocuments)
  if (docs.length === 0) throw new DataError('no_documents', 'the source holds no documents')
  const { train, validation } = splitDocuments(docs.length, spec.validationFraction ?? 0.05, spec.seed ?? 0)
  const encoded = await encodeDocuments(docs, opts.onProgress, opts.signal)

  let vocab: Vocabulary = gpt2Vocab()
  if (spec.compactVocab !== undefined) {
    const counts = new Float64Array(GPT2_VOCAB_SIZE)
    for (const i of train) for (const t of encoded[i]) counts[t]++
    vocab = buildCompactVocab(counts, spec.compactVocab)
  }
  const dtype = dtypeFor(vocab.size)

  await mkdir(outDir, { recursive: true })
  await rm(path.join(outDir, MANIFEST_FILE), { force: true })
  const splits = {} as Manifest['splits']
  for (const [name, indices] of [['train', train], ['validation', validation]] as const) {
    const tokens = joinSplit(encoded, indices, vocab, dtype)
    const file = `${name}.bin`
    const { sha256 } = await writeShard(path.join(outDir, file), tokens)
    splits[name] = { file, tokens: tokens.length, documents: indices.length, sha256 }
    await tick()
    checkStop(opts.signal)
  }
  const manifest: Manifest = {
    format: MANIFEST_FORMAT,
    tokenizer: 'gpt2',
    vocabSize: vocab.size,
    dtype,
    eosId: vocab.eosId,
    compact: vocab.kind === 'compact' ? { size: vocab.size, unkId: vocab.unkId, gpt2Ids: [...vocab.gpt2Ids] } : null,
    splits,
    source: { kind: spec.source ?? 'brown', documents: docs.length },
    createdAt: new Date().toISOString(),
  }
  await writeFileAtomic(path.join(outDir, MANIFEST_FILE), JSON.stringify(manifest, null, 2) + '\n')
  return manifest
}

/** Problems of a parsed manifest beyond its schema (empty when consistent). */
export function manifestProblems(m: Manifest): string[] {
  const problems: string[] = []
  if (m.dtype !== dtypeFor(m.vocabSize)) problems.push(`dtype ${m.dtype} does not match vocabSize ${m.vocabSize}`)
  if (m.eosId >= m.vocabSize) problems.push(`eosId ${m.eosId} >= vocabSize ${m.vocabSize}`)
  if (m.compact === null) {
    if (m.vocabSize !== GPT2_VOCAB_SIZE) problems.push(`vocabSize ${m.vocabSize} without compact must be ${GPT2_VOCAB_SIZE}`)
    if (m.eosId !== EOS_ID) problems.push(`eosId ${m.eosId} without compact must be ${EOS_ID}`)
  } else {
    const c = m.compact
    if (c.size !== m.vocabSize) problems.push(`compact.size ${c.size} != vocabSize ${m.vocabSize}`)
    if (c.gpt2Ids.length !== c.size) problems.push(`compact.gpt2Ids has ${c.gpt2Ids.length} entries, size is ${c.size}`)
    if (c.gpt2Ids[c.unkId] !== -1) problems.push(`compact.gpt2Ids[unkId=${c.unkId}] must be -1`)
    if (c.gpt2Ids[m.eosId] !== EOS_ID) problems.push(`compact.gpt2Ids[eosId=${m.eosId}] must be ${EOS_ID}`)
    try {
      compactVocabFromIds(c.gpt2Ids)
    } catch (err) {
      problems.push((err as Error).message)
    }
  }
  if (m.splits.train.file === m.splits.validation.file) problems.push('train and validation name the same file')
  return problems
}

/**
 * Reads and validates `<dir>/manifest.json` (schema and consistency); InvalidManifest if it is
 * missing or bad. Synchronous: the file is small.
 */
export function readManifest(dir: string): Manifest {
  const file = path.join(dir, MANIFEST_FILE)
  let value: unknown
  try {
    value = JSON.parse(readFileSync(file, 'utf8'))
  } catch (err) {
    throw new DataError('invalid_manifest', `${file}: ${(err as Error).message}`)
  }
  if (!Value.Check(Manifest, value)) {
    const errs = Value.Errors(Manifest, value)
      .slice(0, 5)
      .map((e) => `${e.instancePath || '/'} ${e.message}`)
    throw new DataError('invalid_manifest', `${file}: ${errs.join('; ')}`)
  }
  const problems = manifestProblems(value)
  if (problems.length > 0) throw new DataError('invalid_manifest', `${file}: ${problems.join('; ')}`)
  return value
}

export interface VerifyResult {
  ok: boolean
  problems: string[]
  manifest: Manifest | null
}

/**
 * Checks a dataset directory: a valid manifest, each split file of tokens * dtype bytes with the
 * recorded sha256, every id < vocabSize. Never throws for a bad dataset; lists the problems.
 */
export async function verifyDataset(dir: string): Promise<VerifyResult> {
  let manifest: Manifest
  try {
    manifest = readManifest(dir)
  } catch (err) {
    return { ok: false, problems: [(err as Error).message], manifest: null }
  }
  const problems: string[] = []
  for (const name of SPLITS) {
    const info = manifest.splits[name]
    const file = path.join(dir, info.file)
    try {
      const size = (await stat(file)).size
      const want = info.tokens * DTYPE_BYTES[manifest.dtype]
      if (size !== want) {
        problems.push(`${name}: ${info.file} has ${size} bytes, expected ${want}`)
        continue
      }
      const digest = await sha256File(file)
      if (digest !== info.sha256) {
        problems.push(`${name}: sha256 ${digest} != manifest ${info.sha256}`)
        continue
      }
      const tokens = await readShard(file, manifest.dtype)
      let max = -1
      for (let i = 0; i < tokens.length; i++) if (tokens[i] > max) max = tokens[i]
      if (max >= manifest.vocabSize) problems.push(`${name}: token id ${max} >= vocabSize ${manifest.vocabSize}`)
    } catch (err) {
      problems.push(`${name}: ${(err as Error).message}`)
    }
  }
  return { ok: problems.length === 0, problems, manifest }
}
