// The pipeline's contract: every enhancer shape behaves on a JSON-RPC method,
// over HTTP and WebSocket, as it does on a Nest controller of the same app. Each
// case here once broke (issue: the pipeline), so each is a regression test.
import type { INestApplication, LoggerService } from '@nestjs/common';
import { ValidationPipe } from '@nestjs/common';
import { CatchAllFilterModule, HeadersModule, PositionalModule } from '../fixtures/controller-habits.js';
import { events, FailingParamsModule, GuardOrderModule, ScopedGlobalsModule, TransientModule } from '../fixtures/pipeline-contract.js';
import { postRaw } from '../support/http-client.js';
import { startApp, type TestServer } from '../support/start-app.js';
import { httpDriver, type RpcDriver, wsDriver } from '../support/transports.js';

/** Records what the app logs (Nest's Logger and the library's). */
class RecordingLogger implements LoggerService {
  readonly lines: Array<{ level: string; text: string }> = [];
  log(message: unknown): void { this.add('log', message); }
  warn(message: unknown, ...rest: unknown[]): void { this.add('warn', message, rest); }
  error(message: unknown, ...rest: unknown[]): void { this.add('error', message, rest); }
  debug(): void {}
  verbose(): void {}
  private add(level: string, message: unknown, rest: unknown[] = []): void {
    const text = [message, ...rest].map((part) => (part instanceof Error ? `${part.name}: ${part.message}\n${part.stack}` : String(part))).join('\n');
    this.lines.push({ level, text });
  }
}

const TRANSPORTS = ['http', 'ws'] as const;

async function driverFor(kind: (typeof TRANSPORTS)[number], server: TestServer): Promise<RpcDriver> {
  return kind === 'http' ? httpDriver(server) : wsDriver(server);
}

/** Lets anything still running after an answer (a stray pipe, a late rejection) happen inside the test. */
const settleDown = () => new Promise((resolve) => setTimeout(resolve, 30));

async function controller(server: TestServer, path: string, headers: Record<string, string> = {}): Promise<number> {
  return (await postRaw(`http://127.0.0.1:${server.port}${path}`, '{}', headers)).status;
}

describe('request-scoped global enhancers run on every host, as on a controller', () => {
  let server: TestServer;
  beforeAll(async () => (server = await startApp(ScopedGlobalsModule)));
  afterAll(async () => server?.close());
  beforeEach(() => (events.length = 0));

  it('the controller: a request-scoped global guard denies, then allows with REQUEST and its dependencies', async () => {
    expect(await controller(server, '/ctl/ping')).toBe(403);
    expect(await controller(server, '/ctl/ping', { 'x-tenant': 'ok' })).toBe(201);
    expect(events).toEqual(['tenant-guard:http:http-request:undefined', 'tenant-guard:http:http-request:ok']);
  });

  it.each(TRANSPORTS)('%s: denied without the tenant, on a static and on a request-scoped host', async (kind) => {
    const rpc = await driverFor(kind, server);
    try {
      for (const method of ['scoped.ping', 'scopedHost.ping']) {
        const answer = await rpc.call(method, []);
        expect(answer['error']).toMatchObject({ code: -32003 });
      }
      expect(events).toEqual(['tenant-guard:json-rpc:call-context:undefined', 'tenant-guard:json-rpc:call-context:undefined']);
    } finally {
      await rpc.close();
    }
  });

  it.each(TRANSPORTS)('%s: allowed with the tenant; the request-scoped global interceptor wraps the result with its REQUEST', async (kind) => {
    const rpc = await driverFor(kind, server);
    try {
      for (const method of ['scoped.ping', 'scopedHost.ping']) {
        const answer = await rpc.call(method, [], { 'x-tenant': 'ok' });
        expect(answer['result']).toEqual({ wrapped: 'pong', request: true });
      }
      expect(events).toEqual(['tenant-guard:json-rpc:call-context:ok', 'tenant-guard:json-rpc:call-context:ok']);
    } finally {
      await rpc.close();
    }
  });
});

