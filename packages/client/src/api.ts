import createClient, { type Client, type ClientOptions } from 'openapi-fetch';
import type { components, paths } from './openapi-types.js';

/** An RFC 9457 problem, as every Roster API error answers (`application/problem+json`). */
export type Problem = components['schemas']['Problem'];
/** One field's or parameter's complaint inside a problem. */
export type ProblemError = NonNullable<Problem['errors']>[number];
/** A client whose calls (`GET`, `POST`, …) are typed by Roster's OpenAPI document. */
export type RosterClient = Client<paths>;

export interface RosterClientOptions extends ClientOptions {
  /** Roster's origin, e.g. `https://roster.example.com`. */
  baseUrl: string;
  /** The bearer every call carries: an API key, a session token or a JWT. */
  token?: string;
}

/**
 * A typed client (openapi-fetch): each call resolves to `{ data, error, response }`, `error` typed as the
 * operation's problem. Use `unwrap` to get the data or a thrown RosterProblem instead.
 */
export function createRosterClient({ token, ...options }: RosterClientOptions): RosterClient {
  const client = createClient<paths>(options);
  if (token) {
    client.use({
      onRequest({ request }) {
        if (!request.headers.has('authorization')) request.headers.set('authorization', `Bearer ${token}`);
        return request;
      },
    });
  }
  return client;
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null;

/** Whether a value has a problem's required members (`type`, `title`, `status`). */
export function isProblem(value: unknown): value is Problem {
  return isRecord(value) && typeof value.type === 'string' && typeof value.title === 'string' && typeof value.status === 'number';
}

/** A call that answered with an error, as an Error carrying the problem's members and the response. */
export class RosterProblem extends Error implements Problem {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly detail?: string;
  readonly instance?: string;
  readonly errors?: ProblemError[];
  readonly traceId?: string;
  readonly response: Response;

  constructor(problem: Problem, response: Response) {
    super(problem.detail ?? problem.title);
    this.name = 'RosterProblem';
    ({ type: this.type, title: this.title, status: this.status, detail: this.detail, instance: this.instance, errors: this.errors, traceId: this.traceId } = problem);
    this.response = response;
  }

  /** The problem a response carried; one without a problem body (a proxy's 502, say) becomes `about:blank`. */
  static from(body: unknown, response: Response): RosterProblem {
    return new RosterProblem(isProblem(body) ? body : { type: 'about:blank', title: response.statusText || 'Error', status: response.status }, response);
  }
}

/** The data of a call, or its problem thrown as a RosterProblem. */
export async function unwrap<Data>(call: Promise<{ data?: Data; error?: unknown; response: Response }>): Promise<Data> {
  const { data, error, response } = await call;
  if (error !== undefined || !response.ok) throw RosterProblem.from(error, response);
  return data as Data;
}
