import t from 'tap'
import { loadBrown } from '../../src/data/brown.ts'
import {
  EOS_ID,
  GPT2_VOCAB_SIZE,
  MASK_MARKER,
  UNK_MARKER,
  buildCompactVocab,
  compactVocabFromIds,
  decodeGpt2,
  decodeTokens,
  encodeGpt2,
  encodeText,
  gpt2Vocab,
  vocabFromManifest,
} from '../../src/data/tokenizer.ts'

t.test('GPT-2 round trip on Brown text', async (t) => {
  const docs = await loadBrown()
  for (const d of [docs[0], docs[250], docs[499]]) {
    const ids = encodeText(d.text, gpt2Vocab())
    t.ok(ids.length > 1000, `${d.id} has tokens`)
    t.ok(ids.every((i) => i >= 0 && i < GPT2_VOCAB_SIZE))
    t.equal(decodeTokens(ids, gpt2Vocab()), d.text, `${d.id} round trip`)
  }
  t.same(encodeGpt2('Hello world'), [15496, 995])
  t.equal(EOS_ID, 50256)
  t.equal(decodeGpt2([EOS_ID]), '<|endoftext|>')
})

t.test('special-token text is plain text', async (t) => {
  const ids = encodeGpt2('a <|endoftext|> b')
  t.notOk(ids.includes(EOS_ID))
  t.equal(decodeGpt2(ids), 'a <|endoftext|> b')
})

t.test('multi-byte characters split across tokens decode whole', async (t) => {
  const text = 'naïve café 日本語 — ok'
  t.equal(decodeTokens(encodeText(text)), text)
})

t.test('compact vocabulary', async (t) => {
  const docs = await loadBrown()
  const counts = new Float64Array(GPT2_VOCAB_SIZE)
  for (const d of docs.slice(0, 20)) for (const id of encodeGpt2(d.text)) counts[id]++
  const k = 512
  const v = buildCompactVocab(counts, k)
  t.equal(v.kind, 'compact')
  t.equal(v.size, k + 1)
  t.equal(v.unkId, k - 1)
  t.equal(v.eosId, k)
  t.equal(v.gpt2Ids[v.unkId], -1)
  t.equal(v.gpt2Ids[v.eosId], EOS_ID)
  t.equal(v.fromGpt2(EOS_ID), v.eosId, 'EOS kept')
  // the most frequent tokens come first, in order of frequency
  const the = encodeGpt2(' the')[0]
  t.ok(v.fromGpt2(the) < 5, '" the" is among the most frequent')
  for (let i = 1; i < k - 1; i++) t.ok(counts[v.gpt2Ids[i - 1]] >= counts[v.gpt2Ids[i]], 'sorted by frequency')
  // a rare token maps to unk and decodes to the marker
  const rare = encodeGpt2(' Zyzzyva')
  t.ok(rare.some((g) => v.fromGpt2(g) === v.unkId))
  const ids = encodeText('The jury said Zyzzyva.', v)
  t.ok(ids.includes(v.unkId))
  t.ok(ids.every((i) => i >= 0 && i < v.size))
  const text = decodeTokens(ids, v)
  t.match(text, UNK_MARKER)
  t.match(text, /^The jury said/)
  t.equal(decodeTokens([v.eosId], v), '<|endoftext|>')
  t.equal(decodeTokens([v.size, v.size + 3], v), MASK_MARKER + MASK_MARKER, 'mask ids decode as mask')
  t.equal(decodeTokens([GPT2_VOCAB_SIZE], gpt2Vocab()), MASK_MARKER)
  t.throws(() => decodeTokens([-1], v), { code: 'invalid_token' })
})

t.test('compact vocabulary of a tiny corpus is smaller than asked', async (t) => {
  const counts = new Float64Array(GPT2_VOCAB_SIZE)
  for (const id of encodeGpt2('a b a')) counts[id]++
  const v = buildCompactVocab(counts, 100)
  t.equal(v.size, 5) // "a", " b", " a", unk, EOS
  t.equal(v.eosId, 4)
  t.equal(v.unkId, 3)
})

t.test('vocabFromManifest', async (t) => {
  t.equal(vocabFromManifest({ compact: null }).size, GPT2_VOCAB_SIZE)
  const v = vocabFromManifest({ compact: { gpt2Ids: [262, 13, -1, EOS_ID] } })
  t.equal(v.size, 4)
  t.equal(v.unkId, 2)
  t.equal(v.eosId, 3)
  t.equal(v.fromGpt2(262), 0)
  t.equal(v.fromGpt2(999), 2)
  t.throws(() => compactVocabFromIds([1, 2, EOS_ID]), { code: 'invalid_vocabulary' }, 'no unk')
  t.throws(() => compactVocabFromIds([1, -1, 1, EOS_ID]), { code: 'invalid_vocabulary' }, 'duplicate')
  t.throws(() => compactVocabFromIds([1, -1]), { code: 'invalid_vocabulary' }, 'no EOS')
})
