/**
 * The layering of src/, enforced in `npm test`: a folder imports only from
 * folders below it, and nothing imports in a cycle. Bottom to top: the shared
 * model, utilities, version and licence logic, the ecosystem table, analyzers, the layer walk,
 * sources, the artifact, the vulnerability database, detection, reports,
 * policy, the scan pipeline, the library API (api/ and index.ts), notifications and hand-offs
 * (notify/, which the CLI and the server call), and the CLI on top.
 * The server (src/server) sits beside the CLI, above the library: it uses
 * only api/, notify/, model/ and util/; the two do not import each other,
 * except that cli/commands/server.ts starts the server.
 */
const layers = [
  ['model'],
  ['util'],
  ['version', 'license', 'rego'],
  ['ecosystem'],
  ['analyzer'],
  ['layer'],
  ['source'],
  ['artifact'],
  ['vulndb'],
  ['detect'],
  ['report'],
  ['policy'],
  ['scanner'],
  ['api'],
  ['index.ts'],
  ['notify'],
  ['cli', 'server'],
];

const path = (folder) => (folder.endsWith('.ts') ? `^src/${folder.replace('.', '\\.')}$` : `^src/${folder}/`);
const upward = layers.slice(0, -1).flatMap((group, level) =>
  group.map((folder) => ({
    name: `no-upward-from-${folder.replace('.ts', '')}`,
    comment: `${folder} may import only from the layers below it (see .dependency-cruiser.cjs)`,
    severity: 'error',
    from: { path: path(folder) },
    to: {
      path: layers
        .slice(level + 1)
        .flat()
        .map(path),
    },
  })),
);

module.exports = {
  forbidden: [
    ...upward,
    {
      name: 'no-peer-imports',
      comment: 'folders on the same layer do not import each other',
      severity: 'error',
      from: { path: '^src/(version|license|rego)/' },
      to: { path: '^src/(version|license|rego)/', pathNot: '^src/$1/' },
    },
    {
      name: 'server-uses-the-library',
      comment:
        'src/server builds on the library API, notifications, the model and utilities only (not the pipeline, not the CLI)',
      severity: 'error',
      from: { path: '^src/server/' },
      to: { path: '^src/', pathNot: '^src/(api|notify|model|util|server)/' },
    },
    {
      name: 'cli-starts-the-server-in-one-place',
      comment: 'only cli/commands/server.ts (the server and worker commands) imports src/server',
      severity: 'error',
      from: { path: '^src/cli/', pathNot: '^src/cli/commands/server\\.ts$' },
      to: { path: '^src/server/' },
    },
    { name: 'no-circular', severity: 'error', from: { path: '^src/' }, to: { circular: true } },
    {
      name: 'no-unresolvable',
      severity: 'error',
      from: { path: '^src/' },
      to: { couldNotResolve: true },
    },
  ],
  options: {
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(dist|node_modules)/' },
    enhancedResolveOptions: { extensions: ['.ts', '.js'] },
  },
};
