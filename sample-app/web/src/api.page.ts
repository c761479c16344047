// The API page at `/api`: the methods from `rpc.discover` (OpenRPC), each with a form to try it over HTTP.
// Without discovery on the server (-32601) it says so and keeps the free-form call.
import { JsonRpcError, type JsonRpcClient, type JsonRpcParams } from '../../../lib/client/index.js';
import { $, describeError, el, httpClient, whenSignedIn } from './session.js';

interface OpenRpcMethod {
  name: string;
  description?: string;
  summary?: string;
  params?: Array<{ name: string; required?: boolean; schema?: unknown }>;
}

/** A starting point for the params box: the named params with empty values. */
const example = (method: OpenRpcMethod) => JSON.stringify(Object.fromEntries((method.params ?? []).map((p) => [p.name, null])), null, 1);

async function tryCall(client: JsonRpcClient, method: string, paramsText: string, out: HTMLElement): Promise<void> {
  out.hidden = false;
  let params: JsonRpcParams | undefined;
  try {
    params = paramsText.trim() ? (JSON.parse(paramsText) as JsonRpcParams) : undefined;
  } catch (error) {
    out.textContent = `Params are not JSON: ${(error as Error).message}`;
    return;
  }
  try {
    out.textContent = JSON.stringify({ result: await client.call(method, params) }, null, 2);
  } catch (error) {
    const detail = error instanceof JsonRpcError ? { error: { code: error.code, message: error.message, data: error.data } } : {};
    out.textContent = `${describeError(method, error)}\n${JSON.stringify(detail, null, 2)}`;
  }
}

function methodForm(client: JsonRpcClient, method: OpenRpcMethod): HTMLElement {
  const box = el('div', '', 'method');
  box.dataset['method'] = method.name;
  box.append(el('h3', method.name), el('p', method.description ?? method.summary ?? '', 'muted'));
  const params = el('textarea') as HTMLTextAreaElement;
  params.value = example(method);
  const run = el('button', 'Try it', 'small');
  const out = el('pre');
  out.hidden = true;
  run.addEventListener('click', () => void tryCall(client, method.name, params.value, out));
  box.append(params, run, out);
  return box;
}

const { token } = await whenSignedIn();
const client = httpClient(token);
$('#api').hidden = false;
$('#conn').dataset['state'] = 'open';
$('#conn').textContent = 'HTTP';
$('#free-call').addEventListener('click', () => void tryCall(client, $<HTMLInputElement>('#free-method').value.trim(), $<HTMLTextAreaElement>('#free-params').value, $('#free-result')));
try {
  const document = await client.call<{ methods: OpenRpcMethod[]; info?: { title?: string; version?: string } }>('rpc.discover');
  $('#api-source').textContent = `(from rpc.discover: ${document.info?.title ?? 'OpenRPC'} ${document.info?.version ?? ''})`;
  $('#methods').replaceChildren(...document.methods.map((method) => methodForm(client, method)));
} catch (error) {
  const missing = error instanceof JsonRpcError && error.code === -32601;
  $('#api-source').textContent = missing
    ? '(discovery is not enabled on this server: rpc.discover answered -32601; call any method below)'
    : `(${describeError('rpc.discover', error)})`;
  $('#methods').dataset['discovery'] = 'unavailable';
}
