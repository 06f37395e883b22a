/**
 * Layer rules of secsli (issue 9, docs/architecture.md), checked by `npm run lint`. Each rule's
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
      name: 'nothing-imports-cli',
      comment: 'nothing-imports-cli: src/cli is the outermost layer (argv in, exit code out); only src/cli itself and tests import it.',
      severity: 'error',
      from: { pathNot: '^(src/cli|test)/' },
      to: { path: '^src/cli/' },
    },
    {
      name: 'sources-import-only-model',
      comment: 'sources-import-only-model: a source adapter (src/sources) maps one format to the model; it imports only src/model, other adapters\' shared rules, and zod (src/vendor/zod).',
      severity: 'error',
      from: { path: '^src/sources/' },
      to: { pathNot: ['^src/(sources|model)/', '^src/vendor/zod\\.ts$', '(^|/)node_modules/zod/'] },
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
