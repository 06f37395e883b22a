/**
 * Layer rules of secsli (issue 9, docs/architecture.md, whose layer table names the rule of each
 * row), checked by `npm run lint:layers` (part of `npm test` and `npm run lint`). Each rule's
 * name and comment are printed with a violation, so a wrong import fails CI naming the rule.
 * Type-only imports count too (tsPreCompilationDeps): a layer that needs another's types
 * depends on it.
 * @type {import('dependency-cruiser').IConfiguration}
 */
module.exports = {
  forbidden: [
    {
      name: 'model-imports-nothing',
      comment: 'model-imports-nothing: src/model (and src/config) are the shared vocabulary; they import no other part of secsli (src/vendor is zod and yaml).',
      severity: 'error',
      from: { path: '^src/(model|config)/' },
      to: { path: '^src/', pathNot: '^src/(model|config|vendor)/' },
    },
    {
      name: 'scoring-is-pure',
      comment: 'scoring-is-pure: src/scoring computes from the model; it imports no collectors, report, CLI or sources, and reads no files (node:fs).',
      severity: 'error',
      from: { path: '^src/scoring/' },
      to: { path: ['^src/(collectors|report|cli|sources)/', '^(node:)?fs(/promises)?$'] },
    },
    {
      name: 'collectors-below-scoring',
      comment: 'collectors-below-scoring: src/collectors fetch and normalise records; they import no scoring or report code.',
      severity: 'error',
      from: { path: '^src/collectors/' },
      to: { path: '^src/(scoring|report)/' },
    },
    {
      name: 'text-and-io-are-leaves',
      comment: 'text-and-io-are-leaves: src/text (the one sanitiser, string order) and src/io (file and worker primitives) import nothing else of secsli.',
      severity: 'error',
      from: { path: '^src/(text|io)/' },
      to: { path: '^src/', pathNot: '^src/$1/' },
    },
    {
      name: 'leaf-modules',
      comment: 'leaf-modules: src/errors.ts, src/log.ts and src/package-root.ts, which every layer may import, import only src/text (and errors.ts the ConfigProblem type of src/config/problem.ts).',
      severity: 'error',
      from: { path: '^src/(errors|log|package-root)\\.ts$' },
      to: { path: '^src/', pathNot: ['^src/text/', '^src/config/problem\\.ts$', '^src/(errors|log|package-root)\\.ts$'] },
    },
    {
      name: 'inventory-reads-only-config',
      comment: 'inventory-reads-only-config: src/inventory loads assets.yaml and the KEV file; it imports only src/model, src/config, src/vendor and the leaf modules (src/text, src/io, errors.ts, log.ts, package-root.ts).',
      severity: 'error',
      from: { path: '^src/inventory/' },
      to: { path: '^src/', pathNot: ['^src/(inventory|model|config|vendor|text|io)/', '^src/(errors|log|package-root)\\.ts$'] },
    },
    {
      name: 'report-renders-scores',
      comment: 'report-renders-scores: src/report renders a ScoreResult; it imports only src/scoring, src/model, src/config and the leaf modules (src/text, src/io, errors.ts, log.ts, package-root.ts): no collectors, inventory, store or history.',
      severity: 'error',
      from: { path: '^src/report/' },
      to: { path: '^src/', pathNot: ['^src/(report|scoring|model|config|text|io)/', '^src/(errors|log|package-root)\\.ts$'] },
    },
    {
      name: 'history-reads-snapshots',
      comment: 'history-reads-snapshots: src/history reads saved runs; it imports src/report (snapshot shape, renderers), src/scoring, src/store, src/model, src/config, src/vendor, the leaf modules, and of src/inventory only did-you-mean.ts: no collectors, sources, sync or pipeline.',
      severity: 'error',
      from: { path: '^src/history/' },
      to: {
        path: '^src/',
        pathNot: ['^src/(history|report|scoring|store|model|config|vendor|text|io)/', '^src/inventory/did-you-mean\\.ts$', '^src/(errors|log|package-root)\\.ts$'],
      },
    },
    {
      name: 'store-holds-files',
      comment: 'store-holds-files: src/store keeps run folders and the sync state (a folder or S3); it imports only the writer of src/report, src/sync, src/model and the leaf modules.',
      severity: 'error',
      from: { path: '^src/store/' },
      to: { path: '^src/', pathNot: ['^src/(store|report|sync|model|text|io)/', '^src/(errors|log|package-root)\\.ts$'] },
    },
    {
      name: 'sync-wraps-collectors',
      comment: 'sync-wraps-collectors: src/sync wraps live collectors for incremental sync; it imports only src/collectors, src/sources, src/store, src/model, the leaf modules and the file guard (src/report/file-guard.ts, which every file written goes through): no scoring, other report code or history.',
      severity: 'error',
      from: { path: '^src/sync/' },
      to: { path: '^src/', pathNot: ['^src/(sync|collectors|sources|store|model|text|io)/', '^src/report/file-guard\\.ts$', '^src/(errors|log|package-root)\\.ts$'] },
    },
    {
      name: 'inventory-truth-on-top',
      comment: 'inventory-truth-on-top: src/discovery, src/drift and src/init (inventory truth, secsli init) are imported only by each other, src/score-run.ts and src/cli.',
      severity: 'error',
      from: { path: '^src/', pathNot: ['^src/(cli|discovery|drift|init)/', '^src/score-run\\.ts$'] },
      to: { path: '^src/(discovery|drift|init)/' },
    },
    {
      name: 'nothing-imports-cli',
      comment: 'nothing-imports-cli: src/cli is the outermost layer (argv in, exit code out); only src/cli itself and tests import it.',
      severity: 'error',
      from: { pathNot: '^(src/cli|test)/' },
      to: { path: '^src/cli/' },
    },
    {
      name: 'sources-import-only-model',
      comment: 'sources-import-only-model: a source adapter (src/sources) maps one format to the model; it imports only src/model, other adapters\' shared rules, zod (src/vendor/zod), and src/text/tokens.ts (credentials in titles and links are redacted where they enter a Finding).',
      severity: 'error',
      from: { path: '^src/sources/' },
      to: { pathNot: ['^src/(sources|model)/', '^src/text/tokens\\.ts$', '^src/vendor/zod\\.ts$', '(^|/)node_modules/zod/'] },
    },
    {
      name: 'vendor-is-a-package',
      comment: 'vendor-is-a-package: a module of src/vendor re-exports one npm package (bundled into one file by scripts/vendor.ts); it imports nothing of secsli.',
      severity: 'error',
      from: { path: '^src/vendor/' },
      to: { path: '^src/' },
    },
    {
      name: 'packages-through-vendor',
      comment: 'packages-through-vendor: src imports zod and yaml through src/vendor, which the build bundles into one file each (start-up time); a direct import would load the whole package again.',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/vendor/' },
      to: { path: '(^|/)node_modules/(zod|yaml)/' },
    },
    {
      name: 'no-circular',
      comment: 'no-circular: modules of src import each other in one direction only.',
      severity: 'error',
      from: { path: '^src/' },
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default', 'types'] },
  },
};
