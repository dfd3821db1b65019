import t from 'tap'
import { detokenizeBrown, loadBrown } from '../../src/data/brown.ts'

t.test('Brown corpus', async (t) => {
  const docs = await loadBrown()
  t.equal(docs.length, 500)
  t.equal(docs[0].id, 'ca01')
  t.equal(docs[0].category, 'news')
  t.equal(docs[499].id, 'cr09')
  t.match(docs[0].text, /^The Fulton County Grand Jury said Friday an investigation of Atlanta's recent primary election produced "no evidence" that any irregularities took place\.\n\n/)
  const ids = docs.map((d) => d.id)
  t.same(ids, [...ids].sort(), 'stable id order')
  t.equal(new Set(docs.map((d) => d.category)).size, 15, '15 categories')
  for (const d of docs) {
    if (/\/(at|nn|nns|np|vbd|jj|cc|rb|vb|pps|ppss|nn-tl|np-tl)\b/.test(d.text) || /\/[a-z$*+]+-(tl|hl|nc)\b/.test(d.text)) {
      t.fail(`${d.id} has tag residue`)
    }
    if (d.text.includes('``') || d.text.includes("''")) t.fail(`${d.id} has Brown quote marks`)
    if (/ [,.;:?!]( |$)/m.test(d.text.replace(/ \.\.\./g, ''))) t.fail(`${d.id} has a space before punctuation`)
  }
  t.ok(docs.reduce((s, d) => s + d.text.split(/\s+/).length, 0) > 900_000, 'about a million words')
  t.equal(await loadBrown(), docs, 'cached per process')
})

t.test('detokenizer', async (t) => {
  t.equal(
    detokenizeBrown("\n\n\tHe/pps said/vbd ``/`` no/at ''/'' ,/, and/cc left/vbd ./.\nIt/pps rained/vbd (/( a/at lot/nn )/) ./.\n\n\n\tNew/jj para/nn ./.\n"),
    'He said "no", and left. It rained (a lot).\n\nNew para.',
  )
  t.equal(detokenizeBrown("\tMerger/nn-hl proposed/vbn-hl\nHowever/wrb ,/, yes/rb ./.\n"), 'Merger proposed\n\nHowever, yes.', 'headline apart')
  t.equal(detokenizeBrown("\tAllen/np Jr./np ./. 1/2/cd cup/nn ./.\n"), 'Allen Jr. 1/2 cup.', 'one period, slash in word')
  t.equal(detokenizeBrown("\tSay/vb '/' hi/uh '/' now/rb ./.\n"), "Say 'hi' now.", 'single quotes paired')
})
