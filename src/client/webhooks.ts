// The webhook signature scheme, in one place: the service signs deliveries with signWebhook and
// receivers check them with verifyWebhook (the Python client's verify_webhook is the same
// scheme). `Fsdfm-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>`;
// the timestamp is signed too, so an old delivery cannot be replayed with a fresh one.
import { createHmac, timingSafeEqual } from 'node:crypto'

export const WEBHOOK_SIGNATURE_HEADER = 'fsdfm-signature'
export const WEBHOOK_DELIVERY_HEADER = 'fsdfm-delivery'
export const WEBHOOK_EVENT_HEADER = 'fsdfm-event'
/** Receivers refuse signatures older (or further in the future) than this. */
export const WEBHOOK_TOLERANCE_SECONDS = 300

const hmac = (secret: string, t: number, body: string | Uint8Array): Buffer =>
  createHmac('sha256', secret).update(`${t}.`).update(typeof body === 'string' ? Buffer.from(body, 'utf8') : body).digest()

/** The Fsdfm-Signature header of `body` signed at `t` (unix seconds). */
export function signWebhook(secret: string, body: string | Uint8Array, t: number = Math.floor(Date.now() / 1000)): string {
  return `t=${t},v1=${hmac(secret, t, body).toString('hex')}`
}

export type WebhookVerification = { ok: true; timestamp: number } | { ok: false; reason: string }

/**
 * Checks a delivery: `header` is its Fsdfm-Signature, `body` the raw body exactly as received
 * (verify before parsing: re-serialised JSON does not match), `now` the time in milliseconds.
 * Refuses a timestamp more than `toleranceSeconds` (5 minutes) away from now.
 */
export function verifyWebhook(secret: string, header: string | string[] | null | undefined, body: string | Uint8Array, now: number = Date.now(), toleranceSeconds = WEBHOOK_TOLERANCE_SECONDS): WebhookVerification {
  // Node hands a header that came more than once as a list (req.headers) or joined by commas.
  const value = Array.isArray(header) ? header.join(',') : header
  if (!value) return { ok: false, reason: 'no Fsdfm-Signature header' }
  let t: number | null = null
  const signatures: Buffer[] = []
  for (const part of value.split(',')) {
    const eq = part.indexOf('=')
    const [key, value] = [part.slice(0, eq).trim(), part.slice(eq + 1).trim()]
    if (key === 't' && /^\d{1,12}$/.test(value)) t = Number(value)
    else if (key === 'v1' && /^[0-9a-f]{64}$/.test(value)) signatures.push(Buffer.from(value, 'hex'))
  }
  if (t === null) return { ok: false, reason: 'the signature has no timestamp' }
  if (!signatures.length) return { ok: false, reason: 'the signature has no v1 value' }
  if (Math.abs(now / 1000 - t) > toleranceSeconds) return { ok: false, reason: `the timestamp is more than ${toleranceSeconds} s from now (a replay, or a clock off)` }
  const expected = hmac(secret, t, body)
  // Several v1 values may come while a secret is being replaced: one match is enough.
  if (!signatures.some((s) => timingSafeEqual(s, expected))) return { ok: false, reason: 'the signature does not match the body' }
  return { ok: true, timestamp: t }
}
