import { expect } from 'vitest';
import { ScimError } from '@/core/scim/errors';

/** The ScimError `run` throws (failing the test when it throws anything else, or nothing). */
export function refusal(run: () => unknown): ScimError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ScimError);
    return error as ScimError;
  }
  throw new Error('expected a ScimError');
}
