// The server the command line talks to (login), its tokens (create, list, revoke) and what runs
// there (workers).
import { homedir } from 'node:os'
import { sep } from 'node:path'
import { InvalidArgumentError, type Command } from 'commander'
import { FsdfmClient, unwrap } from '../../client/index.ts'
import { configPath, readSaved, resolveTarget, writeSaved } from './config.ts'
import { clientFor, offered, remote, type RemoteFlags, type Action } from './context.ts'
import { CliError, duration, EXIT, printJson, table } from './output.ts'

/** A path under the home directory written the way people write it. */
const tilde = (path: string) => (path.startsWith(homedir() + sep) ? `~${path.slice(homedir().length)}` : path)
const positiveNumber = (flag: string) => (text: string) => {
  const n = Number(text)
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError(`${flag} must be a positive number`)
  return n
}
const example = (...lines: string[]) => `\nExamples:\n${lines.map((l) => `  $ ${l}`).join('\n')}\n`

async function login(url: string | undefined, options: RemoteFlags): Promise<number> {
  const target = resolveTarget({ url: url ?? options.url, token: options.token })
  const client = new FsdfmClient({ url: target.url, token: target.token })
  // Only a server that answers is saved, so a typo does not become the default.
  const health = unwrap(await client.api.GET('/health'))
  const saved = { ...readSaved(), url: client.url, ...(options.token !== undefined ? { token: options.token } : {}) }
  writeSaved(saved)
  const report = { url: saved.url, version: health.version, store: health.store, token: saved.token ? 'saved' : 'none', config: configPath() }
  if (options.json) printJson(report)
  else console.log(`fsdfm ${health.version} at ${saved.url} (store: ${health.store}); saved to ${tilde(report.config)}${saved.token ? ' with a token' : ''}`)
  return EXIT.ok
}

async function token(options: RemoteFlags): Promise<number> {
  const target = resolveTarget(options)
  if (!target.token) throw new CliError('no token is set: pass one with `fsdfm login --token TOKEN` or $FSDFM_TOKEN (a server with FSDFM_AUTH=off needs none)', EXIT.failed)
  if (options.json) printJson({ token: target.token, url: target.url })
  else console.log(target.token)
  return EXIT.ok
}

const ROLES = ['viewer', 'member', 'admin'] as const
type Role = (typeof ROLES)[number]

/** `project:role` as a grant. */
function parseGrant(text: string, previous: { project: string; role: Role }[] = []): { project: string; role: Role }[] {
  const m = /^([a-z0-9][a-z0-9_-]{0,62}):(viewer|member|admin)$/.exec(text)
  if (!m) throw new InvalidArgumentError(`expected project:role with role one of ${ROLES.join(', ')}, e.g. vision:member`)
  return [...previous, { project: m[1], role: m[2] as Role }]
}

interface CreateFlags extends RemoteFlags {
  grant?: { project: string; role: Role }[]
  superuser?: boolean
  subject?: string
  expiresInDays?: number
}

async function createToken(name: string, options: CreateFlags): Promise<number> {
  const { client, target } = clientFor(options)
  const body = { name, grants: options.grant ?? [], superuser: options.superuser ?? false, ...(options.subject ? { subject: options.subject } : {}), ...(options.expiresInDays ? { expiresInDays: options.expiresInDays } : {}) }
  const made = await offered('tokens', target.url, async () => unwrap(await client.api.POST('/v1/tokens', { body })))
  if (options.json) printJson(made)
  else {
    // The token on stdout alone (for `$(...)`); what it is on stderr.
    console.error(`token ${made.record.name} (${made.record.id}) for ${made.record.subject}: ${grantsText(made.record)}${made.record.expiresAt ? `, expires ${made.record.expiresAt}` : ''}. It is shown only now.`)
    console.log(made.token)
  }
  return EXIT.ok
}

const grantsText = (t: { superuser: boolean; grants: { project: string; role: string }[] }) =>
  [t.superuser ? 'superuser' : '', ...t.grants.map((g) => `${g.project}:${g.role}`)].filter(Boolean).join(' ') || 'no grants'

async function listTokens(options: RemoteFlags): Promise<number> {
  const { client, target } = clientFor(options)
  const { items } = await offered('tokens', target.url, async () => unwrap(await client.api.GET('/v1/tokens')))
  if (options.json) printJson(items)
  else {
    const when = (iso: string | null) => (iso ? iso.slice(0, 16).replace('T', ' ') : '-')
    const state = (t: (typeof items)[number]) => (t.revokedAt ? 'revoked' : t.expiresAt && Date.parse(t.expiresAt) < Date.now() ? 'expired' : 'live')
    console.log(items.length ? table(['ID', 'NAME', 'PREFIX', 'SUBJECT', 'GRANTS', 'STATE', 'EXPIRES', 'LAST USED'], items.map((t) => [t.id, t.name, t.prefix, t.subject, grantsText(t), state(t), when(t.expiresAt), when(t.lastUsedAt)])) : 'no tokens you manage')
  }
  return EXIT.ok
}

