// Secure by default: `fsdfm up` listening beyond this machine refuses to start without
// authentication, naming the setting; with FSDFM_AUTH=on it starts, prints its first admin token
// once, and answers no request without a token.
import { spawn } from 'node:child_process'
import { join } from 'node:path'
import t from 'tap'
import { freePort, spawnFsdfm } from '../faults/procs.ts'
import { isolate } from '../helpers.ts'

t.test('0.0.0.0 with authentication off: refused, naming FSDFM_AUTH', async (t) => {
  const iso = isolate(t)
  const port = await freePort()
  const up = spawnFsdfm(t, 'up', { ...iso.env, FSDFM_HOST: '0.0.0.0', FSDFM_PORT: String(port), FSDFM_AUTH: 'off' })
  const { code } = await up.exited
  t.not(code, 0, 'it exits with an error')
  t.match(up.output, /FSDFM_AUTH=on/, up.output)
  t.notMatch(up.output, /\n\s+at .+:\d+:\d+/, 'no stack trace')
  await t.rejects(fetch(`http://127.0.0.1:${port}/health`), 'nothing listens')
})

t.test('0.0.0.0 with FSDFM_AUTH=on: the first start prints an admin token; requests need one', async (t) => {
  const iso = isolate(t)
  const up = spawnFsdfm(t, 'up', { ...iso.env, FSDFM_HOST: '0.0.0.0', FSDFM_AUTH: 'on', FSDFM_GPUS: '' })
  await up.waitFor(/api: http:\/\/\S+/, 120_000)
  const base = /api: (http:\/\/\S+)/.exec(up.output)![1].replace('0.0.0.0', '127.0.0.1')
  const token = /admin token \(shown only now; keep it\): ([^\s"]+)/.exec(up.output)?.[1]
  t.ok(token, 'the token is printed')
  const anonymous = await fetch(`${base}/v1/jobs`)
  t.equal(anonymous.status, 401)
  t.equal(anonymous.headers.get('www-authenticate'), 'Bearer')
  t.equal((await fetch(`${base}/health`)).status, 200, 'health needs no token (load balancers)')
  const me = await fetch(`${base}/v1/me`, { headers: { authorization: `Bearer ${token}` } })
  t.equal(me.status, 200)
  t.match(await me.json(), { subject: 'admin', superuser: true })

  // Tokens from the command line, as the admin would make them for a team.
  t.equal((await fetch(`${base}/v1/projects/lab`, { method: 'PUT', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: '{}' })).status, 200)
  const cli = (args: string[], as = token!) => runCli(args, { FSDFM_URL: base, FSDFM_TOKEN: as, FSDFM_CONFIG: join(iso.dataDir, 'cli.json') })
  const made = await cli(['token', 'create', 'ci-bot', '--grant', 'lab:member', '--expires-in-days', '30'])
  t.equal(made.code, 0, made.stderr)
  const botToken = made.stdout.trim()
  t.match(botToken, /^fsdfm_\S+$/, 'the token alone on stdout')
  t.match(made.stderr, /ci-bot .* lab:member, expires .* shown only now/)
  t.equal((await cli(['token'], botToken)).stdout.trim(), botToken, '`fsdfm token` prints the token in use')
  const listed = await cli(['token', 'list', '--json'])
  const bot = (JSON.parse(listed.stdout) as { id: string; name: string }[]).find((x) => x.name === 'ci-bot')
  t.ok(bot, 'listed')
  t.notMatch(listed.stdout, botToken, 'never the token itself')
  t.equal((await cli(['jobs', '--json'], botToken)).code, 0, 'the new token works')
  t.equal((await cli(['token', 'list'], botToken)).code, 4, 'a member cannot list tokens (403)')
  const bad = await cli(['token', 'create', 'x', '--grant', 'lab:owner'])
  t.equal(bad.code, 2, 'a bad grant is a usage error')
  const revoked = await cli(['token', 'revoke', bot!.id])
  t.equal(revoked.code, 0, revoked.stderr)
  t.match(revoked.stdout, /revoked ci-bot/)
  up.child.kill('SIGTERM')
  await up.exited
})

function runCli(args: string[], env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, ['bin/fsdfm.js', ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] })
  const out = { stdout: '', stderr: '' }
  child.stdout.on('data', (d) => (out.stdout += d))
  child.stderr.on('data', (d) => (out.stderr += d))
  return new Promise((resolve) => child.once('close', (code) => resolve({ code, ...out })))
}
