// Several runs side by side: their curves overlaid metric by metric, and their specs diffed.
import { useEffect, useState } from 'preact/hooks'
import { unwrap, type Job } from '../../../src/client/index.ts'
import { useApp } from '../context.ts'
import { errorText, shortId } from '../format.ts'
import { go, href } from '../router.ts'
import { Chart } from '../components/chart.tsx'
import { loadMetrics, type MetricMap } from '../components/metrics.ts'

/** A spec as dotted paths and values (arrays as one value). */
export function flatten(value: unknown, prefix = '', out: Record<string, string> = {}): Record<string, string> {
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    for (const [k, v] of Object.entries(value)) flatten(v, prefix ? `${prefix}.${k}` : k, out)
  } else out[prefix] = JSON.stringify(value)
  return out
}

interface Run {
  job: Job
  metrics: MetricMap
}

export function ComparePage({ ids }: { ids: string[] }) {
  const { session } = useApp()
  const [runs, setRuns] = useState<Run[]>([])
  const [error, setError] = useState<string | null>(null)
  const [adding, setAdding] = useState('')
  const [all, setAll] = useState(false)
  const key = ids.join(',')

  useEffect(() => {
    let stale = false
    Promise.all(
      ids.map(async (id) => ({
        job: unwrap(await session.client.api.GET('/v1/jobs/{id}', { params: { path: { id } } })),
        metrics: await loadMetrics(session.client, id),
      })),
    )
      .then((r) => !stale && (setRuns(r), setError(null)))
      .catch((err) => !stale && setError(errorText(err)))
    return () => {
      stale = true
    }
  }, [key])

  const setIds = (next: string[]) => go(`#/compare?ids=${next.join(',')}`)
  const names = [...new Set(runs.flatMap((r) => [...r.metrics.keys()]))].sort()
  const flat = runs.map((r) => flatten({ kind: r.job.kind, ...r.job.spec }))
  const paths = [...new Set(flat.flatMap((f) => Object.keys(f)))].sort()
  const differs = (p: string) => new Set(flat.map((f) => f[p] ?? '∅')).size > 1
  const shownPaths = all ? paths : paths.filter(differs)
  const label = (j: Job) => `${shortId(j.id)}${j.name ? ` ${j.name}` : ''}`

  return (
    <section aria-labelledby="cmp-h">
      <h1 id="cmp-h">Compare runs</h1>
      <form
        class="row"
        onSubmit={(e) => {
          e.preventDefault()
          const id = adding.trim()
          if (id && !ids.includes(id)) setIds([...ids, id])
          setAdding('')
        }}
      >
        <label>
          Add a job by id <input name="job" value={adding} onInput={(e) => setAdding(e.currentTarget.value)} size={38} />
        </label>
        <button type="submit">Add</button>
        <span class="muted">or select jobs in the jobs table.</span>
      </form>
      {error && (
        <p role="alert" class="error">
          {error}
        </p>
      )}
      <ul class="chips" aria-label="Runs compared">
        {runs.map((r) => (
          <li>
            <a href={href('jobs', r.job.id)}>{label(r.job)}</a> ({r.job.kind}, {r.job.state}){' '}
            <button type="button" class="small" aria-label={`Remove ${label(r.job)}`} onClick={() => setIds(ids.filter((i) => i !== r.job.id))}>
              ×
            </button>
          </li>
        ))}
      </ul>
      <h2>Curves</h2>
      {!names.length && <p class="muted">None of these runs logged metrics.</p>}
      <div class="charts">
        {names.map((name) => (
          <Chart
            key={`${key}:${name}`}
            id={`compare:${name}`}
            title={name}
            version={runs.length}
            series={runs.filter((r) => r.metrics.has(name)).map((r) => ({ label: label(r.job), ...r.metrics.get(name)! }))}
          />
        ))}
      </div>
      <h2>Spec</h2>
      <label>
        <input type="checkbox" checked={all} onChange={(e) => setAll(e.currentTarget.checked)} /> show fields that are the same too
      </label>
      <table class="diff">
        <thead>
          <tr>
            <th scope="col">field</th>
            {runs.map((r) => (
              <th scope="col">{label(r.job)}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          {shownPaths.map((p) => (
            <tr class={differs(p) ? 'differs' : undefined}>
              <th scope="row">
                <code>{p}</code>
              </th>
              {flat.map((f) => (
                <td>
                  <code>{f[p] ?? '—'}</code>
                </td>
              ))}
            </tr>
          ))}
          {!shownPaths.length && (
            <tr>
              <td colSpan={runs.length + 1} class="muted">
                {runs.length < 2 ? 'Pick two runs or more.' : 'The specs are the same.'}
              </td>
            </tr>
          )}
        </tbody>
      </table>
    </section>
  )
}
