/**
 * The layers, checked by `npm run lint:layers` (part of `npm test`); docs/architecture.md draws them.
 * core is pure; sdk (client config, error codes) sits below the adapters; the adapters (aws,
 * journal, channels, report) know core and sdk only; engine holds the use cases; cli and lambda
 * reach AWS only through engine, and carry out a plan only through one of its use cases; infra
 * reads permission declarations and nothing that runs.
 */
const ADAPTERS = 'aws|journal|channels|report';
/** A permission declaration: a `permissions.ts` file, which itself imports only core and other declarations. */
const DECLARATION = '^src/[a-z/-]*permissions[.]ts$';

module.exports = {
  forbidden: [
    {
      name: 'core-is-pure',
      comment: 'src/core imports nothing of Keywarden outside itself, and no I/O module.',
      severity: 'error',
      from: { path: '^src/core/' },
      to: { pathNot: ['^src/core/', '(^|/)node_modules/(zod|yaml|picomatch)/'] },
    },
    {
      name: 'sdk-below-adapters',
      comment: 'src/sdk (client config, error codes) imports only core and the AWS SDK.',
      severity: 'error',
      from: { path: '^src/sdk/' },
      to: { path: '^src/', pathNot: ['^src/(core|sdk)/'] },
    },
    {
      name: 'adapters-know-core-and-sdk-only',
      comment: 'An adapter imports core and sdk, nothing of another adapter or of the engine.',
      severity: 'error',
      from: { path: `^src/(${ADAPTERS})/` },
      to: { path: '^src/', pathNot: ['^src/(core|sdk)/', '^src/$1/'] },
    },
    {
      name: 'entry-points-through-engine',
      comment: 'src/cli and src/lambda reach AWS only through src/engine.',
      severity: 'error',
      from: { path: '^src/(cli|lambda)/' },
      to: { path: ['^src/(aws|journal|channels|sdk)/', '@aws-sdk/', '@smithy/'] },
    },
    {
      name: 'plans-run-through-use-cases',
      comment:
        "src/engine/apply (the executor, the recovery) is the engine's own: an entry point carries out a plan only through a use case, which takes the lease and checks for interrupted runs first.",
      severity: 'error',
      from: { path: '^src/(cli|lambda)/' },
      to: { path: '^src/engine/apply/' },
    },
    {
      name: 'engine-below-entry-points',
      severity: 'error',
      from: { path: '^src/engine/' },
      to: { path: '^src/(cli|lambda|infra|emulator)/' },
    },
    {
      name: 'infra-reads-declarations-only',
      comment: 'src/infra may read permission declarations and core, and nothing that runs.',
      severity: 'error',
      from: { path: '^src/infra/' },
      to: { path: '^src/', pathNot: ['^src/(infra|core)/', DECLARATION] },
    },
    {
      name: 'declarations-are-data',
      comment: 'A permissions.ts file imports core and other permission declarations only.',
      severity: 'error',
      from: { path: DECLARATION },
      to: { path: '^src/', pathNot: ['^src/core/', DECLARATION] },
    },
    {
      name: 'emulator-stands-alone',
      severity: 'error',
      from: { path: '^src/emulator/' },
      to: { path: '^src/', pathNot: '^src/emulator/' },
    },
    {
      name: 'no-cycles',
      severity: 'error',
      from: { path: '^src/' },
      to: { circular: true },
    },
  ],
  options: {
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(dist|node_modules)/' },
  },
};
