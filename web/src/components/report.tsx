// An evaluate job's report (src/schemas/results.ts, EvaluateReport) as charts: judged
// perplexity against steps for each model with standard-error bars, quality against wall time
// (the speed/quality frontier), entropy against steps with the validation text as a reference
// line; the numbers in a table below.
import { useState } from 'preact/hooks'
import type { EvaluateReport } from '../../../src/client/index.ts'
import { num } from '../format.ts'
import { Plot, type PlotSeries } from './plot.tsx'

interface Budget {
  genPpl?: Record<string, number>
  genPplStdErr?: Record<string, number>
  entropy?: number
  wallSeconds?: number
  tokensPerSecond?: number
}

interface Row {
  model: string
  steps: number
  b: Budget
}

export function rows(report: EvaluateReport): Row[] {
  const out: Row[] = []
  for (const [model, m] of Object.entries(report.models ?? {}))
    for (const [steps, b] of Object.entries((m.budgets ?? {}) as Record<string, Budget>)) out.push({ model, steps: Number(steps), b })
  return out.sort((a, b) => a.model.localeCompare(b.model) || a.steps - b.steps)
}

export function judgesOf(report: EvaluateReport): string[] {
  const seen = new Set(report.judges ?? [])
  for (const r of rows(report)) for (const j of Object.keys(r.b.genPpl ?? {})) seen.add(j)
  return [...seen]
}

function byModel(list: Row[], point: (r: Row) => { x: number; y: number | undefined; err?: number } | null): PlotSeries[] {
  const models = [...new Set(list.map((r) => r.model))]
  return models.map((model) => ({
    label: model,
    line: true,
    points: list
      .filter((r) => r.model === model)
      .map((r) => ({ r, p: point(r) }))
      .filter((o): o is { r: Row; p: { x: number; y: number; err?: number } } => o.p !== null && typeof o.p.y === 'number')
      .map(({ r, p }) => ({ ...p, label: `${model} @ ${r.steps} steps: ${num(p.y)}${p.err ? ` ± ${num(p.err)}` : ''}` })),
  }))
}

export function Report({ report }: { report: EvaluateReport }) {
  const judges = judgesOf(report)
  const [judge, setJudge] = useState(judges[0] ?? '')
  const list = rows(report)
  const validation = (report.reference as { validation?: { entropy?: number; genPpl?: Record<string, number> } } | undefined)?.validation
  const ppl = byModel(list, (r) => ({ x: r.steps, y: r.b.genPpl?.[judge], err: r.b.genPplStdErr?.[judge] }))
  const frontier = byModel(list, (r) => (typeof r.b.wallSeconds === 'number' ? { x: r.b.wallSeconds, y: r.b.genPpl?.[judge] } : null))
  const entropy = byModel(list, (r) => ({ x: r.steps, y: r.b.entropy }))
  const validPpl = validation?.genPpl?.[judge]
  return (
    <section aria-labelledby="report-h" class="report">
      <h2 id="report-h">Evaluation report</h2>
      {judges.length > 1 && (
        <label>
          Judge{' '}
          <select value={judge} onChange={(e) => setJudge(e.currentTarget.value)}>
            {judges.map((j) => (
              <option value={j}>{j}</option>
            ))}
          </select>
        </label>
      )}
      <div class="plots">
        <Plot
          id="report-ppl"
          title={`Generative perplexity (${judge}) by sampling steps, ± standard error`}
          xLabel="steps"
          yLabel="perplexity"
          xLog
          yLog
          series={ppl}
          refs={typeof validPpl === 'number' ? [{ y: validPpl, label: 'validation text' }] : []}
        />
        <Plot id="report-frontier" title={`Quality against wall time (${judge}): lower left is better`} xLabel="wall seconds" yLabel="perplexity" xLog yLog series={frontier} />
        <Plot
          id="report-entropy"
          title="Unigram entropy of the samples by steps"
          xLabel="steps"
          yLabel="entropy (nats)"
          xLog
          series={entropy}
          refs={typeof validation?.entropy === 'number' ? [{ y: validation.entropy, label: 'validation text' }] : []}
        />
      </div>
      <table class="report-table">
        <caption>Every model at every step budget</caption>
        <thead>
          <tr>
            <th scope="col">model</th>
            <th scope="col">steps</th>
            {judges.map((j) => (
              <th scope="col">perplexity ({j})</th>
            ))}
            <th scope="col">entropy</th>
            <th scope="col">wall s</th>
            <th scope="col">tokens/s</th>
          </tr>
        </thead>
        <tbody>
          {list.map((r) => (
            <tr>
              <th scope="row">{r.model}</th>
              <td>{r.steps}</td>
              {judges.map((j) => (
                <td>
                  {num(r.b.genPpl?.[j])}
                  {typeof r.b.genPplStdErr?.[j] === 'number' ? ` ± ${num(r.b.genPplStdErr[j], 2)}` : ''}
                </td>
              ))}
              <td>{num(r.b.entropy)}</td>
              <td>{num(r.b.wallSeconds, 3)}</td>
              <td>{num(r.b.tokensPerSecond, 3)}</td>
            </tr>
          ))}
          {validation && (
            <tr class="ref-row">
              <th scope="row">validation text</th>
              <td>–</td>
              {judges.map((j) => (
                <td>{num(validation.genPpl?.[j])}</td>
              ))}
              <td>{num(validation.entropy)}</td>
              <td>–</td>
              <td>–</td>
            </tr>
          )}
        </tbody>
      </table>
      {(report.paired ?? []).length > 0 && (
        <table class="report-table">
          <caption>Paired comparisons (same seeds; 95% intervals)</caption>
          <thead>
            <tr>
              <th scope="col">a</th>
              <th scope="col">b</th>
              <th scope="col">judge</th>
              <th scope="col">ratio a/b</th>
              <th scope="col">95% interval</th>
              <th scope="col">excludes 1</th>
            </tr>
          </thead>
          <tbody>
            {(report.paired ?? []).map((p) => (
              <tr>
                <td>{p.a}</td>
                <td>{p.b}</td>
                <td>{p.judge ?? ''}</td>
                <td>{p.error ?? num(p.ratio, 3)}</td>
                <td>{p.ratioCi95 ? `${num(p.ratioCi95[0], 3)} – ${num(p.ratioCi95[1], 3)}` : '–'}</td>
                <td>{p.ratioExcludesOne === undefined ? '–' : p.ratioExcludesOne ? 'yes' : 'no'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  )
}
