import { connection } from 'next/server';
import { checkDatabase } from '@/core/health';
import { getDatabase } from '@/db';
import { errorToResponse } from '@/http/problem';

/** Readiness: 200 when the database answers, 503 problem+json when it doesn't. */
export async function GET(request: Request): Promise<Response> {
  await connection();
  try {
    const { db, driver } = await getDatabase();
    await checkDatabase(db);
    return Response.json({ status: 'ready', database: driver }, { headers: { 'Cache-Control': 'no-store' } });
  } catch (error) {
    return errorToResponse(error, request);
  }
}
