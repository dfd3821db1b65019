import { createHash } from 'node:crypto'
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import t from 'tap'
import { loadBrown } from '../../src/data/brown.ts'
import { buildDataset, readManifest, splitDocuments, verifyDataset } from '../../src/data/dataset.ts'
import { readShard } from '../../src/data/shards.ts'
import { EOS_ID, decodeTokens, encodeText, gpt2Vocab, vocabFromManifest } from '../../src/data/tokenizer.ts'

const base = { source: 'brown' as const, format: 'text' as const, validationFraction: 0.1, seed: 0 }
const tmp = mkdtempSync(path.join(tmpdir(), 'fsdfm-ds-'))
t.teardown(() => rmSync(tmp, { recursive: true, force: true }))
const dir = (name: string) => path.join(tmp, name)
const sha = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex')

t.test('split by document', async (t) => {
  const s = splitDocuments(20, 0.1, 0)
  t.equal(s.validation.length, 2)
  t.equal(s.train.length, 18)
  t.same([...s.train, ...s.validation].sort((a, b) => a - b), [...Array(20).keys()])
  t.same(splitDocuments(20, 0.1, 0), s, 'deterministic')
  t.notSame(splitDocuments(20, 0.1, 1).validation, s.validation, 'seed matters')
  t.equal(splitDocuments(2, 0.01, 0).validation.length, 1, 'at least one with >= 2 docs')
  t.equal(splitDocuments(1, 0.5, 0).validation.length, 0)
  t.equal(splitDocuments(10, 0, 0).validation.length, 0, 'fraction 0: none')
  t.equal(splitDocuments(3, 0.5, 0).train.length, 1, 'never all')
})

t.test('compact Brown subset', async (t) => {
  const progress: [number, number][] = []
  const m = await buildDataset({ ...base, maxDocuments: 20, compactVocab: 512 }, dir('a'), { onProgress: (d, n) => progress.push([d, n]) })
  t.same(progress.at(-1), [20, 20], 'progress reaches the total')
  t.equal(m.format, 1)
  t.equal(m.tokenizer, 'gpt2')
  t.equal(m.vocabSize, 513)
  t.equal(m.dtype, 'uint16')
  t.equal(m.eosId, 512)
  t.equal(m.compact?.size, 513)
  t.equal(m.compact?.unkId, 511)
  t.equal(m.compact?.gpt2Ids.length, 513)
  t.equal(m.compact?.gpt2Ids[511], -1)
  t.equal(m.compact?.gpt2Ids[512], EOS_ID)
  t.same(m.source, { kind: 'brown', documents: 20 })
  t.equal(m.splits.train.documents, 18)
  t.equal(m.splits.validation.documents, 2)
  t.ok(!Number.isNaN(Date.parse(m.createdAt)))
  for (const name of ['train', 'validation'] as const) {
    const info = m.splits[name]
    const file = path.join(dir('a'), info.file)
    t.equal(info.file, `${name}.bin`)
    t.equal(statSync(file).size, info.tokens * 2, `${name} size = tokens * 2`)
    t.equal(sha(file), info.sha256, `${name} sha256`)
    const tokens = await readShard(file, 'uint16')
    t.ok(tokens.every((x) => x < m.vocabSize), 'ids < vocabSize')
    t.equal(tokens.filter((x) => x === m.eosId).length, info.documents - 1, 'EOS between documents')
  }
  t.same(JSON.parse(readFileSync(path.join(dir('a'), 'manifest.json'), 'utf8')), m, 'manifest on disk')
  t.same(readManifest(dir('a')), m)
  t.same(await verifyDataset(dir('a')), { ok: true, problems: [], manifest: m })

  // the train split decodes to the train documents, with unknown markers for rare tokens
  const docs = (await loadBrown()).slice(0, 20)
  const vocab = vocabFromManifest(m)
  const train = await readShard(path.join(dir('a'), 'train.bin'), 'uint16')
  const firstEos = train.indexOf(m.eosId)
  const { train: trainIdx } = splitDocuments(20, 0.1, 0)
  t.same([...train.slice(0, firstEos)], encodeText(docs[trainIdx[0]].text, vocab))
  t.match(decodeTokens(train.slice(0, 40), vocab), /⟨unk⟩|^The /)

  // same seed: identical files; another seed: another split
  const again = await buildDataset({ ...base, maxDocuments: 20, compactVocab: 512 }, dir('b'))
  t.equal(again.splits.train.sha256, m.splits.train.sha256)
  t.equal(again.splits.validation.sha256, m.splits.validation.sha256)
  const other = await buildDataset({ ...base, maxDocuments: 20, compactVocab: 512, seed: 7 }, dir('c'))
  t.not(other.splits.validation.sha256, m.splits.validation.sha256)
  t.not(other.splits.train.sha256, m.splits.train.sha256)
})

