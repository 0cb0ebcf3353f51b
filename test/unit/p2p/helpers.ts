/**
 * Helpers for the p2p tests: real hosts on 127.0.0.1 with ephemeral ports, dev keys, and condition waits (tests
 * never decide on wall time; a wait only bounds how long a condition may take to become true).
 */
import { P2pHost, devNodeKey, type NodeKey, type P2pHostOptions } from '../../../src/p2p/index.js';

/** Poll `cond` every 10 ms until it holds; throws naming `what` after `timeoutMs`. */
export async function waitFor(cond: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Dev node keys for `names`. */
export async function keysFor(names: string[]): Promise<NodeKey[]> {
  return Promise.all(names.map((n) => devNodeKey(n)));
}

/** Start a host for `key` on an ephemeral loopback port. */
export async function startHost(key: NodeKey, opts: Partial<P2pHostOptions> & { allowedPeerIds: Iterable<string> }): Promise<P2pHost> {
  return P2pHost.start({
    privateKey: key.privateKey,
    listenAddrs: ['/ip4/127.0.0.1/tcp/0'],
    redial: { minDelayMs: 50, maxDelayMs: 500 },
    ...opts,
  });
}

/** The first TCP listen address of `host` (with `/p2p/<id>`). */
export function addrOf(host: P2pHost): string {
  const a = host.listenAddrs.find((x) => x.includes('/tcp/'));
  if (a === undefined) throw new Error('host has no TCP listen address');
  return a;
}

/** Start a fully meshed set of hosts, each allowing all of `keys` (plus `extraAllowed`) and dialling the ones before it. */
export async function startMesh(keys: NodeKey[], opts: Partial<P2pHostOptions> = {}, extraAllowed: string[] = []): Promise<P2pHost[]> {
  const allowed = [...keys.map((k) => k.peerId), ...extraAllowed];
  const hosts: P2pHost[] = [];
  for (const key of keys) {
    hosts.push(await startHost(key, { allowedPeerIds: allowed, bootnodes: hosts.map(addrOf), ...opts }));
  }
  await waitFor(() => hosts.every((h) => h.connectedPeers().length === keys.length - 1), 'the mesh to connect');
  return hosts;
}

/** Stop every host, ignoring ones already stopped. */
export async function stopAll(hosts: Iterable<P2pHost | undefined>): Promise<void> {
  await Promise.all([...hosts].map((h) => h?.stop()));
}
