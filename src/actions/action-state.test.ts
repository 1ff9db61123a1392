import { describe, expect, it } from 'vitest';
import { bannerMessages, failure, fieldsSummary } from './action-state';

describe('bannerMessages: every message once, at its field or in the banner', () => {
  const taken = 'A user with this email already exists';
  const lastOwner = 'This member is the last owner of the organization “Acme” (acme): make someone else an owner first.';

  it('points at a shown field instead of repeating its error', () => {
    expect(bannerMessages(failure(taken, {}, { email: taken }), ['email', 'name'])).toEqual([fieldsSummary]);
    expect(bannerMessages(failure(fieldsSummary, {}, { name: 'Name is required' }), ['email', 'name'])).toEqual([fieldsSummary]);
  });

  it('keeps an error about a field the form doesn’t show, once', () => {
    expect(bannerMessages(failure(lastOwner, {}, { role: lastOwner }), [])).toEqual([lastOwner]);
    expect(bannerMessages(failure(fieldsSummary, {}, { form: 'Too many ids' }), ['name'])).toEqual(['Too many ids']);
    expect(bannerMessages(failure(fieldsSummary, {}, { name: 'Name is required', form: 'Too many ids' }), ['name'])).toEqual([fieldsSummary, 'Too many ids']);
  });

  it('shows messages without a field, and successes, as they are', () => {
    expect(bannerMessages(failure('Try again in 3 seconds.', {}), ['email'])).toEqual(['Try again in 3 seconds.']);
    expect(bannerMessages({ status: 'success', message: 'Saved.' }, ['email'])).toEqual(['Saved.']);
    expect(bannerMessages({ status: 'idle' }, ['email'])).toEqual([]);
  });
});
