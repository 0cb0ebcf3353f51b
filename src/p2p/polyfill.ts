/**
 * `Promise.withResolvers` for Node 20 (it arrived in Node 22). libp2p 3.x and its dependencies call it at run time
 * (`reference/performance-limits.md`, pitfalls): without it a dial or a stream drain throws
 * `TypeError: Promise.withResolvers is not a function`. Import this module before anything from libp2p; the p2p
 * entry (`index.ts`) and `host.ts` import it first. Installing it is idempotent and leaves a native version alone.
 */

/** The shape `Promise.withResolvers()` returns (ES2024), spelled out because the project compiles against ES2023. */
export interface PromiseWithResolversPolyfilled<T> {
  /** The pending promise. */
  promise: Promise<T>;
  /** Settle `promise` with a value. */
  resolve: (value: T | PromiseLike<T>) => void;
  /** Settle `promise` with a rejection. */
  reject: (reason?: unknown) => void;
}

/** Install `Promise.withResolvers` when the running Node lacks it; true when this call installed it. */
export function installPromiseWithResolvers(): boolean {
  const ctor = Promise as unknown as { withResolvers?: unknown };
  if (typeof ctor.withResolvers === 'function') return false;
  Object.defineProperty(Promise, 'withResolvers', {
    // `this` is the constructor it is called on, so subclasses of Promise get instances of themselves (as in ES2024).
    value: function withResolvers<T>(this: PromiseConstructor): PromiseWithResolversPolyfilled<T> {
      let resolve!: (value: T | PromiseLike<T>) => void;
      let reject!: (reason?: unknown) => void;
      const promise = new this<T>((res, rej) => {
        resolve = res;
        reject = rej;
      });
      return { promise, resolve, reject };
    },
    writable: true,
    configurable: true,
    enumerable: false,
  });
  return true;
}

installPromiseWithResolvers();
