/**
 * `npm run lint` runs this (depcruise): modules import in one direction, and the layers below do not
 * reach up. Static, dynamic (`await import(...)`) and type-only imports all count.
 *
 * Layers, bottom up: src/lib/model (names, tags, workspace, topology) with src/lib/config/types.ts
 * (the teams file's shape); the plan document (src/lib/plan); then config checks, resources, engine,
 * ACS and commands.
 * @type {import('dependency-cruiser').IConfiguration}
 */
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
        "src/lib/plan is the plan document and its views, src/lib/kinds the kinds' definitions: no AWS clients, no IAM evaluation, no engine or kind modules (src/lib/resources).",
      from: { path: '^src/lib/(plan|kinds)/' },
      to: {
        path: [
          '^src/lib/(aws|resources|refresh|acs|engine)/',
          '^src/lib/policies/(simulate|access-matrix|team-matrix)\\.ts$',
          '^src/commands/',
          '^node_modules/(@aws-sdk|@smithy|@cloud-copilot)/',
        ],
        pathNot: ['^src/lib/engine/read-events\\.ts$'],
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
