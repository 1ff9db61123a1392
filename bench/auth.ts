// Credentials the bench sends with every request, per door. There is no authentication yet (the identity issue
// has not landed): every door is anonymous, and the report header says so. When it lands, sign in once in
// bench/run.ts and fill these in; everything the bench sends (one client and autocannon alike) goes through them.
export const credentials: { console: Record<string, string>; api: Record<string, string> } = {
  console: {}, // e.g. { cookie: `roster_session=${session}` }
  api: {}, // e.g. { authorization: `Bearer ${apiKey}` }
};

export const authenticated = () => Object.keys(credentials.console).length > 0 || Object.keys(credentials.api).length > 0;
