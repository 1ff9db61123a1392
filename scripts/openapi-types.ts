// `npm run openapi:types`: writes packages/client/src/openapi-types.ts, the TypeScript types openapi-typescript
// generates from Roster's OpenAPI document: the typed client (@roster/client) ships them, and
// tests/integration/openapi-client.test.ts drives the API with them (through openapi-fetch). Committed, so the suite
// typechecks before it runs; tests/integration/openapi.test.ts fails when they are out of date.
import { writeFileSync } from 'node:fs';
import { generatedTypes, generatedTypesPath } from '../tests/support/openapi-types-source';

writeFileSync(generatedTypesPath, await generatedTypes());
console.log(`wrote ${generatedTypesPath}`);
