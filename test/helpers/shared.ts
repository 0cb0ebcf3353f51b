/**
 * Where the project's shared reference material lives: `../shared` beside the repository (as CI lays it out),
 * else `/work/shared` on this machine kind.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const beside = fileURLToPath(new URL('../../../shared', import.meta.url));

/** Absolute path of `shared/`. */
export const SHARED_DIR: string = existsSync(join(beside, 'reference')) ? beside : '/work/shared';
