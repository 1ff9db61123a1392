import { describe, expect, it } from 'vitest';
import { tagsForEvent } from './tags';

// What every instance expires when its event feed hears of an event (src/server/cache-tags.ts): the views that show
// what the event changed, on whichever door or instance it happened.

const user = '0190a7c2-0000-7000-8000-000000000001';
const organization = '0190a7c2-0000-7000-8000-000000000002';

describe('tagsForEvent', () => {
  it('a user’s event: the users list and their views', () => {
    expect(tagsForEvent({ type: 'user', id: user }, null)).toEqual(['users', `user:${user}`]);
  });

  it('an organization’s own event: the organizations list and its views', () => {
    expect(tagsForEvent({ type: 'organization', id: organization }, organization)).toEqual(['organizations', `organization:${organization}`]);
  });

  it('a membership’s event (about the user, in the organization): both, so the user’s page shows their organizations', () => {
    expect(tagsForEvent({ type: 'user', id: user }, organization).sort()).toEqual(['organizations', `organization:${organization}`, 'users', `user:${user}`].sort());
  });

  it('a Stripe event’s: the webhooks list; an event about nothing shown: none', () => {
    expect(tagsForEvent({ type: 'webhook-event', id: 'evt_1' })).toEqual(['webhooks']);
    expect(tagsForEvent(null)).toEqual([]);
    expect(tagsForEvent({ type: 'api-key', id: user }, null)).toEqual([]);
  });
});
