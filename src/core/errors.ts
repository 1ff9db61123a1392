import 'server-only';

/** A field-level problem: `path` locates the field inside the input (body or query). */
export interface FieldIssue {
  path: (string | number)[];
  message: string;
}

export abstract class DomainError extends Error {
  abstract readonly code: string;
}

export class NotFound extends DomainError {
  readonly code = 'not_found';
  constructor(readonly resource: string) {
    super(`${resource} not found`);
  }
}

export class Conflict extends DomainError {
  /** A subclass may name its case (a suspended account is `suspended`): still a 409. */
  readonly code: string = 'conflict';
  /** `field` names the input field at fault, so a form can show the error beside it. */
  constructor(message: string, readonly field?: string) {
    super(message);
  }
}

export class ValidationFailed extends DomainError {
  readonly code = 'validation_failed';
  /** `source` says where the bad input came from: a request body (422) or query parameters (400). */
  constructor(readonly issues: FieldIssue[], readonly source: 'body' | 'query' = 'body') {
    super('Validation failed');
  }
}

export class PreconditionFailed extends DomainError {
  readonly code = 'precondition_failed';
  /** `currentVersion`: the version the resource is at now, when the failed condition was on its version. */
  constructor(message: string, readonly currentVersion?: number) {
    super(message);
  }
}

/** A write that must say which version it changes (ROSTER_REQUIRE_IF_MATCH) and did not. */
export class PreconditionRequired extends DomainError {
  readonly code = 'precondition_required';
  constructor(readonly resource: string, readonly currentVersion: number) {
    super(`Say which version of this ${resource} you are changing (the current one is ${currentVersion}).`);
  }
}

export class Forbidden extends DomainError {
  readonly code = 'forbidden';
  constructor(message = 'Not allowed') {
    super(message);
  }
}

/** A self sign-up that ROSTER_SIGN_UP doesn't allow (src/core/accounts/sign-up-policy.ts). */
export class SignUpClosed extends Forbidden {}

export class Unauthenticated extends DomainError {
  readonly code = 'unauthenticated';
  /** `invalidCredentials`: credentials were sent but are unknown, expired or revoked (not merely missing). */
  constructor(message = 'Authentication required', readonly invalidCredentials = false) {
    super(message);
  }
}

export class Unavailable extends DomainError {
  readonly code = 'unavailable';
  constructor(message = 'The database is unavailable') {
    super(message);
  }
}

/** A caller's request budget, as the `RateLimit-Policy` and `RateLimit` headers announce it. */
export interface RateLimitQuota {
  policy: string;
  limit: number;
  windowSeconds: number;
  remaining: number;
  resetSeconds: number;
}

export class TooManyRequests extends DomainError {
  readonly code = 'too_many_requests';
  /** `quota`: the budget that was spent, when a request budget (not a sign-in defence) refused the call. */
  constructor(readonly retryAfterSeconds: number, message = 'Too many requests.', readonly quota?: RateLimitQuota) {
    super(message);
  }
}
