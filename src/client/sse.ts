// A Server-Sent Events reader over a fetch response body: the part of the protocol the fsdfm
// streams use (id, event, data lines; comments as keep-alives), nothing of EventSource's
// browser machinery, so it runs wherever fetch does and can send headers (a token).

export interface SseMessage {
  id: string | null
  event: string
  data: string
}

/** The messages of an event stream, in order, until the server ends it. */
export async function* readSse(body: ReadableStream<Uint8Array>): AsyncGenerator<SseMessage> {
  const decoder = new TextDecoder()
  let buffer = ''
  let id: string | null = null
  let event = ''
  let data: string[] = []
  const reader = body.getReader()
  let ended = false
  try {
    for (;;) {
      const { value, done } = await reader.read()
      buffer += done ? decoder.decode() : decoder.decode(value, { stream: true })
      let nl: number
      while ((nl = buffer.search(/\r\n|\r|\n/)) >= 0) {
        const line = buffer.slice(0, nl)
        buffer = buffer.slice(nl + (buffer.startsWith('\r\n', nl) ? 2 : 1))
        if (line === '') {
          if (data.length) yield { id, event: event || 'message', data: data.join('\n') }
          event = ''
          data = []
          continue
        }
        if (line.startsWith(':')) continue // a comment: the server's keep-alive
        const colon = line.indexOf(':')
        const field = colon < 0 ? line : line.slice(0, colon)
        const text = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '')
        if (field === 'id') id = text
        else if (field === 'event') event = text
        else if (field === 'data') data.push(text)
      }
      if (done) {
        ended = true
        return
      }
    }
  } finally {
    // A reader that stops early closes the connection rather than leaving it open.
    if (!ended) await reader.cancel().catch(() => {})
    reader.releaseLock()
  }
}