describe('params that fail answer an error and the process stays up', () => {
  let server: TestServer;
  beforeAll(async () => (server = await startApp(FailingParamsModule, (app) => app.useGlobalPipes(new ValidationPipe()))));
  afterAll(async () => server?.close());
  beforeEach(() => (events.length = 0));

  it('the controller: the user decorator refuses an anonymous caller (401)', async () => {
    expect(await controller(server, '/params/pay')).toBe(401);
  });

  it.each(TRANSPORTS)('%s: invalid DTO + a user decorator that throws: -32001 (the first failure in time), nothing left unhandled', async (kind) => {
    const rpc = await driverFor(kind, server);
    try {
      expect((await rpc.call('params.pay', { amount: 'lots' }))['error']).toMatchObject({ code: -32001, message: 'Sign in first' });
      await settleDown();
      expect((await rpc.call('params.ping', []))['result']).toBe('pong');
    } finally {
      await rpc.close();
    }
  });

  /** The controller's answer to the same body, with what its pipes did. */
  async function onController(path: string): Promise<{ message: unknown; events: string[] }> {
    const reply = await postRaw(`http://127.0.0.1:${server.port}${path}`, JSON.stringify({ a: 1, b: 2 }));
    await settleDown();
    return { message: (reply.json as { message: unknown }).message, events: events.splice(0) };
  }

  it.each(TRANSPORTS)('%s: two failing params: both pipes run, the first to fail answers, as on the controller', async (kind) => {
    const reference = await onController('/params/twoFailing');
    const rpc = await driverFor(kind, server);
    try {
      const error = (await rpc.call('params.twoFailing', { a: 1, b: 2 }))['error'] as { code: number; message: string };
      await settleDown();
      expect({ message: error.message, events }).toEqual(reference);
      expect(error.code).toBe(-32001);
      expect(reference.events).toHaveLength(2);
    } finally {
      await rpc.close();
    }
  });

  it.each(TRANSPORTS)('%s: an async param decorator that rejects, beside a failing DTO: the earlier failure answers', async (kind) => {
    const rpc = await driverFor(kind, server);
    try {
      const answer = (await rpc.call('params.laterRefusal', { amount: 'lots' }))['error'] as { code: number };
      // ValidationPipe (async) rejects before the decorator's 5 ms timer.
      expect(answer.code).toBe(-32602);
      await settleDown();
      expect((await rpc.call('params.laterRefusal', { amount: 1 }))['error']).toMatchObject({ code: -32001, message: 'Refused later' });
    } finally {
      await rpc.close();
    }
  });

  it.each(TRANSPORTS)('%s: a sync pipe throwing after an async one: the sync failure answers, the async pipe still runs, as on the controller', async (kind) => {
    const reference = await onController('/params/syncAfterAsync');
    expect(reference).toEqual({ message: 'No b', events: ['refusing-pipe:b', 'slow-pipe:a'] });
    const rpc = await driverFor(kind, server);
    try {
      expect((await rpc.call('params.syncAfterAsync', { a: 1, b: 2 }))['error']).toMatchObject({ code: -32001, message: 'No b' });
      await settleDown();
      expect(events).toEqual(reference.events);
      expect((await rpc.call('params.ping', []))['result']).toBe('pong');
    } finally {
      await rpc.close();
    }
  });
});

describe('guards: order across levels and every shape of verdict', () => {
  let server: TestServer;
  beforeAll(async () => (server = await startApp(GuardOrderModule)));
  afterAll(async () => server?.close());
  beforeEach(() => (events.length = 0));

  const CASES = [
    { method: 'syncAllow', allowed: true },
    { method: 'syncDeny', allowed: false },
    { method: 'promiseDeny', allowed: false },
    { method: 'observableDeny', allowed: false },
    { method: 'observableAllow', allowed: true },
  ];

  it.each(CASES)('$method: as on the controller (global, class, method; the verdict honoured)', async ({ method, allowed }) => {
    expect(await controller(server, `/order/${method}`)).toBe(allowed ? 201 : 403);
    const reference = events.splice(0).map((event) => event.replace(':http:GuardOrderController', ''));
    for (const kind of TRANSPORTS) {
      const rpc = await driverFor(kind, server);
      try {
        const answer = await rpc.call(`order.${method}`, []);
        if (allowed) expect(answer['result']).toBe('ok');
        else expect(answer['error']).toMatchObject({ code: -32003 });
      } finally {
        await rpc.close();
      }
      expect(events.splice(0).map((event) => event.replace(':json-rpc:GuardOrderRpc', ''))).toEqual(reference);
    }
    expect(reference).toEqual(['guard:global', 'guard:class', 'guard:method']);
  });
});

