/**
 * plan's progress while it reads the account: one status line on stderr, rewritten in place (a
 * carriage return and spaces, no escape sequences, so NO_COLOR output stays free of them), then one
 * closing line with the totals and the elapsed time. Only for a terminal: the command decides.
 */
import pc from 'picocolors'
import type { ReadEvent } from '../engine/read-events.js'

export interface ProgressStream {
  write(text: string): unknown
  columns?: number
}

export interface ReadProgress {
  onRead(event: ReadEvent): void
  /** Replaces the status line with "Read N items in P pages (C AWS calls) in T s". */
  finish(): void
  /** Clears the status line (the read failed; the error follows). */
  stop(): void
}

/** List-shaped operations: each answer is a page and its lists' elements are items read. */
const PAGED = /^(List|Search|Lookup|BatchGet)/
/** Redraws at most this often: a large account answers hundreds of pages a second. */
const REDRAW_MS = 80

const STEP_LABEL = { discovery: 'account and domain', identities: 'identity store' } as const

export function readProgress(
  stream: ProgressStream,
  options: { colour: boolean; now?: () => number },
): ReadProgress {
  const now = options.now ?? (() => performance.now())
  const p = pc.createColors(options.colour)
  const started = now()
  // What is being read, with how many parts read it now (many accounts: profiles in each domain).
  const reading = new Map<string, number>()
  let calls = 0
  let pages = 0
  let items = 0
  let lastCall = ''
  let shown = 0
  let drawnAt = Number.NEGATIVE_INFINITY

  const seconds = () => `${((now() - started) / 1000).toFixed(1)} s`
  const write = (line: string) => {
    const width = Math.max(20, (stream.columns ?? 80) - 1)
    const text = line.length > width ? `${line.slice(0, width - 1)}…` : line
    // Spaces over what is left of a longer previous line; the cursor ends at the line's end.
    stream.write(`\r${p.dim(text)}${' '.repeat(Math.max(0, shown - text.length))}`)
    shown = text.length
  }
  const draw = () => {
    const t = now()
    if (t - drawnAt < REDRAW_MS) return
    drawnAt = t
    // Counts and time first: a narrow terminal cuts the list of kinds at the end, not them.
    const parts = [`Reading: ${amount(pages, 'page')}, ${amount(items, 'item')}`, seconds()]
    if (lastCall) parts.push(lastCall)
    parts.push(reading.size ? [...reading.keys()].join(', ') : 'account')
    write(parts.join(' · '))
  }
  const start = (what: string) => reading.set(what, (reading.get(what) ?? 0) + 1)
  const done = (what: string) => {
    const n = (reading.get(what) ?? 1) - 1
    if (n > 0) reading.set(what, n)
    else reading.delete(what)
  }
  const clear = () => {
    if (shown > 0) stream.write(`\r${' '.repeat(shown)}\r`)
    shown = 0
  }

  return {
    onRead(event) {
      switch (event.type) {
        case 'step-start':
          start(STEP_LABEL[event.step])
          break
        case 'step-done':
          done(STEP_LABEL[event.step])
          break
        case 'kind-start':
          start(event.kind)
          break
        case 'kind-done':
          done(event.kind)
          break
        case 'call':
          calls++
          lastCall = `${event.service} ${event.operation}`
          if (PAGED.test(event.operation)) {
            pages++
            items += event.items
          }
          break
      }
      draw()
    },
    finish() {
      clear()
      stream.write(
        `Read ${amount(items, 'item')} in ${amount(pages, 'page')} (${amount(calls, 'AWS call')}) in ${seconds()}\n`,
      )
    },
    stop: clear,
  }
}

/** "1 page", "1,234 pages". */
function amount(n: number, noun: string): string {
  return `${n.toLocaleString('en-US')} ${noun}${n === 1 ? '' : 's'}`
}
