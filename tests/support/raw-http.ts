import net from 'node:net';

/**
 * `GET path` with a bearer token, written to a raw socket (so a test can close it, or stop reading, at any moment), and
 * what came back, collected as it arrives.
 */
export function rawGet(origin: string, path: string, token: string) {
  const { port, host } = new URL(origin);
  const socket = net.connect(Number(port), '127.0.0.1');
  socket.on('error', () => {}); // a reset is one of the outcomes looked at, not a failure
  socket.write(`GET ${path} HTTP/1.1\r\nHost: ${host}\r\nAuthorization: Bearer ${token}\r\n\r\n`);
  const chunks: Buffer[] = [];
  let length = 0;
  socket.on('data', (chunk: Buffer) => {
    chunks.push(chunk);
    length += chunk.length;
  });
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  const received = () => Buffer.concat(chunks).toString('latin1');
  /** Resolves once what has arrived passes `check`. */
  const arrived = (what: string, check: () => boolean) =>
    new Promise<void>((resolve, reject) => {
      const test = () => check() && (socket.off('data', test), resolve());
      socket.on('data', test);
      socket.once('close', () => reject(new Error(`the connection closed before ${what}, having received:\n${received().slice(0, 500)}`)));
      test();
    });
  return {
    socket,
    closed,
    received,
    headArrived: () => arrived('the head', () => received().includes('\r\n\r\n')),
    bytesArrived: (count: number) => arrived(`${count} bytes`, () => length >= count),
  };
}
