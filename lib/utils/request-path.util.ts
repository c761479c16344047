/** The path of a request URL, without the query string (routing ignores it). */
export function requestPath(url: string | undefined): string {
  if (url === undefined) return '';
  const query = url.indexOf('?');
  return query < 0 ? url : url.slice(0, query);
}
