// FS-DFM's claim at small scale, driven through our own HTTP API (issues 6 and 12). A benchmark,
// not a test: it asserts nothing (exit 0 whatever the shape), it needs a RUNNING service.
//
//   node --import tsx bench/reproduce.ts --preset cpu      # within 60 min on 2 cores
//   node --import tsx bench/reproduce.ts --preset gpu      # one H100, within 8 min (gpus: 1 jobs)
//
// Flags: --url URL (default $FSDFM_URL or http://127.0.0.1:8080), --doc FILE (default
// docs/results.md) or --no-doc, --reuse dataset=ID,teacher=ID,arm=ID,student=ID (skip the
// stages whose finished jobs are given), --samples N (override the preset's).
//
// Stages: a Brown dataset with a compact vocabulary; pre-train a DFM teacher and an ARM (the
// judge and the third method); distil an FS-DFM student from the teacher; evaluate teacher and
// student at step budgets 1, 2, 4, ..., 256 under the n-gram and ARM judges, with the teacher
// also re-sampled at the temperature that matches the student's 8-step entropy (the control
// against a gain that is only sharper sampling), and paired comparisons (same seed, sample by
// sample) with 95% intervals. It prints two tables (budget: teacher and student generative
// perplexity under each judge and entropy, wall time per budget, the entropy-matched teacher,
// the validation text, the ARM's own generation of the same length; then the paired ratios),
// the target checks, and writes them to docs/results.md with the machine, the commit and the
// exact command (replacing its own section for the preset, leaving the rest of the file alone).
import { execSync } from 'node:child_process'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { cpus, loadavg } from 'node:os'
import { performance } from 'node:perf_hooks'

type Json = Record<string, unknown>

interface Preset {
  about: string
  gpus: number
  dataset: Json
  teacher: Json
  arm: Json
  distill: Json
  evaluate: Json & { stepBudgets: number[] }
  minutes: number
}

