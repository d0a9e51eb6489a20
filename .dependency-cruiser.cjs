/**
 * `npm run lint` runs this (depcruise): modules import in one direction, and the layers below do not
 * reach up. Static, dynamic (`await import(...)`) and type-only imports all count.
 *
 * Layers, bottom up: src/lib/model (names, tags, workspace, topology) with src/lib/config/types.ts
 * (the teams file's shape); the plan document (src/lib/plan) and the kinds' definitions
 * (src/lib/kinds/<kind>/index.ts); then config checks, the kinds' engines (src/lib/kinds/<kind>/engine.ts),
 * the engine, ACS and commands.
 */
/** The kinds' definitions: src/lib/kinds/<kind>/index.ts and the registry's files (src/lib/kinds/*.ts). */
const KIND_DEFINITION_FILES = ['^src/lib/kinds/[^/]+\\.ts$', '^src/lib/kinds/[^/]+/index\\.ts$']
/**
 * The kinds' engine side: every file of a kind's folder but its index.ts (engine.ts and its helpers),
 * and the engine contract and loader beside the registry (src/lib/kinds/engine*.ts).
 */
const KIND_ENGINE_FILES = '^src/lib/kinds/([^/]+/(?!index\\.ts$)[^/]+|engine[^/]*\\.ts)$'

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'A cycle, however it is imported (statically, dynamically or for types only).',
      from: {},
      to: { circular: true },
    },
    {
      name: 'model-imports-nothing-above-it',
      severity: 'error',
      comment:
        'src/lib/model is the bottom layer: it imports only itself, the teams file types and packages.',
      from: { path: '^src/lib/model/' },
      to: { path: '^src/', pathNot: ['^src/lib/model/', '^src/lib/config/types\\.ts$'] },
    },
    {
      name: 'teams-file-types-are-a-leaf',
      severity: 'error',
      comment:
        'src/lib/config/types.ts declares the file format (the schema is generated from it): no imports.',
      from: { path: '^src/lib/config/types\\.ts$' },
      to: { path: '^(src|node_modules)/' },
    },
    {
      name: 'plan-document-calls-nothing',
      severity: 'error',
      comment:
        "src/lib/plan is the plan document and its views: no AWS clients, no IAM evaluation, no kinds' engines.",
      from: { path: '^src/lib/plan/' },
      to: {
        path: [
          '^src/lib/(aws|resources|refresh|acs|engine)/',
          KIND_ENGINE_FILES,
          '^src/lib/policies/(simulate|access-matrix|team-matrix)\\.ts$',
          '^src/commands/',
          '^node_modules/(@aws-sdk|@smithy|@cloud-copilot)/',
        ],
        pathNot: ['^src/lib/engine/read-events\\.ts$'],
      },
    },
    {
      name: 'kind-definitions-call-nothing',
      severity: 'error',
      comment:
        "A kind's definition (src/lib/kinds/<kind>/index.ts and the registry's files beside it) is read to render and review a saved plan: no AWS clients, no IAM evaluation, no engine layer.",
      from: { path: KIND_DEFINITION_FILES, pathNot: KIND_ENGINE_FILES },
      to: {
        path: [
          '^src/lib/(aws|refresh|acs|engine)/',
          '^src/lib/policies/(simulate|access-matrix|team-matrix)\\.ts$',
          '^src/commands/',
          '^node_modules/(@aws-sdk|@smithy|@cloud-copilot)/',
        ],
        pathNot: ['^src/lib/engine/read-events\\.ts$'],
      },
    },
    {
      name: 'kind-definitions-load-engines-lazily',
      severity: 'error',
      comment:
        "A kind's definition names its engine (./engine.ts, the SDK's only user) with a dynamic import, and may use the engine contract's types: never a static import of an engine.",
      from: { path: KIND_DEFINITION_FILES, pathNot: KIND_ENGINE_FILES },
      to: {
        path: [KIND_ENGINE_FILES, '^src/lib/resources/'],
        dependencyTypesNot: ['dynamic-import', 'type-only'],
      },
    },
    {
      name: 'views-load-nothing-at-start',
      severity: 'error',
      comment:
        "src/lib/views is loaded with every command: at load time a view imports only other views, types and oclif's flags; what renders (the plan renderer, the status table…) is imported when it renders.",
      from: { path: '^src/lib/views/' },
      to: {
        path: '^(src|node_modules)/',
        pathNot: ['^src/lib/views/', '^src/lib/text\\.ts$', '^node_modules/@oclif/core/'],
        dynamic: false,
        dependencyTypesNot: ['type-only'],
      },
    },
    {
      name: 'product-does-not-import-tools-or-tests',
      severity: 'error',
      from: { path: '^src/' },
      to: { path: '^(test|tools|bench|scripts)/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.test.json' },
    exclude: { path: '^(dist|coverage)/' },
  },
}
