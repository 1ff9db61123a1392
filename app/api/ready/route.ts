import { connection } from 'next/server';
import { Unavailable } from '@/core/errors';
import { checkDatabase } from '@/core/health';
import { getDatabase } from '@/db';
import { errorToResponse } from '@/http/problem';
import { isDraining } from '@/server/shutdown';

/** Readiness: 200 when the database answers, 503 problem+json when it doesn't or the server is shutting down. */
export async function GET(request: Request): Promise<Response> {
  await connection();
  try {
    // Load balancers stop sending traffic here while the requests already accepted finish.
    if (isDraining()) throw new Unavailable('This server is shutting down.');
    const { db, driver } = await getDatabase();
    await checkDatabase(db);
    return Response.json({ status: 'ready', database: driver }, { headers: { 'Cache-Control': 'no-store' } });
  } catch (error) {
    return errorToResponse(error, request);
  }
}
