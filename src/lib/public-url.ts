/**
 * The absolute URL of `path` where clients reach Roster: under ROSTER_BASE_URL when it is set. The request's own URL
 * only says where Next thinks it is served (`http://localhost:<port>` unless started with `-H`; the instance's own
 * address behind a load balancer), which is not an address to hand out.
 */
export function publicUrl(path: string, request: Pick<Request, 'url'>): URL {
  return new URL(path, process.env.ROSTER_BASE_URL || request.url);
}