describe('transient enhancers, getHandler() and aliases', () => {
  let server: TestServer;
  beforeAll(async () => (server = await startApp(TransientModule)));
  afterAll(async () => server?.close());
  beforeEach(() => (events.length = 0));

  it('the controller: transient guard and interceptor are built with their dependencies and INQUIRER; getHandler() is the method', async () => {
    expect(await controller(server, '/transient/plain')).toBe(201);
    expect(events).toEqual(['transient-guard:tick:TransientController:TransientController', 'own:plain:true', 'transient-interceptor:tick']);
  });

  it.each(TRANSPORTS)('%s: the same on a JSON-RPC method, with and without param decorators', async (kind) => {
    const rpc = await driverFor(kind, server);
    try {
      expect((await rpc.call('transient.plain', [1, 2]))['result']).toBe(3);
      expect((await rpc.call('transient.decorated', { x: 1 }))['result']).toEqual({ x: 1 });
      expect(events).toEqual([
        'transient-guard:tick:TransientRpc:TransientRpc',
        'own:plain:true',
        'transient-interceptor:tick',
        'transient-guard:tick:TransientRpc:TransientRpc',
        'own:decorated:true',
        'transient-interceptor:tick',
      ]);
    } finally {
      await rpc.close();
    }
  });

  it('a subscription handler is the real method too', async () => {
    const rpc = await wsDriver(server);
    try {
      expect(typeof (await rpc.call('transient.stream', []))['result']).toBe('string');
      expect(events).toContain('own:stream:true');
    } finally {
      await rpc.close();
    }
  });

  it('a useExisting alias of an RPC provider boots and the methods are served once', async () => {
    expect((await httpDriver(server).call('transient.plain', [2, 2]))['result']).toBe(4);
  });
});

describe('controller habits fail loudly', () => {
  it('@Headers() on a JSON-RPC method fails bootstrap, naming the method and what to use', async () => {
    await expect(startApp(HeadersModule)).rejects.toThrow(/HeadersRpc\.who .*@Headers\(\).*@RpcParams\(\).*@RpcCtx\(\)/);
  });

  describe('by-position handlers', () => {
    let server: TestServer;
    beforeAll(async () => (server = await startApp(PositionalModule)));
    afterAll(async () => server?.close());

    it.each(TRANSPORTS)('%s: add(a, b) by name without paramNames is -32602 saying how it takes its params; by position and with paramNames it works', async (kind) => {
      const rpc = await driverFor(kind, server);
      try {
        const refused = (await rpc.call('calc.add', { a: 1, b: 2 }))['error'] as { code: number; data: string[] };
        expect(refused.code).toBe(-32602);
        expect(refused.data[0]).toMatch(/"calc\.add" takes its 2 params by position.*paramNames/);
        expect((await rpc.call('calc.add', [1, 2]))['result']).toBe(3);
        expect((await rpc.call('calc.addNamed', { a: 1, b: 2 }))['result']).toBe(3);
        expect((await rpc.call('calc.echo', { a: 1 }))['result']).toEqual({ a: 1 });
      } finally {
        await rpc.close();
      }
    });

  });

  describe('a global catch-all HTTP filter', () => {
    let server: TestServer;
    let app: INestApplication;
    const logger = new RecordingLogger();
    beforeAll(async () => {
      server = await startApp(CatchAllFilterModule, (created) => created.useLogger(logger));
      app = server.app;
    });
    afterAll(async () => server?.close());

    it('warns at bootstrap about the global catch-all filter extending BaseExceptionFilter', () => {
      expect(app).toBeDefined();
      expect(logger.lines.some(({ level, text }) => level === 'warn' && text.includes('AllExceptionsFilter') && text.includes("host.getType() !== 'http'"))).toBe(true);
    });

    it.each(TRANSPORTS)('%s: a filter that throws: -32603, the real cause and the filter\'s error both logged under the method name', async (kind) => {
      const rpc = await driverFor(kind, server);
      logger.lines.length = 0;
      try {
        expect((await rpc.call('calc.boom', []))['error']).toMatchObject({ code: -32603 });
        const errors = logger.lines.filter(({ level }) => level === 'error').map(({ text }) => text);
        expect(errors).toHaveLength(2);
        expect(errors[0]).toMatch(/"calc\.boom" failed: RangeError: the real cause/);
        expect(errors[1]).toMatch(/"calc\.boom": an exception filter threw/);
      } finally {
        await rpc.close();
      }
    });
  });
});
