import { describe, expect, it } from 'vitest';
import { installPromiseWithResolvers } from '../../../src/p2p/polyfill.js';

describe('Promise.withResolvers polyfill', () => {
  it('is present after import, settles its promise, and is not installed twice', async () => {
    const ctor = Promise as unknown as { withResolvers<T>(): { promise: Promise<T>; resolve(v: T): void; reject(e: unknown): void } };
    expect(typeof ctor.withResolvers).toBe('function');
    const ok = ctor.withResolvers<number>();
    ok.resolve(42);
    expect(await ok.promise).toBe(42);
    const bad = ctor.withResolvers<number>();
    bad.reject(new Error('no'));
    await expect(bad.promise).rejects.toThrow('no');
    expect(installPromiseWithResolvers()).toBe(false);
  });
});
