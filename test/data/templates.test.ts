import t from 'tap'
import { GPT2_VOCAB_SIZE, buildCompactVocab, decodeTokens, encodeGpt2, encodeText, gpt2Vocab } from '../../src/data/tokenizer.ts'
import { EDIT_PLACEHOLDER, infillToFixed, parseInfillTemplate, promptToFixed } from '../../src/data/templates.ts'

const v = gpt2Vocab()

t.test('prompt', async (t) => {
  const ids = encodeText('The jury said', v)
  const r = promptToFixed('The jury said', 16, v)
  t.same(Object.keys(r).sort(), ['editMask', 'fixedTokens'])
  t.equal(r.fixedTokens.length, 16)
  t.equal(r.editMask.length, 16)
  t.same(r.fixedTokens.slice(0, ids.length), ids)
  t.ok(r.fixedTokens.slice(ids.length).every((x) => x === EDIT_PLACEHOLDER))
  t.same(r.editMask, [...ids.map(() => 0), ...Array(16 - ids.length).fill(1)])
  t.same(promptToFixed('', 4, v).editMask, [1, 1, 1, 1])
  t.equal(promptToFixed('The jury said', ids.length, v).editMask.every((m) => m === 0), true, 'exactly seqLen')
  t.throws(() => promptToFixed('The jury said', ids.length - 1, v), { code: 'invalid_template', message: /prompt is 3 tokens, longer than the sequence length 2/ })
})

t.test('prompt in a compact vocabulary', async (t) => {
  const counts = new Float64Array(GPT2_VOCAB_SIZE)
  for (const id of encodeGpt2('The jury said the jury')) counts[id]++
  const cv = buildCompactVocab(counts, 16)
  const r = promptToFixed('The jury said Zyzzyva', 8, cv)
  t.ok(r.fixedTokens.every((x) => x < cv.size))
  t.match(decodeTokens(r.fixedTokens.slice(0, r.editMask.indexOf(1)), cv), /^The jury said⟨unk⟩/)
})

t.test('infill', async (t) => {
  const r = infillToFixed('The jury said [[8]] and then [[5]].', 40, v)
  const a = encodeText('The jury said', v)
  const b = encodeText(' and then', v)
  const c = encodeText('.', v)
  const mask = [...a.map(() => 0), ...Array(8).fill(1), ...b.map(() => 0), ...Array(5).fill(1), ...c.map(() => 0)]
  t.same(r.editMask.slice(0, mask.length), mask)
  t.ok(r.editMask.slice(mask.length).every((m) => m === 1), 'the rest after the template is editable')
  t.equal(r.editMask.length, 40)
  t.equal(r.fixedTokens.length, 40)
  t.same(r.fixedTokens.slice(0, a.length), a)
  t.same(r.fixedTokens.slice(a.length + 8, a.length + 8 + b.length), b)
  r.fixedTokens.forEach((tok, i) => r.editMask[i] === 1 && t.equal(tok, EDIT_PLACEHOLDER))
  const total = mask.length
  t.ok(infillToFixed('The jury said [[8]] and then [[5]].', total, v).editMask.length === total, 'exactly seqLen fits')
  t.same(infillToFixed('[[3]]', 3, v).editMask, [1, 1, 1], 'only a hole')
  t.same(infillToFixed('[[ 2 ]] end', 4, v).editMask.slice(0, 2), [1, 1], 'spaces inside the hole')
  t.same(parseInfillTemplate('a [[1]][[2]] b'), [{ kind: 'text', text: 'a ' }, { kind: 'hole', n: 1 }, { kind: 'hole', n: 2 }, { kind: 'text', text: ' b' }])
})

t.test('infill errors', async (t) => {
  const bad = (tpl: string, seqLen: number, msg: RegExp) =>
    t.throws(() => infillToFixed(tpl, seqLen, v), { code: 'invalid_template', name: 'TemplateError', message: msg }, tpl)
  bad('The jury said [[8]] and then [[5]].', 10, /longer than the sequence length 10/)
  bad('no holes at all', 64, /no holes/)
  bad('hole [[0]] here', 64, /N must be at least 1/)
  bad('hole [[-2]] here', 64, /N must be at least 1/)
  bad('hole [[abc]] here', 64, /malformed hole "\[\[abc\]\]"/)
  bad('hole [[2.5]] here', 64, /malformed hole/)
  bad('hole [[]] here', 64, /malformed hole/)
  bad('hole [[3 here', 64, /never closed/)
  bad('hole 3]] here', 64, /no opening/)
  bad('a [[2]] b [[x', 64, /never closed/)
  t.throws(() => promptToFixed('x', 0, v), { code: 'invalid_template' })
})
