// The second pass of `npm test`: the integration and interop suites again, every test app on
// @nestjs/platform-fastify (test/support/platform.ts reads JSONRPC_TEST_PLATFORM).
import base from './jest.config.js';

/** Suites that are about something other than the platform; each says why it runs on Express only. */
export const EXPRESS_ONLY = {
  'sample-app.spec.ts': 'boots the sample app as a child process, which is an Express app by design',
};

export default {
  ...base,
  roots: ['<rootDir>/test/integration', '<rootDir>/test/interop'],
  testPathIgnorePatterns: ['/node_modules/', ...Object.keys(EXPRESS_ONLY).map((file) => `/${file.replace('.', '\\.')}$`)],
};