// CPU sizes. What the claim needs is a teacher that clearly loses quality at 8 steps: at L = 32
// (issue 6) 8 steps unmask only 4 tokens each and the teacher had almost no 8-step deficit to
// close, so the preset now runs at L = 128 (16 tokens per step at 8 steps). A bidirectional
// DiT first sits on a unigram plateau whose length grows with L (docs/results.md, issue 3:
// ~900 optimiser steps at L = 16, ~1,400 at L = 32), which at L = 128 would not end inside
// the hour; the model option attentionBias: 'local' (a per-head distance penalty on the
// attention scores, docs/method-notes.md) ends it within ~300 steps, so the CPU teacher uses it
// (the 0.17B preset keeps the paper's architecture: the option is off by default). The
// student's grid is cut to 2^0..2^-4 so that h = 1/8, the step of an 8-step sampler, gets a
// quarter of the examples instead of 0.4% with P = 10; the path loss takes the smallest step
// (the default threshold), about half of the examples, as in the method. The evaluation
// samples the teacher again at the temperature matching the student's 8-step entropy
// (`matchEntropy`) and reports paired comparisons (`paired`) with 95% intervals.
const tinyArm = { hidden: 64, blocks: 2, heads: 4, condDim: 64, dropout: 0 }
const tinyModel = { ...tinyArm, attentionBias: 'local' } // the DiT: teacher, and the student distilled from it
const CONTROL = { model: 'teacher', target: 'student', targetSteps: 8, budgets: [8, 256], tolerance: 0.005, maxEvaluations: 2 }
const EXTRA_PAIRS = [{ a: 'student@8', b: 'teacher@256' }]
const PRESETS: Record<string, Preset> = {
  cpu: {
    about: '2 CPU cores, within 60 minutes',
    gpus: 0,
    minutes: 60,
    dataset: { source: 'brown', compactVocab: 1024, validationFraction: 0.05, seed: 0 },
    teacher: {
      modelType: 'teacher', model: tinyModel, source: 'mask', loss: 'cross_entropy', seqLen: 128, batchSize: 16, steps: 1000,
      lr: 2e-3, warmupSteps: 50, minLrRatio: 0.3, emaDecay: 0.99, checkpointEvery: 250, logEvery: 50, seed: 0,
    },
    arm: {
      modelType: 'arm', model: tinyArm, seqLen: 128, batchSize: 16, steps: 500, lr: 2e-3, warmupSteps: 50, minLrRatio: 0.3,
      emaDecay: 0.99, checkpointEvery: 250, logEvery: 50, seed: 0,
    },
    distill: {
      shortcut: 'rk4', gridPowers: 4, seqLen: 128, batchSize: 16, steps: 400, lr: 1e-3, warmupSteps: 20,
      minLrRatio: 0.5, emaDecay: 0.99, checkpointEvery: 200, logEvery: 50, seed: 0,
    },
    evaluate: {
      stepBudgets: [1, 2, 4, 8, 16, 64, 256], samples: 64, batchSize: 64, solver: 'cumulative_scalar', temperature: 1, elbo: true,
      elboTimePoints: 8, infill: false, seed: 0, matchEntropy: CONTROL, comparisons: EXTRA_PAIRS,
    },
  },
  gpu: {
    about: 'one H100 (gpus: 1 jobs), within 8 minutes; untested',
    gpus: 1,
    minutes: 8,
    dataset: { source: 'brown', compactVocab: 4096, validationFraction: 0.05, seed: 0 },
    teacher: {
      modelType: 'teacher', model: { preset: 'small', dropout: 0, attentionBias: 'local' }, source: 'mask', loss: 'cross_entropy', seqLen: 128,
      batchSize: 64, steps: 5000, lr: 1e-3, warmupSteps: 200, minLrRatio: 0.3, emaDecay: 0.995, checkpointEvery: 1000, logEvery: 100, seed: 0,
    },
    arm: {
      modelType: 'arm', model: { preset: 'small', dropout: 0 }, seqLen: 128, batchSize: 64, steps: 2000, lr: 1e-3, warmupSteps: 100,
      minLrRatio: 0.3, emaDecay: 0.995, checkpointEvery: 1000, logEvery: 100, seed: 0,
    },
    distill: {
      shortcut: 'rk4', gridPowers: 6, seqLen: 128, batchSize: 64, steps: 3000, lr: 3e-4, warmupSteps: 100,
      minLrRatio: 0.3, emaDecay: 0.995, checkpointEvery: 1000, logEvery: 100, seed: 0,
    },
    evaluate: {
      stepBudgets: [1, 2, 4, 8, 16, 32, 64, 128, 256], samples: 256, batchSize: 256, solver: 'cumulative_scalar', temperature: 1, elbo: true,
      elboTimePoints: 16, infill: false, seed: 0, matchEntropy: { ...CONTROL, maxEvaluations: 3 }, comparisons: EXTRA_PAIRS,
    },
  },
}

// ---------------------------------------------------------------------------------------
// Arguments

interface Args {
  preset: string
  url: string
  doc: string | null
  reuse: Record<string, string>
  samples: number | null
}

function parseArgs(argv: string[]): Args {
  const args: Args = { preset: 'cpu', url: process.env.FSDFM_URL ?? 'http://127.0.0.1:8080', doc: 'docs/results.md', reuse: {}, samples: null }
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]
    const value = () => {
      const v = a.includes('=') ? a.slice(a.indexOf('=') + 1) : argv[++i]
      if (v === undefined) throw new Error(`${a} needs a value`)
      return v
    }
    if (a.startsWith('--preset')) args.preset = value()
    else if (a.startsWith('--url')) args.url = value()
    else if (a === '--no-doc') args.doc = null
    else if (a.startsWith('--doc')) args.doc = value()
    else if (a.startsWith('--samples')) args.samples = Number(value())
    else if (a.startsWith('--reuse')) {
      for (const pair of value().split(',')) {
        const [k, v] = pair.split('=')
        if (!['dataset', 'teacher', 'arm', 'student'].includes(k) || !v) throw new Error(`--reuse takes dataset=ID,teacher=ID,arm=ID,student=ID; got ${pair}`)
        args.reuse[k] = v
      }
    } else throw new Error(`unknown argument ${a}`)
  }
  if (!PRESETS[args.preset]) throw new Error(`--preset must be one of ${Object.keys(PRESETS).join(', ')}`)
  args.url = args.url.replace(/\/+$/, '')
  return args
}

// ---------------------------------------------------------------------------------------
// HTTP

