import 'server-only';
import { consoleContext } from '@/actions/context';
import { ValidationFailed } from '@/core/errors';
import { getMetrics, type MetricsDto } from '@/core/metrics';

export type MetricsResult = ({ ok: true } & MetricsDto) | { ok: false; problems: string[] };

/** The overview's figures for the signed-in user (the same core function GET /api/v1/metrics answers with). */
export async function readMetrics(query: Record<string, string | undefined>): Promise<MetricsResult> {
  try {
    return { ok: true, ...(await getMetrics(await consoleContext(), query)) };
  } catch (error) {
    if (error instanceof ValidationFailed) return { ok: false, problems: error.issues.map((issue) => issue.message) };
    throw error;
  }
}
