// Project `no-js`: the same checks with plain form posts.
import { expectFieldErrorOnce, expectLastOwnerRefusalOnce } from './field-errors';
import { test } from './support';

test('a field error shows once, at its field', async ({ page, request }) => {
  await expectFieldErrorOnce(page, request);
});

test('the last-owner refusal shows once: in the banner of a form without the field, else at the field', async ({ page, request }) => {
  await expectLastOwnerRefusalOnce(page, request, { javaScript: false });
});
