/** A refusal with a reason code for the log line; the HTTP answer stays generic. */
export class AcsRefusal extends Error {
  constructor(
    readonly reason: string,
    readonly status = 403,
    readonly detail?: string,
  ) {
    super(reason)
    this.name = 'AcsRefusal'
  }
}
