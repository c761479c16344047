// The second pass of `npm test`: the integration and interop suites again, every test app on
// @nestjs/platform-fastify (test/support/platform.ts reads JSONRPC_TEST_PLATFORM).
import base from './jest.config.js';

/** Suites that are about something other than the platform; each says why it runs on Express only. */
export const EXPRESS_ONLY = {
  'sample-app.spec.ts': 'the sample app creates its own (Express) app in sample-app/bootstrap.ts; what it exercises of the library runs on Fastify in the other suites',
  'sample-app-methods.spec.ts': 'the sample app again (its own Express app)',
  'discovery-sample.spec.ts': 'the sample app (Express); GET {path} and rpc.discover on Fastify are in discovery.spec.ts',
  'discovery-properties.spec.ts': 'the sample app (Express); the schemas it checks do not depend on the platform',
};

export default {
  ...base,
  roots: ['<rootDir>/test/integration', '<rootDir>/test/interop'],
  testPathIgnorePatterns: ['/node_modules/', ...Object.keys(EXPRESS_ONLY).map((file) => `/${file.replace('.', '\\.')}$`)],
};
