/**
 * glue (awsJson1_1): the Data Catalog's databases, resource links and tables, as "Resource link
 * handling in AWS Glue APIs" documents them
 * (https://docs.aws.amazon.com/lake-formation/latest/dg/resource-links-glue-apis.html):
 * CreateDatabase with DatabaseInput.TargetDatabase creates a resource link; DeleteDatabase of a link
 * deletes the link, never its target; GetDatabase(s) list links with their TargetDatabase;
 * GetTable(s) through a link follow it to the target database's catalog. Names are folded to lower
 * case, as Glue does. Tags (CreateDatabase Tags, GetTags, TagResource, UntagResource) by ARN.
 */
import { AwsError, type Input, type Operation, paginate, required } from '../core.js'
import type { EmulatorState, GlueDatabase, GlueTable } from '../state.js'
import type { Directory } from './iam.js'

const DATABASE_ARN = /^arn:aws[a-z-]*:glue:([a-z0-9-]+):(\d{12}):database\/(.+)$/

export function glue(
  state: EmulatorState,
  directory: Directory = { states: () => [state] },
): Record<string, Operation> {
  const catalog = (id: unknown): EmulatorState => {
    if (id === undefined || id === null || id === state.account) return state
    const other = directory.states().find((s) => s.account === id)
    if (!other) throw new AwsError('EntityNotFoundException', `Catalog ${String(id)} not found`)
    return other
  }
  const database = (s: EmulatorState, name: unknown): GlueDatabase => {
    const d = s.glueDatabases.find((x) => x.Name === String(name).toLowerCase())
    if (!d) throw new AwsError('EntityNotFoundException', `Database ${String(name)} not found.`)
    return d
  }
  /** The database a name stands for: a resource link is followed to its target (in its own catalog). */
  const resolve = (s: EmulatorState, name: unknown): { owner: EmulatorState; db: GlueDatabase } => {
    const d = database(s, name)
    if (!d.TargetDatabase) return { owner: s, db: d }
    const owner = catalog(d.TargetDatabase.CatalogId)
    return { owner, db: database(owner, d.TargetDatabase.DatabaseName) }
  }
  const databaseOut = (d: GlueDatabase) => ({
    Name: d.Name,
    CatalogId: d.CatalogId,
    ...(d.Description ? { Description: d.Description } : {}),
    ...(d.TargetDatabase ? { TargetDatabase: d.TargetDatabase } : {}),
    CreateTime: d.CreateTime.getTime() / 1000,
  })
  const tableOut = (t: GlueTable, owner: EmulatorState) => ({
    Name: t.Name,
    DatabaseName: t.DatabaseName,
    CatalogId: owner.account,
    CreateTime: t.CreateTime.getTime() / 1000,
  })
  const byArn = (arn: unknown): GlueDatabase => {
    const m = typeof arn === 'string' ? DATABASE_ARN.exec(arn) : null
    if (!m || m[2] !== state.account)
      throw new AwsError('EntityNotFoundException', `Resource ${String(arn)} not found`)
    return database(state, m[3])
  }
  return {
    CreateDatabase(input) {
      required(input, 'DatabaseInput')
      if (input.CatalogId !== undefined && input.CatalogId !== state.account)
        throw new AwsError('AccessDeniedException', `Cannot create a database in catalog ${input.CatalogId}`)
      const d = input.DatabaseInput as Input
      const name = String(d.Name).toLowerCase()
      if (state.glueDatabases.some((x) => x.Name === name))
        throw new AwsError('AlreadyExistsException', `Database already exists: ${name}`)
      const target = d.TargetDatabase as { CatalogId?: string; DatabaseName?: string } | undefined
      if (target && (!target.CatalogId || !target.DatabaseName))
        throw new AwsError('InvalidInputException', 'TargetDatabase needs CatalogId and DatabaseName')
      state.glueDatabases.push({
        Name: name,
        CatalogId: state.account,
        ...(d.Description ? { Description: d.Description } : {}),
        ...(target
          ? {
              TargetDatabase: {
                CatalogId: target.CatalogId!,
                DatabaseName: target.DatabaseName!.toLowerCase(),
              },
            }
          : {}),
        CreateTime: new Date(),
        Tags: { ...((input.Tags as Record<string, string>) ?? {}) },
        lfTags: {},
      })
      return {}
    },
    GetDatabase(input) {
      required(input, 'Name')
      return { Database: databaseOut(database(catalog(input.CatalogId), input.Name)) }
    },
    GetDatabases(input) {
      const s = catalog(input.CatalogId)
      const { page, nextToken } = paginate(s.glueDatabases, input, {
        max: 100,
        scope: `glue-databases:${s.account}`,
        errorCode: 'InvalidInputException',
      })
      return { DatabaseList: page.map(databaseOut), ...(nextToken ? { NextToken: nextToken } : {}) }
    },
    DeleteDatabase(input) {
      required(input, 'Name')
      if (input.CatalogId !== undefined && input.CatalogId !== state.account)
        throw new AwsError('AccessDeniedException', `Cannot delete a database of catalog ${input.CatalogId}`)
      const d = database(state, input.Name)
      state.glueDatabases = state.glueDatabases.filter((x) => x !== d)
      // A link goes alone; a database takes its tables with it.
      if (!d.TargetDatabase) state.glueTables = state.glueTables.filter((t) => t.DatabaseName !== d.Name)
      return {}
    },
    GetTable(input) {
      required(input, 'DatabaseName', 'Name')
      const { owner, db } = resolve(catalog(input.CatalogId), input.DatabaseName)
      const t = owner.glueTables.find(
        (x) => x.DatabaseName === db.Name && x.Name === String(input.Name).toLowerCase(),
      )
      if (!t) throw new AwsError('EntityNotFoundException', `Table ${String(input.Name)} not found.`)
      return { Table: tableOut(t, owner) }
    },
    GetTables(input) {
      required(input, 'DatabaseName')
      const { owner, db } = resolve(catalog(input.CatalogId), input.DatabaseName)
      const { page, nextToken } = paginate(
        owner.glueTables.filter((t) => t.DatabaseName === db.Name),
        input,
        { max: 100, scope: `glue-tables:${owner.account}:${db.Name}`, errorCode: 'InvalidInputException' },
      )
      return {
        TableList: page.map((t) => tableOut(t, owner)),
        ...(nextToken ? { NextToken: nextToken } : {}),
      }
    },
    GetTags(input) {
      required(input, 'ResourceArn')
      return { Tags: { ...byArn(input.ResourceArn).Tags } }
    },
    TagResource(input) {
      required(input, 'ResourceArn', 'TagsToAdd')
      Object.assign(byArn(input.ResourceArn).Tags, input.TagsToAdd)
      return {}
    },
    UntagResource(input) {
      required(input, 'ResourceArn', 'TagsToRemove')
      const d = byArn(input.ResourceArn)
      for (const k of input.TagsToRemove as string[]) delete d.Tags[k]
      return {}
    },
  }
}
