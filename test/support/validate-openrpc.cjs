// Validates an OpenRPC document (stdin) with @open-rpc/schema-utils-js, in plain Node:
// the package is CommonJS that require()s an ES module, which Node 20.19+ allows and
// jest's module loader does not (before Node 24.9). Prints "valid" or the errors.
const { validateOpenRPCDocument } = require('@open-rpc/schema-utils-js');

let text = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (chunk) => (text += chunk));
process.stdin.on('end', () => {
  const result = validateOpenRPCDocument(JSON.parse(text));
  process.stdout.write(result === true ? 'valid' : String(result.message ?? result));
});
