// The jobs table: the api's listing once, then every change pushed over /v1/events (a state
// change refetches that one job; progress updates in place). Filters by project, kind, state
// and tag go to the api; the text filter searches what is on the page. A form submits a job.
import { useEffect, useMemo, useState } from 'preact/hooks'
import { unwrap, type Job, type JobCreate } from '../../../src/client/index.ts'
import { useApp } from '../context.ts'
import { ago, errorText, shortId } from '../format.ts'
import { go, href } from '../router.ts'
import { ProgressBar, StateBadge } from '../components/state.tsx'

const KINDS = ['dataset', 'pretrain', 'distill', 'evaluate', 'sample'] as const
const STATES = ['queued', 'running', 'succeeded', 'failed', 'cancelling', 'cancelled'] as const

interface Filters {
  project: string
  kind: string
  state: string
  tag: string
  text: string
}

const matches = (job: Job, f: Filters): boolean =>
  (!f.project || job.project === f.project) && (!f.kind || job.kind === f.kind) && (!f.state || job.state === f.state) && (!f.tag || job.tags.includes(f.tag))

const textMatch = (job: Job, text: string): boolean => {
  if (!text) return true
  const t = text.toLowerCase()
  return [job.id, job.name ?? '', job.kind, job.project, job.createdBy ?? '', ...job.tags].some((s) => s.toLowerCase().includes(t))
}

/** Example specs for the submit form: the cheapest job of each kind. */
const EXAMPLES: Record<string, object> = {
  sample: { model: { preset: 'tiny' }, steps: 8, count: 2, seqLen: 32 },
  dataset: { source: 'brown', maxDocuments: 40, compactVocab: 256 },
  pretrain: { datasetJobId: '<dataset job id>', model: { preset: 'tiny' }, steps: 100, batchSize: 8, seqLen: 32, logEvery: 5 },
  distill: { teacherJobId: '<pretrain job id>', steps: 20, batchSize: 8, seqLen: 32 },
  evaluate: { datasetJobId: '<dataset job id>', models: [{ name: 'teacher', jobId: '<pretrain job id>' }], stepBudgets: [2, 8], samples: 4 },
}

function SubmitForm({ projects, onDone }: { projects: string[]; onDone: () => void }) {
  const { session } = useApp()
  const [kind, setKind] = useState<string>('sample')
  const [project, setProject] = useState(projects[0] ?? '')
  const [name, setName] = useState('')
  const [spec, setSpec] = useState(JSON.stringify(EXAMPLES.sample, null, 2))
  const [error, setError] = useState<string | null>(null)
  const submit = async (e: Event) => {
    e.preventDefault()
    setError(null)
    let parsed: Record<string, unknown>
    try {
      parsed = JSON.parse(spec)
    } catch (err) {
      return setError(`The spec is not JSON: ${(err as Error).message}`)
    }
    try {
      const body = { kind, spec: parsed, ...(project ? { project } : {}), ...(name ? { name } : {}) } as JobCreate
      const job = await session.client.submit(body)
      onDone()
      go(href('jobs', job.id))
    } catch (err) {
      setError(errorText(err))
    }
  }
  return (
    <form class="panel submit" onSubmit={submit} aria-label="Submit a job">
      <div class="row">
        <label>
          Kind{' '}
          <select
            name="kind"
            value={kind}
            onChange={(e) => {
              setKind(e.currentTarget.value)
              setSpec(JSON.stringify(EXAMPLES[e.currentTarget.value], null, 2))
            }}
          >
            {KINDS.map((k) => (
              <option value={k}>{k}</option>
            ))}
          </select>
        </label>
        <label>
          Project{' '}
          <input name="project" list="project-list" value={project} onInput={(e) => setProject(e.currentTarget.value)} placeholder="default" />
        </label>
        <label>
          Name <input name="name" value={name} onInput={(e) => setName(e.currentTarget.value)} />
        </label>
      </div>
      <label class="block">
        Spec (JSON; every field is in the API docs)
        <textarea name="spec" rows={8} spellcheck={false} value={spec} onInput={(e) => setSpec(e.currentTarget.value)} />
      </label>
      <div class="row">
        <button type="submit">Submit</button>
        {error && (
          <p role="alert" class="error">
            {error}
          </p>
        )}
      </div>
    </form>
  )
}

