import type { ParquetWriter } from 'hyparquet-writer';
import type { ConnectionReport } from '../diagnosis/report.js';
import type { Step } from '../state/timeline.js';

/** hyparquet's schema element, named through the writer: hyparquet itself is no dependency of ours. */
type SchemaElement = ConstructorParameters<typeof ParquetWriter>[0]['schema'][number];

/** A field's schema elements under a name: its own first, then its children's, depth first (Parquet's flattened tree). */
type Field = (name: string) => SchemaElement[];

/** A top-level column: its schema and its value in one report, shaped as the schema nests it. */
export interface ParquetColumn {
  name: string;
  schema: SchemaElement[];
  value(c: ConnectionReport, file: string): unknown;
}

const leaf =
  (element: Omit<SchemaElement, 'name' | 'repetition_type'>): Field =>
  (name) => [{ name, repetition_type: 'REQUIRED', ...element }];

const string = leaf({ type: 'BYTE_ARRAY', converted_type: 'UTF8', logical_type: { type: 'STRING' } });
const int32 = leaf({ type: 'INT32' });
const int64 = leaf({ type: 'INT64' });
const boolean = leaf({ type: 'BOOLEAN' });
/** An instant, as Spark, BigQuery and Trino read a TIMESTAMP (DuckDB: TIMESTAMP WITH TIME ZONE). */
const timestamp = leaf({ type: 'INT64', converted_type: 'TIMESTAMP_MICROS', logical_type: { type: 'TIMESTAMP', isAdjustedToUTC: true, unit: 'MICROS' } });

function nullable(field: Field): Field {
  return (name) => {
    const [own, ...children] = field(name);
    return [{ ...own!, repetition_type: 'OPTIONAL' }, ...children];
  };
}

function struct(fields: Record<string, Field>): Field {
  return (name) => [{ name, repetition_type: 'REQUIRED', num_children: Object.keys(fields).length }, ...Object.entries(fields).flatMap(([child, field]) => field(child))];
}

/** The standard three-level LIST: the legacy two-level form is read differently by Spark, Hive and BigQuery. */
function list(element: Field): Field {
  return (name) => [
    { name, repetition_type: 'REQUIRED', converted_type: 'LIST', logical_type: { type: 'LIST' }, num_children: 1 },
    { name: 'list', repetition_type: 'REPEATED', num_children: 1 },
    ...element('element'),
  ];
}

const bothSides = (field: Field): Field => struct({ client: field, server: field });
const endpoint = struct({ ip: string, port: int32 });
const step = struct({ time: timestamp, frame: nullable(int64), state: string, cause: string, inferred: boolean });
const tunnel = struct({ kind: string, id: nullable(int64), outer: struct({ src: string, dst: string }) });

const int = (n: number): bigint => BigInt(n);
const nullableInt = (n: number | null): bigint | null => (n === null ? null : BigInt(n));
/** Seconds since the epoch to whole microseconds: rounded, since seconds × 10⁶ in doubles lands a hair either side of the whole number. */
const micros = (seconds: number): bigint => BigInt(Math.round(seconds * 1e6));
const steps = (s: Step[]) => s.map((x) => ({ time: micros(x.time), frame: nullableInt(x.frame), state: x.state, cause: x.cause, inferred: x.inferred }));

function column(name: string, field: Field, value: ParquetColumn['value']): ParquetColumn {
  return { name, schema: field(name), value };
}

/**
 * `analyze --format parquet` (docs/output.md "Parquet"): NDJSON's fields under the same
 * names, nested the same way, so one query reads either (`server.ip`, `timeline.client`).
 * The per-side counters and the RST, ICMP and earlier-connection records are NDJSON's
 * alone.
 */
export const PARQUET_COLUMNS: readonly ParquetColumn[] = [
  column('file', string, (_c, file) => file),
  column('stream', int64, (c) => int(c.stream)),
  column('client', endpoint, (c) => c.client),
  column('server', endpoint, (c) => c.server),
  column('tunnel', list(tunnel), (c) => c.tunnel.map((t) => ({ kind: t.kind, id: nullableInt(t.id), outer: t.outer }))),
  column('roleGuessed', boolean, (c) => c.roleGuessed),
  column('firstFrame', int64, (c) => int(c.firstFrame)),
  column('lastFrame', int64, (c) => int(c.lastFrame)),
  column('start', timestamp, (c) => micros(c.start)),
  column('end', timestamp, (c) => micros(c.end)),
  column('packets', bothSides(int64), (c) => ({ client: int(c.packets.client), server: int(c.packets.server) })),
  column('bytes', bothSides(int64), (c) => ({ client: int(c.bytes.client), server: int(c.bytes.server) })),
  column('flags', list(string), (c) => c.flags),
  column('timeline', bothSides(list(step)), (c) => ({ client: steps(c.timeline.client), server: steps(c.timeline.server) })),
  column('history', string, (c) => c.history),
  column('established', boolean, (c) => c.established),
  column('communityId', string, (c) => c.communityId),
  column('reportedBecause', string, (c) => c.reportedBecause),
  column('reportedAt', timestamp, (c) => micros(c.reportedAt)),
  column('ending', string, (c) => c.ending),
  column('detail', nullable(string), (c) => c.detail),
  column('closer', nullable(string), (c) => c.closer),
  column('evidence', list(int64), (c) => c.evidence.map(int)),
  column('apps', bothSides(string), (c) => c.apps),
  column('explanation', string, (c) => c.explanation),
  column('zeek', struct({ connState: string, history: string }), (c) => c.zeek),
  column('filter', string, (c) => c.filter),
];

/** The file's schema: a root over every column. */
export function parquetSchema(): SchemaElement[] {
  return [{ name: 'root', num_children: PARQUET_COLUMNS.length }, ...PARQUET_COLUMNS.flatMap((c) => c.schema)];
}
