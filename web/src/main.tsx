// The dashboard: sign in (when the api has authentication on), then the pages, routed by the
// URL's fragment. Each page fetches what it shows from /v1 and follows changes over the event
// streams.
import 'uplot/dist/uPlot.min.css'
import './style.css'
import { render } from 'preact'
import { useEffect, useMemo, useState } from 'preact/hooks'
import { Ctx } from './context.ts'
import { LiveEvents } from './live.ts'
import { href, useRoute } from './router.ts'
import { restoreSession, signIn, signOut, type Session } from './session.ts'
import { errorText } from './format.ts'
import { JobsPage } from './pages/jobs.tsx'
import { JobPage } from './pages/job.tsx'
import { ComparePage } from './pages/compare.tsx'
import { ReplayPage } from './pages/replay.tsx'
import { SweepsPage, SweepPage } from './pages/sweeps.tsx'
import { OpsPage } from './pages/ops.tsx'

function SignIn({ onSession }: { onSession: (s: Session) => void }) {
  const [token, setToken] = useState('')
  const [error, setError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)
  const submit = async (e: Event) => {
    e.preventDefault()
    setBusy(true)
    setError(null)
    try {
      onSession(await signIn(token))
    } catch (err) {
      setError(errorText(err))
    } finally {
      setBusy(false)
    }
  }
  return (
    <main class="signin">
      <h1>fsdfm</h1>
      <form onSubmit={submit} aria-describedby="signin-help">
        <label for="token">Token</label>
        <input id="token" name="token" type="password" autocomplete="current-password" value={token} onInput={(e) => setToken(e.currentTarget.value)} required autofocus />
        <button type="submit" disabled={busy || !token.trim()}>
          Sign in
        </button>
        <p id="signin-help" class="muted">
          A token from <code>fsdfm tokens create</code> (or the one the api printed at its first start). It stays in this browser until you sign out.
        </p>
        {error && (
          <p role="alert" class="error">
            {error}
          </p>
        )}
      </form>
    </main>
  )
}

const NAV: [string, string][] = [
  ['jobs', 'Jobs'],
  ['compare', 'Compare'],
  ['sweeps', 'Sweeps'],
  ['replay', 'Replay'],
  ['ops', 'Operations'],
]

function Shell({ session, onSignOut }: { session: Session; onSignOut: () => void }) {
  const live = useMemo(() => new LiveEvents(session.client), [session])
  useEffect(() => () => live.close(), [live])
  const [connected, setConnected] = useState(live.connected)
  useEffect(() => live.onStatus(setConnected), [live])
  const route = useRoute()
  const [page = 'jobs', id] = route.parts
  const nav = NAV.filter(([p]) => p !== 'ops' || session.me.superuser)
  let body
  if (page === 'jobs' && id) body = <JobPage key={`${id}?${route.query.get('points')}`} id={id} allPoints={route.query.get('points') === 'all'} />
  else if (page === 'compare') body = <ComparePage ids={(route.query.get('ids') ?? '').split(',').filter(Boolean)} />
  else if (page === 'sweeps' && id) body = <SweepPage key={id} id={id} />
  else if (page === 'sweeps') body = <SweepsPage />
  else if (page === 'replay') body = <ReplayPage ids={(route.query.get('ids') ?? '').split(',').filter(Boolean)} />
  else if (page === 'ops' && session.me.superuser) body = <OpsPage />
  else body = <JobsPage />
  return (
    <Ctx.Provider value={{ session, live }}>
      <a class="skip" href="#main" onClick={(e) => (e.preventDefault(), document.getElementById('main')?.focus())}>
        Skip to content
      </a>
      <header class="top">
        <strong class="brand">fsdfm</strong>
        <nav aria-label="Pages">
          {nav.map(([p, label]) => (
            <a href={href(p)} aria-current={page === p ? 'page' : undefined}>
              {label}
            </a>
          ))}
        </nav>
        <span class={`live ${connected ? 'on' : 'off'}`} role="status" title="The event stream from the api">
          {connected ? 'live' : 'reconnecting…'}
        </span>
        <span class="who">
          {session.me.subject}
          {session.me.superuser ? ' (superuser)' : ''}
        </span>
        <a href="docs" class="muted">
          API docs
        </a>
        {session.authOn && (
          <button type="button" class="link" onClick={onSignOut}>
            Sign out
          </button>
        )}
      </header>
      <main id="main" tabIndex={-1}>
        {body}
      </main>
    </Ctx.Provider>
  )
}

function App() {
  const [session, setSession] = useState<Session | null | undefined>(undefined)
  useEffect(() => {
    void restoreSession().then(setSession)
  }, [])
  if (session === undefined) return <p class="loading">Loading…</p>
  if (session === null) return <SignIn onSession={setSession} />
  return (
    <Shell
      session={session}
      onSignOut={() => {
        signOut()
        setSession(null)
      }}
    />
  )
}

render(<App />, document.getElementById('app')!)
