// The peer a team would otherwise use (issue 29, item 8): Better Auth with its admin plugin (`list-users`,
// `get-user`), served by plain node:http over PostgreSQL (DATABASE_URL, its own database on the server Roster uses).
// Run by bench/peer.ts; `--setup` creates its tables, seeds PEER_USERS users and an admin, prints the admin's session.
import http from 'node:http';
import { betterAuth } from 'better-auth';
import { getMigrations } from 'better-auth/db/migration';
import { toNodeHandler } from 'better-auth/node';
import { admin } from 'better-auth/plugins/admin';
import pg from 'pg';

const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 10 });
const baseURL = process.env.PEER_BASE_URL!;
const options = {
  database: pool,
  baseURL,
  secret: process.env.PEER_SECRET!,
  emailAndPassword: { enabled: true },
  // Like Roster's bench: measured doors are not rate limited by the peer (Better Auth limits its own sign-in paths).
  rateLimit: { enabled: false },
  plugins: [admin()],
};
const auth = betterAuth(options);

if (process.argv.includes('--setup')) {
  await (await getMigrations(options)).runMigrations();
  const users = Number(process.env.PEER_USERS);
  await pool.query(
    `INSERT INTO "user" (id, name, email, "emailVerified", "createdAt", "updatedAt", role)
     SELECT md5(random()::text), 'Peer user ' || i, 'peer' || i || '@example.com', true,
            now() - i * interval '1 second', now() - i * interval '1 second', 'user'
     FROM generate_series(1, $1) AS i`,
    [users],
  );
  const email = 'peer.admin@example.com';
  const password = 'peer-admin-password-1';
  await auth.api.signUpEmail({ body: { email, password, name: 'Peer admin' } });
  await pool.query(`UPDATE "user" SET role = 'admin' WHERE email = $1`, [email]);
  const signIn = await auth.api.signInEmail({ body: { email, password }, asResponse: true });
  const cookie = (signIn.headers.getSetCookie() ?? []).map((line) => line.split(';')[0]).join('; ');
  const ids = (await pool.query<{ id: string }>(`SELECT id FROM "user" ORDER BY "createdAt" DESC LIMIT 1000`)).rows.map((row) => row.id);
  console.log(JSON.stringify({ cookie, ids }));
  await pool.end();
} else {
  const handler = toNodeHandler(auth);
  http
    .createServer((req, res) => {
      if (req.url === '/ready') return void res.end('ok');
      void handler(req, res);
    })
    .listen(Number(process.env.PORT), '127.0.0.1');
}
