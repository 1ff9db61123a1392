// The report's chart: Vega-Lite, rendered to SVG in Node (no canvas, no browser).
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import type { BenchResult } from './results';
import { doorLabels } from './scenarios';
import { spread } from './stats';

interface Row {
  database: string;
  scenario: string;
  door: string;
  median: number;
  min: number;
  max: number;
}

function panel(title: string, yTitle: string, rows: Row[], scenarios: string[]) {
  return {
    title,
    data: { values: rows },
    facet: { column: { field: 'database', type: 'nominal', title: null } },
    spec: {
      width: 330,
      height: 200,
      encoding: {
        x: { field: 'scenario', type: 'nominal', sort: scenarios, title: null, axis: { labelAngle: 0 } },
        xOffset: { field: 'door', type: 'nominal', sort: Object.values(doorLabels) },
      },
      layer: [
        {
          mark: { type: 'bar' },
          encoding: {
            y: { field: 'median', type: 'quantitative', title: yTitle },
            color: { field: 'door', type: 'nominal', sort: Object.values(doorLabels), scale: { domain: Object.values(doorLabels) }, legend: { title: null, orient: 'bottom', columns: 3, labelLimit: 320 } },
            tooltip: [{ field: 'door' }, { field: 'median', format: '.1f' }, { field: 'min', format: '.1f' }, { field: 'max', format: '.1f' }],
          },
        },
        { mark: { type: 'rule', color: '#333' }, encoding: { y: { field: 'min', type: 'quantitative' }, y2: { field: 'max' } } },
      ],
    },
  };
}

/** Two panels: one-client median latency, and throughput at the highest concurrency; bars are medians, whiskers min–max. */
export async function renderChart(result: BenchResult): Promise<string> {
  const connections = Math.max(...result.settings.connections);
  const latency: Row[] = [];
  const throughput: Row[] = [];
  const scenarios: string[] = [];
  for (const database of result.databases) {
    for (const scenario of database.scenarios) {
      if (!scenarios.includes(scenario.name)) scenarios.push(scenario.name);
      for (const door of scenario.doors) {
        const base = { database: database.kind === 'pglite' ? 'PGlite' : 'PostgreSQL', scenario: scenario.name, door: door.label };
        latency.push({ ...base, ...spread(door.sequential.p50) });
        const load = door.load[String(connections)];
        if (load) throughput.push({ ...base, ...spread(load.requestsPerSecond) });
      }
    }
  }
  const fanout = result.databases.flatMap((database) =>
    database.fanout
      ? (['p50', 'p90', 'p99'] as const).map((percentile) => ({
          database: database.kind === 'pglite' ? 'PGlite' : 'PostgreSQL',
          percentile,
          ms: database.fanout!.latencyMs[percentile],
        }))
      : [],
  );
  const spec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    config: { font: 'sans-serif', view: { stroke: null } },
    vconcat: [
      panel('One client, one request at a time: p50 latency (ms, lower is better)', 'p50 latency (ms)', latency, scenarios),
      panel(`${connections} concurrent connections: throughput (req/s, higher is better)`, 'requests per second', throughput, scenarios),
      ...(fanout.length > 0
        ? [
            {
              title: 'SSE fan-out: commit to delivery at each subscriber (ms, lower is better; target p99 < 200)',
              data: { values: fanout },
              facet: { column: { field: 'database', type: 'nominal', title: null } },
              spec: {
                width: 160,
                height: 160,
                mark: { type: 'bar', color: '#4c78a8' },
                encoding: {
                  x: { field: 'percentile', type: 'nominal', title: null, axis: { labelAngle: 0 } },
                  y: { field: 'ms', type: 'quantitative', title: 'ms' },
                  tooltip: [{ field: 'percentile' }, { field: 'ms', format: '.1f' }],
                },
              },
            },
          ]
        : []),
    ],
    resolve: { scale: { color: 'shared' } },
  } as unknown as TopLevelSpec;
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
