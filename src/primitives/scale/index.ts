/** SCALE codec with type information: see `codec.ts`. */
export * from './io.js';
export * from './codec.js';
