// The Node.js flags a Roster server process starts with (`npm start`, each `npm run cluster` instance, the bench's
// server). Left to itself, Node sizes the heap from the machine's memory (about 4 GB on a 24 GiB machine) and V8 then
// lets garbage pile up to several times the live heap between full collections: importing 100,000 users peaked
// 332 MiB above idle with a live heap within 60 MiB of it. A stated limit makes V8 collect sooner: 106 MiB with
// 1,024 MB, at the same speed (docs/operations.md, "Memory"). Raise it for more than that much live data by running
// `node --max-old-space-size=<MB> scripts/start.mjs`.
export const serverNodeFlags = ['--max-old-space-size=1024'];