interface JobView {
  id: string
  kind: string
  state: string
  device: string | null
  progress: { step?: number; total?: number; loss?: number | null } | null
  result: Json | null
  error: { code?: string; message: string } | null
  createdAt: string
  startedAt: string | null
  finishedAt: string | null
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

async function http<T>(base: string, method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  const text = await res.text()
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch {
    json = { raw: text }
  }
  if (!res.ok) {
    const e = (json as { error?: { code?: string; message?: string; details?: { path: string; message: string }[] } }).error
    const details = e?.details?.map((d) => `${d.path}: ${d.message}`).join('; ')
    throw new Error(`${method} ${path} -> ${res.status} ${e?.code ?? ''} ${e?.message ?? text}${details ? ` (${details})` : ''}`)
  }
  return json as T
}

async function submit(base: string, kind: string, name: string, spec: Json, gpus: number): Promise<JobView> {
  return http<JobView>(base, 'POST', '/v1/jobs', { kind, name, spec, gpus, tags: ['reproduce'] })
}

async function waitFor(base: string, id: string, label: string): Promise<JobView> {
  let last = ''
  let lastPrint = 0
  for (;;) {
    const job = await http<JobView>(base, 'GET', `/v1/jobs/${id}`)
    const p = job.progress
    const line = `  ${label}: ${job.state}${p?.total ? ` ${p.step}/${p.total}` : ''}${typeof p?.loss === 'number' ? ` loss ${p.loss.toFixed(3)}` : ''}`
    if (job.state !== last || Date.now() - lastPrint > 30_000) {
      console.log(`${clock()} ${line}`)
      lastPrint = Date.now()
    }
    last = job.state
    if (job.state === 'succeeded') return job
    if (job.state === 'failed' || job.state === 'cancelled') throw new Error(`${label} job ${id} ${job.state}: ${job.error?.message ?? 'no error message'}`)
    await sleep(2000)
  }
}

const t0 = performance.now()
const clock = () => `[${((performance.now() - t0) / 60_000).toFixed(1).padStart(4)} min]`
const seconds = (job: JobView) => (job.startedAt && job.finishedAt ? (Date.parse(job.finishedAt) - Date.parse(job.startedAt)) / 1000 : NaN)

// ---------------------------------------------------------------------------------------
// The report and the table

interface Row {
  genPpl: Record<string, number>
  genPplStdErr?: Record<string, number>
  entropy: number
  wallSeconds?: number
  tokensPerSecond?: number
  seqLen?: number
  steps?: number
  temperature?: number
  search?: [number, number][]
}
interface Paired {
  a: string
  b: string
  judge?: string
  n?: number
  ratio?: number
  ratioCi95?: [number, number] | null
  ratioExcludesOne?: boolean
  diff?: number
  diffCi95?: [number, number] | null
  diffExcludesZero?: boolean
  error?: string
}
interface Report {
  judges: string[]
  models: Record<string, { budgets: Record<string, Row>; elbo?: number; seqLen: number; step?: number; targetEntropy?: number; matchedTo?: string }>
  reference: { validation: Row & { sequences?: number }; armJudge?: Row }
  paired?: Paired[]
  samples: number
  solver: string
  device: string
}

const MATCHED = 'teacher~matched'
const f = (x: number | undefined, d = 1) => (typeof x === 'number' && Number.isFinite(x) ? x.toFixed(d) : 'n/a')
/** Mean perplexity with its standard error over the samples when the report has it. */
const ppl = (row: Row | undefined, judge: string) => {
  const se = row?.genPplStdErr?.[judge]
  return `${f(row?.genPpl[judge])}${typeof se === 'number' ? ` ± ${f(se)}` : ''}`
}
const markdown = (head: string[], rows: string[][]) =>
  [`| ${head.join(' | ')} |`, `|${head.map((_, i) => (i === 0 ? '---' : '---:')).join('|')}|`, ...rows.map((c) => `| ${c.join(' | ')} |`)].join('\n')

function renderTable(r: Report, budgets: number[]): string {
  const judges = r.judges
  const head = ['steps', ...judges.map((j) => `teacher ${j}`), 'teacher H', ...judges.map((j) => `student ${j}`), 'student H', 'teacher s', 'student s']
  const rows: string[][] = []
  const t = r.models.teacher.budgets
  const s = r.models.student.budgets
  for (const b of budgets.map(String)) {
    if (!t[b] || !s[b]) continue
    rows.push([b, ...judges.map((j) => ppl(t[b], j)), f(t[b].entropy, 3), ...judges.map((j) => ppl(s[b], j)), f(s[b].entropy, 3), f(t[b].wallSeconds, 2), f(s[b].wallSeconds, 2)])
  }
  const m = r.models[MATCHED]
  for (const [b, row] of Object.entries(m?.budgets ?? {}))
    rows.push([`${b}, teacher at T = ${f(row.temperature, 3)} (entropy-matched)`, ...judges.map((j) => ppl(row, j)), f(row.entropy, 3), ...judges.map(() => ''), '', f(row.wallSeconds, 2), ''])
  const v = r.reference.validation
  rows.push(['validation text', ...judges.map((j) => ppl(v, j)), f(v.entropy, 3), ...judges.map(() => ''), '', '', ''])
  const a = r.reference.armJudge
  if (a) rows.push([`ARM (${a.steps} cached steps)`, ...judges.map((j) => ppl(a, j) + (j === 'arm' ? ' *' : '')), f(a.entropy, 3), ...judges.map(() => ''), '', f(a.wallSeconds, 2), ''])
  else rows.push(['ARM', ...judges.map(() => 'n/a'), 'n/a', ...judges.map(() => ''), '', 'n/a (report has no armJudge)', ''])
  return markdown(head, rows)
}

const findPair = (r: Report, a: string, b: string, judge: string) => r.paired?.find((p) => p.a === a && p.b === b && p.judge === judge)
const interval = (ci: [number, number] | null | undefined, d: number) => (ci ? `[${f(ci[0], d)}, ${f(ci[1], d)}]` : 'n/a')

/** The paired comparisons that bear on the claim, one row per pair and judge. */
function renderPaired(r: Report): string {
  const pairs: [string, string][] = [
    ['student@8', 'teacher@8'],
    ['student@8', 'teacher@256'],
    ['student@8', `${MATCHED}@8`],
    ['student@8', `${MATCHED}@256`],
    ['teacher@8', 'teacher@256'],
    ['student@8', 'student@256'],
    ['student@2', 'teacher@2'],
    ['student@1', 'teacher@1'],
  ]
  const rows: string[][] = []
  for (const [a, b] of pairs)
    for (const j of r.judges) {
      const p = findPair(r, a, b, j)
      if (!p || p.error) continue
      rows.push([`${a} / ${b}`, j, f(p.ratio, 3), interval(p.ratioCi95, 3), p.ratioExcludesOne ? 'yes' : 'no', f(p.diff, 1), interval(p.diffCi95, 1), p.diffExcludesZero ? 'yes' : 'no'])
    }
  return markdown(['a / b', 'judge', 'ratio of means', '95% CI (paired bootstrap)', 'excludes 1', 'a - b', '95% CI (paired t)', 'excludes 0'], rows)
}

interface Check {
  what: string
  value: string
  ok: boolean
}

function checks(r: Report): Check[] {
  const out: Check[] = []
  const s = r.models.student.budgets
  const hv = r.reference.validation.entropy
  const ratio = (p: Paired | undefined) => `ratio ${f(p?.ratio, 3)}, 95% CI ${interval(p?.ratioCi95, 3)}`
  for (const j of r.judges) {
    const p8 = findPair(r, 'student@8', 'teacher@8', j)
    const p256 = findPair(r, 'student@8', 'teacher@256', j)
    const deficit = findPair(r, 'teacher@8', 'teacher@256', j)
    const m8 = findPair(r, 'student@8', `${MATCHED}@8`, j)
    const m256 = findPair(r, 'student@8', `${MATCHED}@256`, j)
    const below = (p: Paired | undefined, x: number) => typeof p?.ratio === 'number' && p.ratio <= x
    const ciBelowOne = (p: Paired | undefined) => !!p?.ratioCi95 && p.ratioCi95[1] < 1
    out.push({ what: `${j}: the premise, teacher@8 worse than teacher@256 (interval excluding 1)`, value: ratio(deficit), ok: !!deficit?.ratioCi95 && deficit.ratioCi95[0] > 1 })
    out.push({ what: `${j}: student@8 <= 0.8 x teacher@8, paired interval excluding 1`, value: ratio(p8), ok: below(p8, 0.8) && ciBelowOne(p8) })
    out.push({ what: `${j}: student@8 <= 1.1 x teacher@256`, value: ratio(p256), ok: below(p256, 1.1) })
    if (m8) out.push({ what: `${j}: control: student@8 better than the entropy-matched teacher@8 (interval excluding 1)`, value: ratio(m8), ok: ciBelowOne(m8) })
    if (m256) out.push({ what: `${j}: control: student@8 <= 1.1 x the entropy-matched teacher@256`, value: ratio(m256), ok: below(m256, 1.1) })
  }
  const h = s['8']?.entropy
  out.push({ what: `entropy of student@8 within 5% of the validation text's`, value: `${f(h, 3)} vs ${f(hv, 3)} (${f((h / hv - 1) * 100, 1)}%)`, ok: Math.abs(h / hv - 1) <= 0.05 })
  const m = r.models[MATCHED]
  for (const [b, row] of Object.entries(m?.budgets ?? {}))
    out.push({
      what: `control: teacher@${b} at T = ${f(row.temperature, 3)} matches the entropy of student@8 within 1%`,
      value: `${f(row.entropy, 3)} vs ${f(m?.targetEntropy, 3)}`,
      ok: typeof m?.targetEntropy === 'number' && Math.abs(row.entropy / m.targetEntropy - 1) <= 0.01,
    })
  return out
}

// ---------------------------------------------------------------------------------------
// Machine, commit, doc

function machine(): { cpu: string; nproc: number; commit: string } {
  let cpu = cpus()[0]?.model ?? 'unknown'
  try {
    cpu = /model name\s*:\s*(.*)/.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? cpu
  } catch {
    // not Linux
  }
  let commit = 'unknown'
  try {
    commit = execSync('git rev-parse --short HEAD', { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim()
    if (execSync('git status --porcelain -- src python bench', { encoding: 'utf8' }).trim()) commit += ' (with uncommitted changes in src/, python/ or bench/)'
  } catch {
    // not a git checkout
  }
  return { cpu, nproc: cpus().length, commit }
}

function writeDoc(file: string, preset: string, section: string): void {
  const begin = `<!-- reproduce:${preset}:begin -->`
  const end = `<!-- reproduce:${preset}:end -->`
  const block = `${begin}\n${section.trim()}\n${end}`
  let doc = existsSync(file) ? readFileSync(file, 'utf8') : '# Results\n\nWritten by `bench/reproduce.ts` between the markers; notes outside them are kept.\n'
  const i = doc.indexOf(begin)
  const k = doc.indexOf(end)
  if (i >= 0 && k > i) doc = doc.slice(0, i) + block + doc.slice(k + end.length)
  else doc = `${doc.trimEnd()}\n\n${block}\n`
  writeFileSync(file, doc.endsWith('\n') ? doc : `${doc}\n`)
}

// ---------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2))
  const preset = PRESETS[args.preset]
  const base = args.url
  const m = machine()
  const loadStart = loadavg().map((l) => l.toFixed(2)).join(' ')
  const command = `FSDFM_URL=${base} node --import tsx bench/reproduce.ts ${process.argv.slice(2).join(' ')}`.trim()
  const health = await http<{ status: string; version: string; store: string; workers: unknown }>(base, 'GET', '/health')
  console.log(`reproduce (${args.preset}: ${preset.about}) against ${base} (service ${health.version}, store ${health.store}); ${m.cpu}, nproc ${m.nproc}, commit ${m.commit}, load ${loadStart}`)
  const stages: { stage: string; id: string; seconds: number; device: string | null }[] = []
  const run = async (key: string, kind: string, name: string, spec: Json): Promise<JobView> => {
    const reused = args.reuse[key]
    const job = reused ? await http<JobView>(base, 'GET', `/v1/jobs/${reused}`) : await submit(base, kind, name, spec, kind === 'dataset' ? 0 : preset.gpus)
    const done = reused && job.state === 'succeeded' ? job : await waitFor(base, job.id, key)
    stages.push({ stage: `${key}${reused ? ' (reused)' : ''}`, id: done.id, seconds: seconds(done), device: done.device })
    return done
  }

  const dataset = await run('dataset', 'dataset', 'reproduce: Brown', preset.dataset)
  const dsId = dataset.id
  // Teacher and ARM are queued together (one worker runs them one after the other).
  const teacherP = run('teacher', 'pretrain', 'reproduce: DFM teacher', { datasetJobId: dsId, ...preset.teacher })
  await sleep(500) // submission order = queue order: the teacher first
  const armP = run('arm', 'pretrain', 'reproduce: ARM', { datasetJobId: dsId, ...preset.arm })
  const teacher = await teacherP
  const studentP = run('student', 'distill', 'reproduce: FS-DFM student', { datasetJobId: dsId, teacherJobId: teacher.id, ...preset.distill })
  const arm = await armP
  const student = await studentP
  const evaluate = await run('evaluate', 'evaluate', 'reproduce: teacher vs student', {
    datasetJobId: dsId,
    models: [
      { name: 'teacher', jobId: teacher.id },
      { name: 'student', jobId: student.id },
    ],
    judges: [{ kind: 'ngram', order: 3 }, { kind: 'arm', jobId: arm.id }],
    ...preset.evaluate,
    ...(args.samples ? { samples: args.samples, batchSize: args.samples } : {}),
  })
  const { report } = await http<{ report: Report }>(base, 'GET', `/v1/jobs/${evaluate.id}/report`)
  const total = (performance.now() - t0) / 1000

  const table = renderTable(report, preset.evaluate.stepBudgets)
  const pairedTable = renderPaired(report)
  const cs = checks(report)
  const checkLines = cs.map((c) => `- ${c.ok ? 'holds' : 'does NOT hold'}: ${c.what}: ${c.value}`)
  const stageLines = stages.map((s) => `${s.stage} ${f(s.seconds, 0)} s`).join(', ')
  const elbo = ['teacher', 'student'].map((k) => `${k} ${f(report.models[k].elbo, 1)}`).join(', ')
  const within = total <= preset.minutes * 60
  const section = [
    `## \`--preset ${args.preset}\` (${preset.about})`,
    '',
    `- command: \`${command}\` against \`node bin/fsdfm.js up\``,
    `- date: ${new Date().toISOString()}; commit: ${m.commit}`,
    `- machine: ${m.cpu}, nproc ${m.nproc}; load average at start ${loadStart}, at end ${loadavg().map((l) => l.toFixed(2)).join(' ')}; job device ${stages[1]?.device ?? 'n/a'}`,
    `- wall time ${f(total / 60, 1)} min (${within ? 'within' : 'OVER'} the ${preset.minutes}-minute target); job run times: ${stageLines}`,
    `- jobs: ${stages.map((s) => `${s.stage} \`${s.id}\``).join(', ')}`,
    `- sizes: teacher ${JSON.stringify(preset.teacher)}; ARM ${JSON.stringify(preset.arm)}; distill ${JSON.stringify(preset.distill)}; dataset ${JSON.stringify(preset.dataset)}`,
    `- evaluation: ${report.samples} samples of ${report.models.teacher.seqLen} tokens per budget and model, solver ${report.solver}, device ${report.device}; ` +
      `generative perplexity is the mean per-sample perplexity under each judge (± its standard error over the samples), H the mean per-sample unigram entropy (nats); ` +
      `"teacher s"/"student s" the wall time of generating the samples at that budget; ELBO perplexity bounds on validation: ${elbo}`,
    '',
    table,
    '',
    `\\* the ARM's samples scored by the ARM itself (biased low); its time is its cached generation of the same ${report.models.teacher.seqLen} tokens for the same number of samples. ` +
      `"Entropy-matched": the teacher re-sampled at the temperature T whose samples have the mean entropy of the student's at 8 steps (secant search, same seed; tries: ${Object.entries(report.models[MATCHED]?.budgets ?? {})
        .map(([b, row]) => `${b} steps ${(row.search ?? []).map(([t, h]) => `T ${f(t, 3)} -> H ${f(h, 3)}`).join(', ')}`)
        .join('; ')}).`,
    '',
    'Paired comparisons: sample i of a and of b come from the same seed; ratio of the mean perplexities with a 95% paired bootstrap interval (2,000 resamples of the sample indices), difference with a 95% paired t-interval.',
    '',
    pairedTable,
    '',
    'Targets:',
    '',
    ...checkLines,
    '',
  ].join('\n')
  console.log(`\n${section}`)
  if (args.doc) {
    writeDoc(args.doc, args.preset, section)
    console.log(`written to ${args.doc}`)
  }
}

main().catch((err) => {
  console.error(`reproduce failed: ${(err as Error).message}`)
  process.exit(1)
})
