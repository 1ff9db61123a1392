// `npm run openapi:types`: writes tests/support/openapi-types.ts, the TypeScript types openapi-typescript generates
// from Roster's OpenAPI document, which tests/integration/openapi-client.test.ts drives the API with (through
// openapi-fetch). Committed, so the suite typechecks before it runs; that test fails when they are out of date.
import { writeFileSync } from 'node:fs';
import { generatedTypes, generatedTypesPath } from '../tests/support/openapi-types-source';

writeFileSync(generatedTypesPath, await generatedTypes());
console.log(`wrote ${generatedTypesPath}`);
