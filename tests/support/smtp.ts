import net, { type AddressInfo, type Socket } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';

// A real SMTP server on loopback for the tests: STARTTLS (smtp-server's built-in certificate) and AUTH required,
// every message received over the wire and parsed with mailparser.

export const SMTP_USER = 'roster';
export const SMTP_PASS = 'smtp-test-password';

export interface TestSmtpServer {
  /** A ROSTER_SMTP_URL for this server (STARTTLS required; its self-signed certificate accepted). */
  url: string;
  messages: ParsedMail[];
  /** Refuses the next `count` messages with a temporary error (451), as a struggling server would. */
  refuseNext(count: number): void;
  /** The first message to `address` received after the call started, waiting (polling) until it arrives. */
  waitFor(address: string, options?: { after?: number }): Promise<ParsedMail>;
  close(): Promise<void>;
}

export async function startSmtpServer(): Promise<TestSmtpServer> {
  const messages: ParsedMail[] = [];
  let refusals = 0;
  const server = new SMTPServer({
    authMethods: ['PLAIN', 'LOGIN'],
    onAuth(auth, _session, callback) {
      if (auth.username === SMTP_USER && auth.password === SMTP_PASS) callback(null, { user: auth.username });
      else callback(new Error('Invalid username or password'));
    },
    onRcptTo(_address, _session, callback) {
      if (refusals > 0) {
        refusals -= 1;
        const error = Object.assign(new Error('Mailbox temporarily unavailable'), { responseCode: 451 });
        callback(error);
        return;
      }
      callback();
    },
    onData(stream, _session, callback) {
      simpleParser(stream)
        .then((parsed) => {
          messages.push(parsed);
          callback();
        })
        .catch(callback);
    },
    logger: false,
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  return {
    url: `smtp://${SMTP_USER}:${SMTP_PASS}@127.0.0.1:${port}?tls.rejectUnauthorized=false`,
    messages,
    refuseNext(count) {
      refusals = count;
    },
    async waitFor(address, { after = 0 } = {}) {
      for (;;) {
        const found = messages.slice(after).find((message) => recipients(message).includes(address.toLowerCase()));
        if (found) return found;
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export function recipients(message: ParsedMail): string[] {
  const to = [message.to ?? []].flat();
  return to.flatMap((group) => group.value.map((entry) => (entry.address ?? '').toLowerCase()));
}

/** The first link to Roster in a message's text part, and the same in its HTML part. */
export function linksIn(message: ParsedMail): { text: string | undefined; html: string | undefined } {
  const pattern = /https?:\/\/[^\s"<>]+/;
  return { text: pattern.exec(message.text ?? '')?.[0], html: pattern.exec(typeof message.html === 'string' ? message.html : '')?.[0] };
}

export interface StalledSmtpServer {
  /** A ROSTER_SMTP_URL for this server, plain SMTP: nothing ever gets as far as STARTTLS. */
  url: string;
  /** Connections accepted so far. */
  connections(): number;
  /** Waits (polling) until more than `after` connections have been accepted. */
  waitForConnection({ after }: { after: number }): Promise<void>;
  close(): Promise<void>;
}

/** A mail server that hangs: a raw TCP listener that accepts each connection and then never sends the greeting. */
export async function startStalledSmtpServer(): Promise<StalledSmtpServer> {
  const open = new Set<Socket>();
  let accepted = 0;
  const server = net.createServer((socket) => {
    accepted += 1;
    open.add(socket);
    socket.on('error', () => undefined); // the client giving up resets the connection
    socket.on('close', () => open.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `smtp://127.0.0.1:${port}?requireTLS=false`,
    connections: () => accepted,
    async waitForConnection({ after }) {
      while (accepted <= after) await new Promise((resolve) => setTimeout(resolve, 25));
    },
    close() {
      for (const socket of open) socket.destroy();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
