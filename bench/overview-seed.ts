// Grows the bench database to the overview scenario's size: N users, M events and about 5,000 active users a day.
// Each table is loaded by one INSERT … SELECT generate_series inside one transaction that first drops the table's
// secondary indexes and builds them again afterwards (one sort per index instead of a million index insertions;
// a failure rolls everything back, indexes included). The tables stay logged: what is measured reads them as
// production would. Counts are topped up, so a re-run on BENCH_DATABASE_URL adds only what is missing.
import type pg from 'pg';

export interface OverviewSizes {
  users: number;
  events: number;
}

export interface SeededOverview {
  users: number;
  events: number;
  activityRows: number;
  seedSeconds: number;
}

/** Index builds and the events' time-ordering sort in memory up to these (this session only). */
const sessionMemory = { maintenance_work_mem: '1GB', work_mem: '512MB' };

/**
 * Runs `load` between dropping `table`'s indexes that back no constraint and creating them again, in one transaction.
 * `alsoWrites`: tables `load` writes besides `table`, locked before it.
 */
async function withIndexesRebuilt(client: pg.Client, table: string, load: () => Promise<void>, alsoWrites: string[] = []): Promise<void> {
  await client.query('BEGIN');
  try {
    // Every table up front, in one order: the running server reads them (its webhook dispatcher holds its cursor
    // while it reads the events), and taking locks as the load goes would deadlock with it.
    await client.query(`LOCK TABLE ${[...alsoWrites, table].join(', ')} IN ACCESS EXCLUSIVE MODE`);
    const { rows } = await client.query<{ name: string; definition: string }>(
      `SELECT i.indexrelid::regclass::text AS name, pg_get_indexdef(i.indexrelid) AS definition
       FROM pg_index i
       WHERE i.indrelid = $1::regclass AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)`,
      [table],
    );
    for (const { name } of rows) await client.query(`DROP INDEX ${name}`);
    await load();
    for (const { definition } of rows) await client.query(definition);
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK');
    throw error;
  }
}

async function countOf(client: pg.Client, table: string): Promise<number> {
  const { rows } = await client.query<{ n: string }>(`SELECT count(*) AS n FROM ${table}`);
  return Number(rows[0]!.n);
}

/** Users created across the last two years, so sign-ups per day have something to count. */
async function seedUsers(client: pg.Client, more: number): Promise<void> {
  if (more <= 0) return;
  await withIndexesRebuilt(client, 'users', () =>
    client.query(
      `INSERT INTO users (id, email, name, role, plan, created_at, updated_at)
       SELECT gen_random_uuid(), 'overview' || i || '-' || $2::text || '@bench.example', 'Overview user ' || i, 'member',
              (ARRAY['free','free','free','pro','team'])[1 + i % 5], now() - (i % 730) * interval '1 day' - (i % 86400) * interval '1 second', now()
       FROM generate_series(1, $1::int) AS i`,
      [more, Date.now().toString(36)],
    ).then(() => undefined),
  );
}

/**
 * Events over the last 90 days, one in twenty a failed sign-in. They are history: the trigger that numbers events
 * at commit (and wakes every reader with a NOTIFY per row) is off for this one load, the positions are taken from
 * its sequence in time order, and the webhook dispatcher's cursor is moved past them (there is no endpoint to
 * deliver to), so the server under test does not spend the measurement walking five million events.
 */
async function seedEvents(client: pg.Client, more: number): Promise<void> {
  if (more <= 0) return;
  await withIndexesRebuilt(client, 'audit_events', async () => {
    await client.query('ALTER TABLE audit_events DISABLE TRIGGER audit_events_position_at_commit');
    await client.query(
      `INSERT INTO audit_events (id, position, actor, door, action, subject_type, subject_id, changes, created_at)
       SELECT gen_random_uuid(), nextval('audit_events_position_seq'), 'anonymous', 'api', e.action, 'user', 'bench', '{}'::jsonb, e.created_at
       FROM (
         SELECT CASE WHEN i % 20 = 0 THEN 'user.sign-in-failed' ELSE 'user.updated' END AS action,
                now() - (i % 7776000) * interval '1 second' AS created_at
         FROM generate_series(1, $1::int) AS i
         ORDER BY created_at
       ) AS e`,
      [more],
    );
    await client.query('ALTER TABLE audit_events ENABLE TRIGGER audit_events_position_at_commit');
    await client.query(`UPDATE webhook_dispatch_cursor SET position = (SELECT max(position) FROM audit_events) WHERE id = 1`);
  }, ['webhook_dispatch_cursor']);
}

/** About 5,000 active users a day for 90 days, drawn from the newest 50,000. */
async function seedActivity(client: pg.Client): Promise<void> {
  await client.query(
    `INSERT INTO user_activity_days (user_id, day)
     SELECT u.id, (now() AT TIME ZONE 'UTC')::date - d
     FROM generate_series(0, 89) AS d
     CROSS JOIN LATERAL (SELECT id FROM users ORDER BY created_at DESC OFFSET (d * 523) % 45000 LIMIT 5000) AS u
     ON CONFLICT DO NOTHING`,
  );
}

export async function seedOverview(client: pg.Client, sizes: OverviewSizes): Promise<SeededOverview> {
  const started = performance.now();
  for (const [setting, value] of Object.entries(sessionMemory)) await client.query(`SET ${setting} = '${value}'`);
  await seedUsers(client, sizes.users - (await countOf(client, 'users')));
  await seedEvents(client, sizes.events - (await countOf(client, 'audit_events')));
  await seedActivity(client);
  await client.query('ANALYZE');
  return {
    users: await countOf(client, 'users'),
    events: await countOf(client, 'audit_events'),
    activityRows: await countOf(client, 'user_activity_days'),
    seedSeconds: (performance.now() - started) / 1000,
  };
}
