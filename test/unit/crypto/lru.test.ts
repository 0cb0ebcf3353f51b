import { describe, expect, it } from 'vitest';
import { LruCache } from '../../../src/crypto/lru.js';

describe('LruCache', () => {
  it('evicts the least recently used entry past capacity', () => {
    const c = new LruCache<string, number>(2);
    c.set('a', 1);
    c.set('b', 2);
    expect(c.get('a')).toBe(1); // a is now the most recent
    c.set('c', 3); // evicts b
    expect(c.has('b')).toBe(false);
    expect(c.get('a')).toBe(1);
    expect(c.get('c')).toBe(3);
    expect(c.size).toBe(2);
  });

  it('peek does not refresh, set of an existing key does', () => {
    const c = new LruCache<string, number>(2);
    c.set('a', 1);
    c.set('b', 2);
    expect(c.peek('a')).toBe(1);
    c.set('c', 3); // a was not refreshed by peek: evicted
    expect(c.has('a')).toBe(false);
    c.set('b', 20); // refresh b
    c.set('d', 4); // evicts c
    expect(c.has('c')).toBe(false);
    expect(c.get('b')).toBe(20);
  });

  it('delete, clear and capacity validation', () => {
    const c = new LruCache<number, boolean>(3);
    c.set(1, false);
    expect(c.get(1)).toBe(false);
    expect(c.delete(1)).toBe(true);
    expect(c.delete(1)).toBe(false);
    c.set(2, true);
    c.clear();
    expect(c.size).toBe(0);
    expect(() => new LruCache(0)).toThrow(RangeError);
    expect(() => new LruCache(1.5)).toThrow(RangeError);
  });
});
