/**
 * Param kinds for the handler's arguments. PARAMS is 3 on purpose: Nest's
 * ParamsTokenFactory maps 3 to 'body', so ValidationPipe validates `@RpcParams()`
 * exactly as it does `@Body()` (the others map to 'custom', which it skips).
 */
export enum RpcParamtype {
  PARAMS = 3,
  ID = 30,
  CONTEXT = 31,
  /** Implicit: the n-th positional param of a method with no param decorators. */
  POSITIONAL = 32,
  LAST_EVENT_ID = 33,
}
