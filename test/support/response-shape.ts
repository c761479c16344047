/** Whether `value` is a JSON-RPC 2.0 response object, exactly as the spec shapes one. */
export function isResponse(value: unknown): boolean {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const response = value as Record<string, unknown>;
  const keys = Object.keys(response).sort().join(',');
  if (keys !== 'id,jsonrpc,result' && keys !== 'error,id,jsonrpc') return false;
  if (response['jsonrpc'] !== '2.0') return false;
  const id = response['id'];
  if (!(id === null || typeof id === 'string' || typeof id === 'number')) return false;
  if (!('error' in response)) return true;
  const error = response['error'] as Record<string, unknown>;
  return typeof error === 'object' && error !== null && Number.isInteger(error['code']) && typeof error['message'] === 'string';
}

/** A whole answer: one response, or a non-empty array of them. */
export function isAnswer(value: unknown): boolean {
  return Array.isArray(value) ? value.length > 0 && value.every(isResponse) : isResponse(value);
}
