import { Flags } from '@oclif/core'
import { BaseCommand } from '../../lib/command.js'

export default class AcsServe extends BaseCommand<typeof AcsServe> {
  static override summary = 'Run the ACS handler on a local HTTP server.'
  static override description =
    `The same handler as the Lambda, for development, tests and the demo. Team X is served at <base>/saml/acs/X, where <base> is acs.url from the teams file or http://<host>:<port>. AWS calls go wherever the SDK's environment points (e.g. AWS_ENDPOINT_URL). Replay ids are kept in memory unless --replay-table names a DynamoDB table. One JSON log line per request goes to stderr (never the SAML document, a token or the presigned URL).`
  static override examples = [
    '<%= config.bin %> acs serve -f teams.yaml',
    '<%= config.bin %> acs serve --port 9000 --replay-table sagemaker-teams-acs-state',
  ]

  static override flags = {
    port: Flags.integer({
      default: 8080,
      min: 0,
      max: 65535,
      summary: 'Port to listen on (0: any free port).',
    }),
    host: Flags.string({ default: '127.0.0.1', summary: 'Address to listen on.' }),
    'replay-table': Flags.string({
      summary: 'DynamoDB table for replay ids and login records (default: in memory).',
    }),
  }

  async run(): Promise<{ url: string }> {
    const teams = await this.loadTeams()
    const aws = await this.awsClients(teams.config.region)
    const { serveAcs } = await import('../../lib/acs/serve.js')
    const server = await serveAcs(
      aws,
      teams,
      { host: this.flags.host, port: this.flags.port, replayTable: this.flags['replay-table'] },
      (line) => this.log(line),
    )
    await new Promise<void>((resolve) => {
      const stop = () => resolve()
      process.once('SIGINT', stop)
      process.once('SIGTERM', stop)
    })
    await server.close()
    return { url: server.url }
  }
}
