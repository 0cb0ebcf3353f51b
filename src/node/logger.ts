/**
 * The node's structured logger (pino). Logs go to stderr as JSON lines; `--log` sets the level.
 */
import pino, { type Logger } from 'pino';

/** Log levels accepted by `--log`. */
export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;
/** A log level. */
export type LogLevel = (typeof LOG_LEVELS)[number];

/** A logger writing JSON lines to stderr. */
export function createLogger(level: LogLevel, name = 'dcn-node'): Logger {
  return pino({ name, level, base: { pid: process.pid } }, pino.destination({ fd: 2, sync: false }));
}
