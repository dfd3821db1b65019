// Who is asking, and what they may do. A principal comes from a bearer token (or, with
// authentication off, is the local operator). Roles are per project and ordered: a viewer
// reads, a member also submits and cancels, an admin also manages the project's tokens and
// quotas; a superuser is an admin everywhere and manages projects.
import { ROLES, type Grant, type Role, type TokenRecord } from '../store/tokens.ts'

export interface Principal {
  subject: string
  superuser: boolean
  roles: ReadonlyMap<string, Role>
  /** The token it came from (null: authentication is off). */
  tokenId: string | null
  /** Set for a short-lived token minted for browser event streams: it may only read streams. */
  streamOnly?: boolean
}

const rank = (role: Role): number => ROLES.indexOf(role)

export function principalOf(token: TokenRecord): Principal {
  const roles = new Map<string, Role>()
  for (const g of token.grants) {
    const had = roles.get(g.project)
    if (!had || rank(g.role) > rank(had)) roles.set(g.project, g.role)
  }
  return { subject: token.subject, superuser: token.superuser, roles, tokenId: token.id, streamOnly: token.streamOnly }
}

/** Authentication off (a laptop on 127.0.0.1): the operator may do anything. */
export const LOCAL_OPERATOR: Principal = { subject: 'local', superuser: true, roles: new Map(), tokenId: null }

export function roleIn(p: Principal, project: string): Role | null {
  return p.superuser ? 'admin' : (p.roles.get(project) ?? null)
}

export function can(p: Principal, project: string, need: Role): boolean {
  const role = roleIn(p, project)
  return role !== null && rank(role) >= rank(need)
}

/** The projects whose resources p may see; undefined means every project (a superuser). */
export function visibleProjects(p: Principal): string[] | undefined {
  return p.superuser ? undefined : [...p.roles.keys()]
}

/** Where a submission goes when it names no project: the token's only project, else `default`. */
export function defaultProject(p: Principal): string {
  return !p.superuser && p.roles.size === 1 ? [...p.roles.keys()][0] : 'default'
}

/** Grants p may hand out in a new token: roles up to its own, in projects it administers. */
export function mayGrant(p: Principal, grants: readonly Grant[], superuser: boolean): string | null {
  if (superuser && !p.superuser) return 'only a superuser can create a superuser token'
  if (grants.length === 0 && !superuser && !p.superuser) return 'a token without grants can do nothing: name the projects it works in'
  for (const g of grants) if (!can(p, g.project, 'admin')) return `you are not an admin of project ${g.project}`
  return null
}

/** True when p administers some project (a project admin manages tokens), or is a superuser. */
export const adminSomewhere = (p: Principal): boolean => p.superuser || [...p.roles.values()].includes('admin')
