/**
 * Base of every command: the global flags, the AWS client factory, and one place that turns
 * user errors into a message and an exit code instead of a stack trace.
 */
import { Command, Errors, Flags, type Interfaces } from '@oclif/core'
import type { AwsClients } from './aws/clients.js'
import type { LoadedTeams } from './config/load.js'
import { commonAwsHint, describeAwsError, UserError } from './errors.js'
import { useColour } from './text.js'
import { type RenderContext, render, type View, type ViewFormat } from './views/view.js'

/** An AWS SDK service error (it carries $metadata), a credentials failure or a socket error. */
function isAwsOrNetworkError(err: unknown): boolean {
  const e = err as { $metadata?: unknown; name?: string; code?: string; syscall?: string }
  return Boolean(e?.$metadata || e?.name === 'CredentialsProviderError' || (e?.syscall && e?.code))
}

export type BaseFlags<T extends typeof Command> = Interfaces.InferredFlags<
  (typeof BaseCommand)['baseFlags'] & T['flags']
>

export abstract class BaseCommand<T extends typeof Command> extends Command {
  static override enableJsonFlag = true
  /** How the command shows its result (src/lib/views): its format flags come from it. */
  static view?: View<never, never>

  static override baseFlags = {
    config: Flags.string({
      char: 'f',
      summary: 'Path of the teams file.',
      default: './teams.yaml',
      helpGroup: 'GLOBAL',
    }),
    profile: Flags.string({
      summary: 'AWS named profile (default: the standard credential chain).',
      helpGroup: 'GLOBAL',
    }),
    region: Flags.string({ summary: "AWS region (overrides the teams file's region).", helpGroup: 'GLOBAL' }),
    verbose: Flags.boolean({
      summary: 'Print one line per AWS call (service, operation, duration, outcome) to stderr.',
      helpGroup: 'GLOBAL',
    }),
    color: Flags.boolean({
      summary: 'Colour the output (--no-color to disable; NO_COLOR is honoured too).',
      default: true,
      allowNo: true,
      helpGroup: 'GLOBAL',
    }),
  }

  protected flags!: BaseFlags<T>

  public override async init(): Promise<void> {
    await super.init()
    const { flags } = await this.parse({
      flags: this.ctor.flags,
      baseFlags: (this.ctor as typeof BaseCommand).baseFlags,
      enableJsonFlag: this.ctor.enableJsonFlag,
      args: this.ctor.args,
      strict: this.ctor.strict,
    })
    this.flags = flags as BaseFlags<T>
    if (!flags.color) process.env.NO_COLOR = '1'
  }

  /** --json, or `--format json` where the view gives a --format: the result, printed by oclif. */
  public override jsonEnabled(): boolean {
    return super.jsonEnabled() || (this.flags as { format?: string } | undefined)?.format === 'json'
  }

  /**
   * Shows the result through the command's view in the format asked for (--format, else the view's
   * first), and returns it: with --json oclif prints the result itself.
   */
  protected async show<Result, Options extends object>(
    view: View<Result, Options>,
    result: Result,
    ...options: keyof Options extends never ? [] : [Options]
  ): Promise<Result> {
    if ((this.ctor as typeof BaseCommand).view !== (view as unknown))
      throw new Error(`${this.id}: shows a view it does not declare (static view): its flags would not match`)
    if (this.jsonEnabled()) return result
    const format = ((this.flags as { format?: ViewFormat }).format ?? view.formats[0]) as Exclude<
      ViewFormat,
      'json'
    >
    const opts = { ...(options[0] as Options), colour: format === 'text' && this.colour() } as RenderContext &
      Options
    process.stdout.write(await render(view, format, result, opts))
    return result
  }

  /**
   * Shows a result that is not the command's own (setup and acs deploy: the plan before they ask to
   * write) in text, unless --json: its result is the command's.
   */
  protected async preview<Result, Options extends object>(
    view: View<Result, Options>,
    result: Result,
    ...options: keyof Options extends never ? [] : [Options]
  ): Promise<void> {
    if (this.jsonEnabled()) return
    const opts = { ...(options[0] as Options), colour: this.colour() } as RenderContext & Options
    process.stdout.write(await render(view, 'text', result, opts))
  }

  /** Whether output to `stream` is coloured (--no-color, NO_COLOR, FORCE_COLOR, a terminal). */
  protected colour(stream: { isTTY?: boolean } = process.stdout): boolean {
    return useColour(stream, this.flags?.color ?? true)
  }

  /** Loads and validates the teams file named by --config (a ConfigError lists every problem). */
  protected async loadTeams(): Promise<LoadedTeams> {
    const { loadTeamsFileOrThrow } = await import('./config/load.js')
    return loadTeamsFileOrThrow(this.flags.config)
  }

  /** The AWS client factory for this run; the SDK is imported only when a client is first used. */
  protected async awsClients(region: string): Promise<AwsClients> {
    const { AwsClients } = await import('./aws/clients.js')
    return new AwsClients({
      region: this.flags.region ?? region,
      profile: this.flags.profile,
      log: this.flags.verbose ? (line) => process.stderr.write(`${line}\n`) : undefined,
    })
  }

  protected override async catch(
    err: Error & { exitCode?: number; oclif?: { exit?: number } },
  ): Promise<unknown> {
    // An AWS or network failure no module turned into a UserError still gets its code and a hint.
    if (!(err instanceof UserError) && isAwsOrNetworkError(err)) {
      const wrapped = new UserError(describeAwsError(err), 1, commonAwsHint(err))
      return this.catch(wrapped)
    }
    if (err instanceof UserError) {
      if (this.jsonEnabled()) {
        this.logJson({
          error: { name: err.name, message: err.message, ...(err.hint ? { hint: err.hint } : {}) },
        })
      } else {
        process.stderr.write(`Error: ${err.message}\n${err.hint ? `Hint: ${err.hint}\n` : ''}`)
      }
      this.exit(err.exitCode)
    }
    // oclif exits 2 on a usage error (unknown flag, bad flag value); `plan --detailed-exitcode`
    // means "changes present" by 2, so a typo in a CI job must not read as a diff: errors are 1.
    if (err.oclif?.exit === 2 && !(err instanceof Errors.ExitError)) err.oclif.exit = 1
    // oclif's own JSON error dumps the whole parser context (package.json, every command, home
    // paths); a usage error is one small document like every other error.
    if (this.jsonEnabled() && !(err instanceof Errors.ExitError)) {
      this.logJson({ error: { name: usageErrorName(err), message: firstParagraph(err.message) } })
      this.exit(err.oclif?.exit ?? err.exitCode ?? 1)
    }
    return super.catch(err)
  }
}

function usageErrorName(err: Error & { parse?: unknown }): string {
  return err.parse || err instanceof Errors.CLIError ? 'UsageError' : err.name
}

/** oclif's parse errors append "See more help with --help" after a blank line. */
function firstParagraph(message: string): string {
  return message.split(/\n\s*\n/)[0].trim()
}
