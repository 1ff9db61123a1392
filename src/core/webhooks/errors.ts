import 'server-only';

/** Processing can't succeed by retrying (bad payload, unmapped price): the event is marked failed at once. */
export class PermanentFailure extends Error {}

/** Processing can succeed later, e.g. the customer isn't linked yet because checkout hasn't arrived. */
export class RetryLater extends Error {}
