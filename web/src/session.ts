// Who is signed in, and the client every page calls the api with. The dashboard is a client
// like any other: the generated TypeScript client (src/client), the caller's token in the
// Authorization header, the api deciding what it may see and do. The buttons a role cannot use
// are hidden here only to keep the pages honest; the api refuses them anyway.
import { FsdfmClient, unwrap } from '../../src/client/index.ts'
import type { paths } from '../../src/client/index.ts'

export type Me = paths['/v1/me']['get']['responses'][200]['content']['application/json']
export type Role = Me['roles'][string]

export interface Session {
  client: FsdfmClient
  me: Me
  /** False when the api runs with FSDFM_AUTH=off (every caller is the local operator). */
  authOn: boolean
}

const TOKEN_KEY = 'fsdfm.token'
/** The api's address: the directory this page was served from (the api serves it at `/`). */
export const apiBase = (): string => new URL('.', location.href).href.replace(/\/+$/, '')

async function sessionWith(token: string | undefined): Promise<Session> {
  const client = new FsdfmClient({ url: apiBase(), token })
  const me = unwrap(await client.api.GET('/v1/me'))
  return { client, me, authOn: token !== undefined }
}

/** The session at page load: none needed (auth off), the saved token's, or null (sign in). */
export async function restoreSession(): Promise<Session | null> {
  try {
    return await sessionWith(undefined)
  } catch {
    // 401: authentication is on.
  }
  const saved = localStorage.getItem(TOKEN_KEY)
  if (!saved) return null
  try {
    return await sessionWith(saved)
  } catch {
    localStorage.removeItem(TOKEN_KEY)
    return null
  }
}

export async function signIn(token: string): Promise<Session> {
  const session = await sessionWith(token.trim())
  localStorage.setItem(TOKEN_KEY, token.trim())
  return session
}

export function signOut(): void {
  localStorage.removeItem(TOKEN_KEY)
}

const RANK: Record<Role, number> = { viewer: 0, member: 1, admin: 2 }

/** Whether the signed-in caller has `need` in `project` (a superuser has admin everywhere). */
export function can(me: Me, project: string, need: Role): boolean {
  if (me.superuser) return true
  const role = me.roles[project]
  return role !== undefined && RANK[role] >= RANK[need]
}