export function JobsPage() {
  const { session, live } = useApp()
  const me = session.me
  const [filters, setFilters] = useState<Filters>({ project: '', kind: '', state: '', tag: '', text: '' })
  const [jobs, setJobs] = useState<Job[] | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [showSubmit, setShowSubmit] = useState(false)
  const [selected, setSelected] = useState<Set<string>>(new Set())
  const [reload, setReload] = useState(0)
  const { project, kind, state, tag } = filters

  useEffect(() => {
    let stale = false
    const query = { limit: 200, ...(project && { project }), ...(kind && { kind: kind as Job['kind'] }), ...(state && { state: state as Job['state'] }), ...(tag && { tag }) }
    session.client.api
      .GET('/v1/jobs', { params: { query } })
      .then((r) => !stale && (setJobs(unwrap(r).items), setError(null)))
      .catch((err) => !stale && setError(errorText(err)))
    return () => {
      stale = true
    }
  }, [project, kind, state, tag, reload])

  // Changes pushed by the api: progress in place; a state change (or a job not listed yet) refetches that job.
  useEffect(() => {
    const refetch = async (id: string) => {
      const r = await session.client.api.GET('/v1/jobs/{id}', { params: { path: { id } } })
      if (!r.data) return
      const job = r.data
      setJobs((list) => {
        if (!list) return list
        const rest = list.filter((j) => j.id !== job.id)
        if (!matches(job, filters)) return rest
        const at = list.findIndex((j) => j.id === job.id)
        if (at < 0) return [job, ...list]
        const copy = list.slice()
        copy[at] = job
        return copy
      })
    }
    const offEvents = live.subscribe((e) => {
      if (e.type === 'state') void refetch(e.data.jobId)
      else if (e.type === 'progress') {
        const { jobId, at: _at, ...progress } = e.data
        setJobs((list) => list?.map((j) => (j.id === jobId ? { ...j, progress: { ...j.progress, ...progress } } : j)) ?? list)
      }
    })
    // Back after a disconnection: what changed meanwhile comes with the listing.
    const offStatus = live.onStatus((up) => up && setReload((n) => n + 1))
    return () => (offEvents(), offStatus())
  }, [project, kind, state, tag])

  const projects = useMemo(() => [...new Set([...Object.keys(me.roles), ...(jobs ?? []).map((j) => j.project)])].sort(), [jobs])
  const tags = useMemo(() => [...new Set((jobs ?? []).flatMap((j) => j.tags))].sort(), [jobs])
  const shown = (jobs ?? []).filter((j) => textMatch(j, filters.text))
  const set = (k: keyof Filters) => (e: Event) => setFilters({ ...filters, [k]: (e.currentTarget as HTMLInputElement).value })
  const mayMember = me.superuser || Object.values(me.roles).some((r) => r !== 'viewer')
  const toggle = (id: string) => {
    const next = new Set(selected)
    if (next.has(id)) next.delete(id)
    else next.add(id)
    setSelected(next)
  }

  return (
    <section aria-labelledby="jobs-h">
      <div class="heading">
        <h1 id="jobs-h">Jobs</h1>
        {mayMember && (
          <button type="button" onClick={() => setShowSubmit(!showSubmit)} aria-expanded={showSubmit}>
            {showSubmit ? 'Close' : 'New job'}
          </button>
        )}
        <button type="button" disabled={selected.size < 1} onClick={() => go(`#/compare?ids=${[...selected].join(',')}`)}>
          Compare selected ({selected.size})
        </button>
        <button type="button" disabled={selected.size < 1} onClick={() => go(`#/replay?ids=${[...selected].slice(0, 2).join(',')}`)} title="Denoising replay of one or two sample jobs">
          Replay selected
        </button>
      </div>
      {showSubmit && <SubmitForm projects={projects} onDone={() => setShowSubmit(false)} />}
      <datalist id="project-list">
        {projects.map((p) => (
          <option value={p} />
        ))}
      </datalist>
      <form class="filters row" role="search" aria-label="Filter jobs" onSubmit={(e) => e.preventDefault()}>
        <label>
          Project{' '}
          <select name="project" value={filters.project} onChange={set('project')}>
            <option value="">all</option>
            {projects.map((p) => (
              <option value={p}>{p}</option>
            ))}
          </select>
        </label>
        <label>
          Kind{' '}
          <select name="kind" value={filters.kind} onChange={set('kind')}>
            <option value="">all</option>
            {KINDS.map((k) => (
              <option value={k}>{k}</option>
            ))}
          </select>
        </label>
        <label>
          State{' '}
          <select name="state" value={filters.state} onChange={set('state')}>
            <option value="">all</option>
            {STATES.map((s) => (
              <option value={s}>{s}</option>
            ))}
          </select>
        </label>
        <label>
          Tag{' '}
          <input name="tag" list="tag-list" value={filters.tag} onChange={set('tag')} size={10} />
          <datalist id="tag-list">
            {tags.map((t) => (
              <option value={t} />
            ))}
          </datalist>
        </label>
        <label>
          Search <input name="text" type="search" value={filters.text} onInput={set('text')} placeholder="name, id, tag, owner" />
        </label>
      </form>
      {error && (
        <p role="alert" class="error">
          {error}
        </p>
      )}
      {jobs === null && !error ? (
        <p class="loading">Loading…</p>
      ) : (
        <table class="jobs">
          <caption class="sr-only">Jobs, newest first; state and progress update live</caption>
          <thead>
            <tr>
              <th scope="col">
                <span class="sr-only">Select</span>
              </th>
              <th scope="col">Job</th>
              <th scope="col">Kind</th>
              <th scope="col">State</th>
              <th scope="col">Progress</th>
              <th scope="col">Project</th>
              <th scope="col">Tags</th>
              <th scope="col">Created</th>
            </tr>
          </thead>
          <tbody>
            {shown.map((j) => (
              <tr key={j.id} data-job={j.id} data-state={j.state}>
                <td>
                  <input type="checkbox" checked={selected.has(j.id)} onChange={() => toggle(j.id)} aria-label={`Select job ${shortId(j.id)}`} />
                </td>
                <td>
                  <a href={href('jobs', j.id)}>
                    <code>{shortId(j.id)}</code> {j.name ?? ''}
                  </a>
                </td>
                <td>{j.kind}</td>
                <td>
                  <StateBadge state={j.state} />
                  {j.unschedulable ? <span class="muted" title={j.unschedulable}> (unschedulable)</span> : null}
                </td>
                <td>
                  <ProgressBar job={j} />
                </td>
                <td>{j.project}</td>
                <td>{j.tags.join(', ')}</td>
                <td title={j.createdAt}>{ago(j.createdAt)}</td>
              </tr>
            ))}
            {!shown.length && (
              <tr>
                <td colSpan={8} class="muted">
                  No jobs match.
                </td>
              </tr>
            )}
          </tbody>
        </table>
      )}
    </section>
  )
}

