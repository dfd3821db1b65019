// What every page needs: the session (client, caller) and the shared live event stream.
import { createContext } from 'preact'
import { useContext } from 'preact/hooks'
import type { LiveEvents } from './live.ts'
import type { Session } from './session.ts'

export interface AppContext {
  session: Session
  live: LiveEvents
}

export const Ctx = createContext<AppContext | null>(null)

export function useApp(): AppContext {
  const ctx = useContext(Ctx)
  if (!ctx) throw new Error('useApp outside the signed-in app')
  return ctx
}
