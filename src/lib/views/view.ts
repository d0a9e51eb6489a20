/**
 * One way every command shows its result: a View renders a command's typed result as text (a
 * terminal) and, where it has one, Markdown (a pull-request comment); JSON is the result itself,
 * printed by oclif's --json. A command's format flags are derived from its view's formats, so a
 * format a view does not render cannot be asked for.
 *
 * Views are loaded with every command: a view module imports nothing at load time but types and
 * this file; its renderers import their modules (the plan renderer, the status table…) when called.
 */

export type ViewFormat = 'text' | 'markdown' | 'json'

/** What every rendering gets from the command, beside the view's own options. */
export interface RenderContext {
  /** Colour the output (text at a terminal, not --no-color or NO_COLOR). */
  colour: boolean
}

export interface View<Result, Options extends object = Record<never, never>> {
  /** The formats it renders, the first the default; 'json' (the result itself) when listed. */
  readonly formats: readonly ViewFormat[]
  text(result: Result, opts: RenderContext & Options): string | Promise<string>
  markdown?(result: Result, opts: RenderContext & Options): string | Promise<string>
}

/** A view of a result rendered by one function that takes no options (a line, a table). */
export function textView<Result>(
  text: (result: Result) => string | Promise<string>,
  formats: readonly ViewFormat[] = ['text', 'json'],
): View<Result> {
  return { formats, text: (result) => text(result) }
}

/** The rendering of `format` (text or Markdown; JSON is the result, printed by oclif). */
export async function render<Result, Options extends object>(
  view: View<Result, Options>,
  format: Exclude<ViewFormat, 'json'>,
  result: Result,
  opts: RenderContext & Options,
): Promise<string> {
  if (!view.formats.includes(format)) throw new Error(`this view has no ${format} format`)
  if (format === 'markdown') {
    if (!view.markdown) throw new Error('this view lists markdown but has no markdown renderer')
    return view.markdown(result, opts)
  }
  return view.text(result, opts)
}
