// `npm run roster -- webhooks:listen --port 4000 --secret whsec_…`: a local webhook receiver, like `stripe listen`.
// It verifies each delivery with the Standard Webhooks reference library and prints it: the quickest way to see what
// Roster sends. Point an endpoint at it (with ROSTER_WEBHOOK_ALLOW_PRIVATE_NETWORKS=1 on a development server).
import http from 'node:http';
import { Webhook, WebhookVerificationError } from 'standardwebhooks';
import { parseCommandLine, UsageError } from '../cli';
import type { Command } from './command';

const usage = `Usage: npm run roster -- webhooks:listen --secret whsec_... [--port 4000] [--host 127.0.0.1]

Listens for Roster's outgoing webhooks, verifies each signature (webhook-id, webhook-timestamp, webhook-signature)
with the endpoint's signing secret, and prints the event. Answers 204 to a verified delivery, 401 to anything else.
Runs until Ctrl+C. Add an endpoint for http://127.0.0.1:<port>/ on the console's Integrations page or through
POST /api/v1/webhook-endpoints; the server must run with ROSTER_WEBHOOK_ALLOW_PRIVATE_NETWORKS=1 to reach it.`;

const command: Command = {
  summary: 'receive, verify and print outgoing webhooks locally',
  async run(argv) {
    const { values } = parseCommandLine({ args: argv, options: { secret: { type: 'string' }, port: { type: 'string' }, host: { type: 'string' } } }, usage);
    if (!values.secret?.startsWith('whsec_')) throw new UsageError(`--secret whsec_... is required\n${usage}`);
    const port = Number(values.port ?? 4000);
    if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new UsageError(`--port must be a port number\n${usage}`);
    const webhook = new Webhook(values.secret);

    const server = http.createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        try {
          const event = webhook.verify(body, request.headers as Record<string, string>) as { type?: string; id?: string };
          console.log(`${new Date().toISOString()} ✔ ${event.type ?? '(no type)'} ${event.id ?? ''} (webhook-id ${request.headers['webhook-id']})`);
          console.log(JSON.stringify(event, null, 2));
          response.writeHead(204).end();
        } catch (error) {
          const reason = error instanceof WebhookVerificationError ? error.message : 'unreadable request';
          console.log(`${new Date().toISOString()} ✘ refused ${request.method} ${request.url}: ${reason}`);
          response.writeHead(401, { 'content-type': 'text/plain' }).end(`${reason}\n`);
        }
      });
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, values.host ?? '127.0.0.1', () => resolve());
    });
    const address = server.address();
    console.log(`Listening for webhooks on http://${values.host ?? '127.0.0.1'}:${typeof address === 'object' && address ? address.port : port}/ (Ctrl+C to stop)`);
    await new Promise<void>((resolve) => process.once('SIGINT', () => server.close(() => resolve())));
  },
};

export default command;
