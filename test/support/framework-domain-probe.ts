/**
 * A child process for test/unit/http/framework-domain.test.ts: functions-framework's own server
 * (jest's sandboxed `process` cannot carry `process.domain`), with the pass-through domain
 * installed as functions/src/index.ts installs it, serving two probe functions on loopback. It
 * prints one JSON line with their URLs. The HTTP probe answers what the process has seen.
 */
import { once } from 'node:events';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type CloudEvent, cloudEvent, http } from '@google-cloud/functions-framework';
import { getTestServer } from '@google-cloud/functions-framework/testing';
import { installPassThroughDomain, PassThroughDomain } from '../../functions/src/wiring/framework-domain';

// eslint-disable-next-line @typescript-eslint/no-require-imports -- the module object the framework calls
const domainModule = require('node:domain') as typeof import('node:domain');
installPassThroughDomain();
const activeDomain = (): unknown => (process as unknown as { domain?: unknown }).domain;

/** What `process.domain` was while each probe's own code ran: 'none', 'pass-through' or 'Domain'. */
const seen: string[] = [];
const describe = (value: unknown): string =>
  value instanceof domainModule.Domain ? 'Domain' : value instanceof PassThroughDomain ? 'pass-through' : value == null ? 'none' : 'other';

cloudEvent('probeEvent', async (event: CloudEvent<{ message: { data: string } }>) => {
  seen.push(describe(activeDomain()));
  await new Promise((resolve) => setTimeout(resolve, 5));
  if (Buffer.from(event.data!.message.data, 'base64').toString() === 'fail') throw new Error('probe failure');
});

http('probeHttp', async (req, res) => {
  await Promise.resolve();
  if (req.method === 'GET') {
    res.json({ seen, created: describe(domainModule.create()), now: describe(activeDomain()) });
    return;
  }
  seen.push(describe(activeDomain()));
  res.status(200).json({ ok: true });
});

async function serve(name: string): Promise<string> {
  const server = getTestServer(name) as unknown as Server;
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
}

void (async () => {
  const urls = { event: await serve('probeEvent'), http: await serve('probeHttp') };
  process.stdout.write(`${JSON.stringify(urls)}\n`);
})();
