// The layer rules (VS Code's code-layering idea): CI fails when a line is crossed.
// test/unit/layers/layers.test.ts proves each rule fires on a forbidden import.
const NODE_ONLY = '^(better-sqlite3|ssh2|@kubernetes/client-node|ws|commander|csv-parse|csv-stringify|electron|sharp|undici)($|/)';
const NODE_ONLY_PATH = 'node_modules/(better-sqlite3|ssh2|@kubernetes/client-node|ws|commander|csv-parse|csv-stringify|electron|sharp|undici)/';

module.exports = {
  forbidden: [
    {
      name: 'shared-is-pure',
      comment: 'shared/ is the contract: no Node built-ins, no Node-only packages, no DOM libraries.',
      severity: 'error',
      from: { path: '^shared/' },
      to: { dependencyTypes: ['core'] },
    },
    {
      name: 'shared-no-node-packages',
      severity: 'error',
      from: { path: '^shared/' },
      to: { path: [NODE_ONLY_PATH, 'node_modules/(react|react-dom|antd)/'] },
    },
    {
      name: 'shared-imports-only-shared',
      severity: 'error',
      from: { path: '^shared/' },
      to: { path: '^(main|renderer|preload)/' },
    },
    {
      name: 'renderer-not-main',
      comment: 'The renderer reaches main only through the contract.',
      severity: 'error',
      from: { path: '^renderer/' },
      to: { path: '^(main|preload)/' },
    },
    {
      name: 'renderer-no-node',
      severity: 'error',
      from: { path: '^renderer/' },
      to: { dependencyTypes: ['core'] },
    },
    {
      name: 'node-only-packages-in-main',
      comment: 'Node-only packages belong to main/ (electron also to preload/).',
      severity: 'error',
      from: { path: '^(renderer|shared)/' },
      to: { path: NODE_ONLY_PATH },
    },
    {
      name: 'preload-is-thin',
      severity: 'error',
      from: { path: '^preload/' },
      to: { path: '^(main|renderer)/' },
    },
    {
      name: 'protocols-are-plain-node',
      comment: 'Protocol clients, services and the lab must run under plain Node (CLI, serve, tests): no Electron.',
      severity: 'error',
      from: { path: '^main/(protocols|services|store|lab)/' },
      to: { path: 'node_modules/electron/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)(out|dist)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.node.json" },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default', 'types'] },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
