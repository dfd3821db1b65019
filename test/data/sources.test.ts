import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import t from 'tap'
import { InvalidJsonl, PathOutsideRoot } from '../../src/data/errors.ts'
import { loadDocuments, parseJsonl, parseText, readPathDocuments, resolveInsideRoot } from '../../src/data/sources.ts'

const spec = { source: 'path' as const, format: 'text' as const, validationFraction: 0.05, seed: 0 }

function fixture(t: { teardown(fn: () => void): void }) {
  const base = mkdtempSync(path.join(tmpdir(), 'fsdfm-src-'))
  t.teardown(() => rmSync(base, { recursive: true, force: true }))
  const root = path.join(base, 'root')
  const outside = path.join(base, 'outside')
  mkdirSync(path.join(root, 'corpus', 'sub'), { recursive: true })
  mkdirSync(outside)
  writeFileSync(path.join(outside, 'secret.txt'), 'secret text')
  writeFileSync(path.join(root, 'corpus', 'b.txt'), 'Doc B one.\n\nDoc B two.\n')
  writeFileSync(path.join(root, 'corpus', 'a.jsonl'), '{"text": "Doc A one."}\n\n{"text": "Doc A two.", "id": "a2"}\n')
  writeFileSync(path.join(root, 'corpus', 'sub', 'c.txt'), 'Doc C.')
  writeFileSync(path.join(root, 'corpus', 'ignored.csv'), 'x,y')
  writeFileSync(path.join(root, 'plain.txt'), 'Only one document here.')
  symlinkSync(path.join(outside, 'secret.txt'), path.join(root, 'escape.txt'))
  symlinkSync(outside, path.join(root, 'escape-dir'))
  symlinkSync(path.join(root, 'plain.txt'), path.join(root, 'inner-link.txt'))
  return { base, root, outside }
}

t.test('text format: documents split on blank lines', async (t) => {
  const docs = parseText('First doc\nstill first.\n\n\nSecond doc.\r\n  \r\nThird.\n\n')
  t.same(docs.map((d) => d.text), ['First doc\nstill first.', 'Second doc.', 'Third.'])
  t.equal(parseText('one paragraph only').length, 1)
  t.equal(parseText('  \n\n ').length, 0)
})

t.test('jsonl format', async (t) => {
  const docs = parseJsonl('{"text":"a"}\n\n{"text":"b","id":"x"}\n{"text":"  "}\n')
  t.same(docs.map((d) => [d.id, d.text]), [['doc1', 'a'], ['x', 'b']])
  const bad = (s: string, line: number, msg: RegExp) => {
    try {
      parseJsonl(s)
      t.fail('should throw')
    } catch (err) {
      t.ok(err instanceof InvalidJsonl)
      t.equal((err as InvalidJsonl).line, line)
      t.equal((err as InvalidJsonl).code, 'invalid_jsonl')
      t.match((err as Error).message, msg)
    }
  }
  bad('{"text":"a"}\n{"text": oops}\n', 2, /^line 2: not valid JSON/)
  bad('{"text":"a"}\n\n["x"]\n', 3, /^line 3: expected a JSON object/)
  bad('{"body":"a"}', 1, /^line 1: missing "text"/)
  bad('{"text": 5}', 1, /line 1/)
})

t.test('upload source', async (t) => {
  const docs = await loadDocuments({ ...spec, source: 'upload', text: 'A.\n\nB.' })
  t.equal(docs.length, 2)
  await t.rejects(loadDocuments({ ...spec, source: 'upload', format: 'jsonl', text: '{"text":"a"}\nnope' }), { code: 'invalid_jsonl', line: 2 })
  await t.rejects(loadDocuments({ ...spec, source: 'upload' }), { code: 'invalid_source' })
})

t.test('path inside the root is accepted', async (t) => {
  const { root } = fixture(t)
  const docs = await readPathDocuments(root, 'corpus')
  t.same(
    docs.map((d) => d.text),
    ['Doc A one.', 'Doc A two.', 'Doc B one.', 'Doc B two.', 'Doc C.'],
    'folder: *.txt and *.jsonl, recursively, sorted',
  )
  t.equal(docs[1].id, 'a2')
  t.same((await readPathDocuments(root, 'plain.txt')).map((d) => d.text), ['Only one document here.'])
  t.same((await readPathDocuments(root, 'inner-link.txt')).map((d) => d.text), ['Only one document here.'], 'symlink inside the root')
  t.same((await readPathDocuments(root, path.join(root, 'corpus', 'sub', 'c.txt'))).map((d) => d.text), ['Doc C.'], 'absolute path inside')
  t.same((await readPathDocuments(root, 'corpus/sub/../b.txt')).length, 2, '.. that stays inside')
  const viaSpec = await loadDocuments({ ...spec, path: 'corpus/b.txt' }, { dataRoot: root })
  t.equal(viaSpec.length, 2)
})

t.test('path outside the root is refused', async (t) => {
  const { root, outside } = fixture(t)
  for (const p of ['../outside/secret.txt', path.join(outside, 'secret.txt'), '/etc/passwd', 'escape.txt', 'escape-dir', 'escape-dir/secret.txt', 'corpus/../../outside']) {
    await t.rejects(resolveInsideRoot(root, p), { code: 'path_outside_root', path: p }, p)
    try {
      await loadDocuments({ ...spec, path: p }, { dataRoot: root })
      t.fail(`${p} accepted`)
    } catch (err) {
      t.ok(err instanceof PathOutsideRoot, `${p} refused`)
      t.match((err as Error).message, p)
    }
  }
  // a folder holding a symlink that points out is refused too
  symlinkSync(path.join(outside, 'secret.txt'), path.join(root, 'corpus', 'sub', 'leak.txt'))
  await t.rejects(readPathDocuments(root, 'corpus'), { code: 'path_outside_root', path: 'corpus/sub/leak.txt' })
  await t.rejects(readPathDocuments(root, 'missing.txt'), { code: 'path_not_found' })
  await t.rejects(loadDocuments({ ...spec, path: 'plain.txt' }), { code: 'no_input_root' }, 'a path source without an input root is refused')
})
