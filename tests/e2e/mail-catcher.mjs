// A real SMTP server on loopback for the end-to-end tests, built on `smtp-server`, with an HTTP side for the tests
// to read what arrived. Started by playwright.config.ts as a webServer: `node tests/e2e/mail-catcher.mjs`.
//
// - SMTP on MAIL_E2E_SMTP_PORT: STARTTLS (smtp-server's built-in certificate) and AUTH PLAIN/LOGIN as
//   roster / roster-e2e-smtp, as a real provider on port 587 would require.
// - HTTP on MAIL_E2E_HTTP_PORT: GET /messages?to=<address> answers the messages to that address, oldest first,
//   parsed with mailparser: [{ to, subject, text, html }]. GET /health answers 200.
import http from 'node:http';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

const smtpPort = Number(process.env.MAIL_E2E_SMTP_PORT ?? 3102);
const httpPort = Number(process.env.MAIL_E2E_HTTP_PORT ?? 3103);
const messages = [];

const smtp = new SMTPServer({
  authMethods: ['PLAIN', 'LOGIN'],
  onAuth(auth, _session, callback) {
    if (auth.username === 'roster' && auth.password === 'roster-e2e-smtp') callback(null, { user: 'roster' });
    else callback(new Error('Invalid username or password'));
  },
  onData(stream, _session, callback) {
    simpleParser(stream)
      .then((parsed) => {
        const to = [parsed.to ?? []].flat().flatMap((group) => group.value.map((entry) => (entry.address ?? '').toLowerCase()));
        messages.push({ to, subject: parsed.subject ?? '', text: parsed.text ?? '', html: typeof parsed.html === 'string' ? parsed.html : '' });
        callback();
      })
      .catch(callback);
  },
  logger: false,
});
smtp.listen(smtpPort, '127.0.0.1');

http
  .createServer((request, response) => {
    const url = new URL(request.url ?? '/', `http://127.0.0.1:${httpPort}`);
    if (url.pathname === '/health') return response.end('ok');
    if (url.pathname !== '/messages') {
      response.statusCode = 404;
      return response.end();
    }
    const to = (url.searchParams.get('to') ?? '').toLowerCase();
    response.setHeader('content-type', 'application/json');
    response.end(JSON.stringify(messages.filter((message) => message.to.includes(to))));
  })
  .listen(httpPort, '127.0.0.1');