async function revokeToken(id: string, options: RemoteFlags): Promise<number> {
  const { client, target } = clientFor(options)
  const revoked = await offered('tokens', target.url, async () => unwrap(await client.api.DELETE('/v1/tokens/{id}', { params: { path: { id } } })))
  if (options.json) printJson(revoked)
  else console.log(`revoked ${revoked.name} (${revoked.id}); it stops working within a few seconds`)
  return EXIT.ok
}

async function workers(options: RemoteFlags): Promise<number> {
  const { client, target } = clientFor(options)
  const { items } = await offered('a workers listing', target.url, async () => unwrap(await client.api.GET('/v1/workers')))
  if (options.json) printJson(items)
  else {
    const gib = (b: number | null) => (b === null ? '-' : `${(b / 2 ** 30).toFixed(1)} GiB`)
    const seen = (iso: string) => `${duration((Date.now() - Date.parse(iso)) / 1000)} ago`
    // Each GPU as used/total memory and utilisation, as the worker's latest heartbeat sampled it.
    const gpu = (d: (typeof items)[number]['devices'][number]) =>
      `${d.index}: ${d.memoryUsedBytes === null ? '?' : (d.memoryUsedBytes / 2 ** 30).toFixed(1)}/${gib(d.memoryTotalBytes)}${d.utilizationPercent === null ? '' : ` ${d.utilizationPercent}%`}`
    const devices = (w: (typeof items)[number]) => (w.gpus > 0 ? w.devices.filter((d) => d.kind === 'cuda').map(gpu).join(', ') || `${w.gpus} GPU(s)` : `cpu, ${gib(w.memoryBytes)}`)
    const jobs = (w: (typeof items)[number]) => w.jobs.map((j) => `${j.id.slice(0, 8)} ${j.kind}#${j.attempt}`).join(', ') || '-'
    const rows = items.map((w) => [w.name, w.status, w.queues.join(','), jobs(w), devices(w), `torch ${w.versions.torch ?? '?'}${w.versions.cuda ? ` cuda ${w.versions.cuda}` : ''}`, w.host, seen(w.heartbeatAt)])
    console.log(items.length ? table(['NAME', 'STATUS', 'QUEUES', 'JOBS', 'DEVICES', 'VERSIONS', 'HOST', 'LAST SEEN'], rows) : 'no workers have registered')
  }
  return EXIT.ok
}

export function registerAccountCommands(program: Command, action: Action): void {
  remote(
    program
      .command('login')
      .summary('save the server URL (and a token) for later commands')
      .description(`Check that a server answers and save its URL, and a token when given, in the per-user config file (${configPath()}; $FSDFM_CONFIG overrides). Later commands use them unless --url/--token or $FSDFM_URL/$FSDFM_TOKEN say otherwise.`)
      .argument('[url]', 'server URL (default: --url, $FSDFM_URL or http://127.0.0.1:8080)'),
  )
    .addHelpText('after', example('fsdfm login http://gpu-box:8080', 'fsdfm login https://fsdfm.lab.example --token "$TOKEN"'))
    .action(action(login))
  const tokens = program
    .command('token')
    .summary('the token in use; create, list and revoke tokens')
    .description('Tokens of a server with FSDFM_AUTH=on. Without a subcommand: print the token later commands send (Authorization: Bearer), e.g. for curl.')
    .addHelpText('after', example('curl -H "Authorization: Bearer $(fsdfm token)" http://127.0.0.1:8080/v1/jobs', 'fsdfm token create ci-bot --grant vision:member --expires-in-days 90'))
  remote(tokens.command('show', { isDefault: true }).description('Print the token in use')).action(action(token))
  remote(
    tokens
      .command('create')
      .description('Create a token (a project admin, for its projects; a superuser, for any). The token is printed once; the server keeps only its hash.')
      .argument('<name>', 'what the token is for, e.g. ci-bot')
      .option('--grant <project:role>', 'a role in a project (viewer, member or admin); repeat for more', parseGrant)
      .option('--subject <who>', 'who acts with it, recorded on what it does (default: the name)')
      .option('--expires-in-days <n>', 'it stops working after this many days', positiveNumber('--expires-in-days'))
      .option('--superuser', 'an admin of every project (superusers only)'),
  )
    .addHelpText('after', example('fsdfm token create ci-bot --grant vision:member --expires-in-days 90', 'export FSDFM_TOKEN=$(fsdfm token create alice --grant vision:admin --grant nlp:viewer)'))
    .action(action(createToken))
  remote(tokens.command('list').description('List the tokens you manage: name, prefix, grants, state, last use (never the tokens)'))
    .addHelpText('after', example('fsdfm token list', 'fsdfm token list --json'))
    .action(action(listTokens))
  remote(tokens.command('revoke').description('Revoke a token').argument('<id>', 'token id (from `fsdfm token list`)'))
    .addHelpText('after', example('fsdfm token revoke 0b7e5c1a-…'))
    .action(action(revokeToken))
  remote(program.command('workers').summary('list the workers the server knows').description('Workers registered with the server: queues they serve, GPUs, device memory, and whether they are live.'))
    .addHelpText('after', example('fsdfm workers', 'fsdfm workers --json'))
    .action(action(workers))
}
