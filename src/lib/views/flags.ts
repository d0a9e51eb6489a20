/** A command's format flag, derived from its view. */
import { Flags } from '@oclif/core'
import type { ViewFormat } from './view.js'

/**
 * `--format` with the view's formats, the first the default: for a view that renders more than one
 * format besides JSON (plan: text, markdown, json). --json is oclif's, on every command whose view
 * lists json (BaseCommand treats `--format json` as --json); a view of text and JSON alone needs no
 * --format (test/cli/views.test.ts holds every command to this).
 */
export function formatFlag<F extends ViewFormat>(view: { readonly formats: readonly F[] }) {
  return Flags.option({
    options: view.formats,
    default: view.formats[0],
    summary: `Output format${view.formats.includes('json' as F) ? ' (--json is the same as --format json)' : ''}.`,
  })()
}
