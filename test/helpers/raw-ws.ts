/**
 * A WebSocket client written on a bare TCP socket, so that a test decides when (and how fast) it reads: a slow
 * reader, or one that never reads. It speaks just enough of RFC 6455 for JSON-RPC: masked text frames out,
 * unmasked text/ping/close frames in (no fragmentation, no extensions).
 */
import net from 'node:net';

/** What arrived from the server, in order. */
export interface RawWsInbox {
  /** Text messages, parsed as JSON. */
  messages: unknown[];
  /** Bytes received on the socket so far (frames and headers). */
  bytes: number;
}

/** A raw WebSocket connection; starts paused after the handshake (the test calls `read*`). */
export class RawWs {
  readonly inbox: RawWsInbox = { messages: [], bytes: 0 };
  /** Resolves when the TCP connection is closed (by either side). */
  readonly closed: Promise<void>;
  private pending: Buffer = Buffer.alloc(0);

  private constructor(readonly socket: net.Socket) {
    this.closed = new Promise((resolve) => socket.once('close', () => resolve()));
    socket.on('data', (chunk: Buffer) => {
      this.inbox.bytes += chunk.length;
      this.pending = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
      this.parse();
    });
    socket.on('error', () => {});
  }

  /** Connect to `127.0.0.1:port` (from `localAddress` when given) and upgrade; rejects on a non-101 answer. */
  static async open(port: number, localAddress?: string): Promise<RawWs> {
    const socket = net.connect({ port, host: '127.0.0.1', ...(localAddress === undefined ? {} : { localAddress }) });
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve());
      socket.once('error', reject);
    });
    socket.write(
      'GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
        'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n',
    );
    const rest = await new Promise<Buffer>((resolve, reject) => {
      let head = Buffer.alloc(0);
      const onData = (d: Buffer) => {
        head = Buffer.concat([head, d]);
        const end = head.indexOf('\r\n\r\n');
        if (end < 0) return;
        socket.off('data', onData);
        socket.off('close', onClose);
        const status = head.subarray(0, head.indexOf('\r\n')).toString('latin1');
        if (!status.includes(' 101 ')) return reject(new Error(`upgrade refused: ${status}`));
        resolve(head.subarray(end + 4));
      };
      const onClose = () => reject(new Error(`closed during the upgrade: ${head.toString('latin1')}`));
      socket.on('data', onData);
      socket.once('close', onClose);
    });
    socket.pause();
    const ws = new RawWs(socket);
    if (rest.length > 0) socket.unshift(rest);
    return ws;
  }

  /** Send `text` as one masked text frame (an all-zero mask leaves the payload as is). */
  sendText(text: string): void {
    const payload = Buffer.from(text);
    let head: Buffer;
    if (payload.length < 126) head = Buffer.from([0x81, 0x80 | payload.length]);
    else if (payload.length < 65_536) head = Buffer.from([0x81, 0x80 | 126, payload.length >> 8, payload.length & 0xff]);
    else {
      head = Buffer.alloc(10);
      head[0] = 0x81;
      head[1] = 0x80 | 127;
      head.writeBigUInt64BE(BigInt(payload.length), 2);
    }
    this.socket.write(Buffer.concat([head, Buffer.alloc(4), payload]));
  }

  /** Read as fast as data comes. */
  readFreely(): void {
    this.socket.resume();
  }

  /** Stop reading (the kernel buffers fill, then the server's). */
  stopReading(): void {
    this.socket.pause();
  }

  private parse(): void {
    for (;;) {
      const b = this.pending;
      if (b.length < 2) return;
      const opcode = b[0] & 0x0f;
      let len = b[1] & 0x7f;
      let off = 2;
      if (len === 126) {
        if (b.length < 4) return;
        len = b.readUInt16BE(2);
        off = 4;
      } else if (len === 127) {
        if (b.length < 10) return;
        len = Number(b.readBigUInt64BE(2));
        off = 10;
      }
      if (b.length < off + len) return;
      const payload = b.subarray(off, off + len);
      this.pending = b.subarray(off + len);
      if (opcode === 0x1) this.inbox.messages.push(JSON.parse(payload.toString('utf8')));
    }
  }
}

/**
 * Read `ws` slowly until `done()` holds or the socket closes: take what the kernel has, then stop for `pauseMs`
 * (a timer, so the server sees a client that keeps reading but lags behind).
 */
export async function readSlowly(ws: RawWs, done: () => boolean, pauseMs: number): Promise<void> {
  let closed = false;
  void ws.closed.then(() => { closed = true; });
  while (!done() && !closed) {
    ws.socket.resume();
    await new Promise((r) => setImmediate(r));
    ws.socket.pause();
    await new Promise((r) => setTimeout(r, pauseMs));
  }
}
