// `npm run mutation`: deliberate drifts of the direct pipeline from Nest's
// semantics, each applied alone to lib/pipeline, with the pipeline suites run
// against it. Every mutation must make them fail ("killed"); one that survives
// is a hole in the tests. Not part of `npm test` (about 20 s per mutation).
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';

const SUITES = [
  'test/integration/pipeline-differential.spec.ts',
  'test/integration/pipeline-contract.spec.ts',
  'test/integration/interceptors.spec.ts',
  'test/integration/pipeline-reference.spec.ts',
];

const MUTATIONS = [
  { name: 'reversed guard order', file: 'lib/pipeline/guards.consumer.ts', find: 'const verdict: unknown = guards[index]!.canActivate(context);', replace: 'const verdict: unknown = guards[guards.length - 1 - index]!.canActivate(context);' },
  { name: 'Observable guard verdict ignored', file: 'lib/pipeline/guards.consumer.ts', find: 'return isObservable(value) ? lastValueFrom(value) : value;', replace: 'return isObservable(value) ? [lastValueFrom][0] && value : value;' },
  { name: 'sync `false` allowed', file: 'lib/pipeline/guards.consumer.ts', find: "if (typeof verdict === 'boolean') {\n      if (!verdict) throw new ForbiddenException(FORBIDDEN_MESSAGE);", replace: "if (typeof verdict === 'boolean') {" },
  { name: "filters told 'http'", file: 'lib/pipeline/direct-pipeline.ts', find: 'const host = new ExecutionContextHost(args);\n    host.setType(JSON_RPC_CONTEXT_TYPE);', replace: "const host = new ExecutionContextHost(args);\n    host.setType('http');" },
  { name: 'getClass() missing', file: 'lib/pipeline/direct-pipeline.ts', find: 'new ExecutionContextHost(args, this.parts.instance.constructor as never, this.parts.handler)', replace: 'new ExecutionContextHost(args, undefined, this.parts.handler)' },
  { name: 'global pipes dropped', file: 'lib/pipeline/nest-internals.ts', find: 'pipes: new coreInternal.PipesContextCreator(container, config),', replace: 'pipes: Object.assign(new coreInternal.PipesContextCreator(container, config), { getGlobalMetadata: () => [] }),' },
  { name: 'param pipes before global ones', file: 'lib/pipeline/params.resolver.ts', find: 'pipes: pipes.concat(param.pipes),', replace: 'pipes: [...param.pipes, ...pipes],' },
  { name: "interceptor chain outside handle()'s async scope", file: 'lib/pipeline/interceptor-chain.ts', find: "level(index + 1, new AsyncResource('json-rpc-interceptor'))", replace: 'level(index + 1)' },
  { name: 'module key wrong', file: 'lib/pipeline/pipeline.factory.ts', find: "const moduleKey = plan.wrapper.host?.token ?? '';", replace: "const moduleKey = '';" },
  {
    name: 'params resolved outside one Promise.all',
    file: 'lib/pipeline/params.resolver.ts',
    find: 'return Promise.all(unsettled.map((at) => this.resolveParamValue(params[at]!, states[at]!, values))).then(() => values);',
    replace: 'return unsettled.reduce<Promise<void>>((chain, at) => chain.then(() => this.resolveParamValue(params[at]!, states[at]!, values)), Promise.resolve()).then(() => values);',
  },
  { name: "a decorator's Promise handed to the handler unawaited (no pipes)", file: 'lib/pipeline/params.resolver.ts', find: 'if (isThenable(value)) (unsettled ??= []).push([param, { value, next: 0 }]);\n      else values[param.index] = value;', replace: 'values[param.index] = value;' },
];

const only = process.env['MUTATION_ONLY'];
const rows = [];
for (const mutation of MUTATIONS.filter((item) => !only || item.name.includes(only))) {
  const original = readFileSync(mutation.file, 'utf8');
  if (!original.includes(mutation.find)) {
    rows.push({ name: mutation.name, verdict: 'NOT APPLIED (code moved: update the mutation)' });
    continue;
  }
  writeFileSync(mutation.file, original.replace(mutation.find, mutation.replace));
  try {
    const run = spawnSync(process.execPath, ['test/run-tests.mjs', ...SUITES], { encoding: 'utf8', timeout: 300_000 });
    const summary = /^(\d+) passed, (\d+) failed/m.exec(run.stdout ?? '');
    const failing = [...`${run.stdout}${run.stderr}`.matchAll(/✕ (.+?)(?: \(\d+ ms\))?$/gm)].map((match) => match[1]);
    const typeCheck = /failed \(type-check\)/.test(run.stdout ?? '');
    const killed = run.status !== 0 && !typeCheck;
    rows.push({ name: mutation.name, verdict: killed ? 'killed' : typeCheck ? 'NOT TESTED (mutation does not type-check)' : 'SURVIVED', detail: summary ? `${summary[2]} of ${Number(summary[1]) + Number(summary[2])} tests fail` : '', first: failing[0] ?? '' });
  } finally {
    writeFileSync(mutation.file, original);
  }
  const last = rows.at(-1);
  console.log(`${last.verdict.padEnd(9)} ${last.name}: ${last.detail ?? ''} ${last.first ? `(e.g. "${last.first}")` : ''}`);
}

console.log('\n| mutation of the direct pipeline | verdict | failing tests |');
console.log('|---|---|---|');
for (const row of rows) console.log(`| ${row.name} | ${row.verdict} | ${row.detail ?? ''} |`);
const survived = rows.filter((row) => row.verdict !== 'killed').length;
console.log(`\n${rows.length - survived} of ${rows.length} mutations killed`);
process.exit(survived ? 1 : 0);
