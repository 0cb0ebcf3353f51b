import { describe, expect, it } from 'vitest';
import { utf8 } from '../../../src/primitives/bytes.js';
import { keysFor, startMesh, stopAll, waitFor } from './helpers.js';

describe('smoke', () => {
  it('two hosts gossip and request', async () => {
    const keys = await keysFor(['Alice', 'Bob']);
    const hosts = await startMesh(keys);
    try {
      const got: string[] = [];
      hosts[1].on('consensus', (b) => { got.push(new TextDecoder().decode(b)); return 'accept'; });
      hosts[1].handle('echo/1', (b) => b);
      hosts[0].broadcast('consensus', utf8('hello'));
      await waitFor(() => got.length === 1, 'gossip');
      const r = await hosts[0].request(keys[1].peerId, 'echo/1', utf8('ping'));
      expect(new TextDecoder().decode(r)).toBe('ping');
    } finally {
      await stopAll(hosts);
    }
  });
});