t.test('full vocabulary, upload source', async (t) => {
  const text = Array.from({ length: 6 }, (_, i) => `Document number ${i} talks about zebras.`).join('\n\n')
  const m = await buildDataset({ ...base, source: 'upload', text, validationFraction: 0.2 }, dir('u'))
  t.equal(m.compact, null)
  t.equal(m.vocabSize, 50257)
  t.equal(m.eosId, EOS_ID)
  t.equal(m.dtype, 'uint16')
  t.equal(m.splits.validation.documents, 1)
  t.same(m.source, { kind: 'upload', documents: 6 })
  const train = await readShard(path.join(dir('u'), 'train.bin'), 'uint16')
  t.equal(decodeTokens(train, gpt2Vocab()).split('<|endoftext|>').length, 5)
  t.ok((await verifyDataset(dir('u'))).ok)
  await t.rejects(buildDataset({ ...base, source: 'upload', text: '\n\n' }, dir('empty')), { code: 'no_documents' })
})

t.test('verify and readManifest catch damage', async (t) => {
  await buildDataset({ ...base, maxDocuments: 5, compactVocab: 64 }, dir('d'))
  const trainFile = path.join(dir('d'), 'train.bin')
  const bytes = readFileSync(trainFile)
  bytes[10] ^= 1
  writeFileSync(trainFile, bytes)
  const v = await verifyDataset(dir('d'))
  t.equal(v.ok, false)
  t.match(v.problems[0], /^train: sha256/)
  writeFileSync(trainFile, bytes.subarray(0, 8))
  t.match((await verifyDataset(dir('d'))).problems[0], /bytes, expected/)

  const mf = path.join(dir('d'), 'manifest.json')
  const good = JSON.parse(readFileSync(mf, 'utf8'))
  writeFileSync(mf, JSON.stringify({ ...good, dtype: 'uint32' }))
  t.throws(() => readManifest(dir('d')), { code: 'invalid_manifest', message: /dtype uint32 does not match/ })
  writeFileSync(mf, JSON.stringify({ ...good, splits: { ...good.splits, train: { ...good.splits.train, file: '../x.bin' } } }))
  t.throws(() => readManifest(dir('d')), { code: 'invalid_manifest' }, 'file names stay in the folder')
  writeFileSync(mf, '{')
  t.throws(() => readManifest(dir('d')), { code: 'invalid_manifest' })
  t.throws(() => readManifest(dir('missing')), { code: 'invalid_manifest' })
  t.equal((await verifyDataset(dir('missing'))).ok, false)
})

t.test('rebuild replaces an old dataset and leaves no temporary files', async (t) => {
  await buildDataset({ ...base, maxDocuments: 4 }, dir('r'))
  const m = await buildDataset({ ...base, maxDocuments: 6, compactVocab: 100 }, dir('r'))
  t.same(readManifest(dir('r')), m)
  t.ok((await verifyDataset(dir('r'))).ok)
  const { readdirSync } = await import('node:fs')
  t.same(readdirSync(dir('r')).sort(), ['manifest.json', 'train.bin', 'validation.bin'])
})
