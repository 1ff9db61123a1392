import 'server-only';
import type { z } from 'zod';
import type { Transaction } from '@/db/client';
import type { Principal } from '../principal';

/** Which input an item error is about: a line of an upload (imports) or a user (bulk actions). */
export type ItemRef = { line: number; userId?: undefined } | { userId: string; line?: undefined };

/** One problem with one item, as GET /api/v1/jobs/{id} lists it. */
export interface ItemError {
  field?: string;
  code: string;
  detail: string;
}

/** An item a batch refused, with why. */
export interface RefusedItem {
  ref: ItemRef;
  errors: ItemError[];
}

/** What a kind's chunk sees: the job, its own parameters, where it stopped, and the chunk's transaction. */
export interface JobChunk<Params, Cursor> {
  readonly jobId: string;
  readonly params: Params;
  /** Where the previous chunk stopped; null on the first. */
  readonly cursor: Cursor | null;
  /** Who started the job, carrying its id: pass it to use cases so every event they record names the job. */
  readonly principal: Principal;
  /** The chunk's transaction: read with it. The cursor and the counters commit with it. */
  readonly tx: Transaction;
  /**
   * Applies one item all or nothing, in its own savepoint: its writes (and their events) commit with the chunk, or,
   * if `apply` throws, none of them do and the error is recorded for `ref` (domain errors as their code, field and
   * message; anything else as `internal`). Resolves true when applied.
   */
  item(ref: ItemRef, apply: (tx: Transaction) => Promise<void>): Promise<boolean>;
  /**
   * Applies many items in one savepoint (one round trip per table instead of one per item): `apply` writes them and
   * answers the ones it refused with their errors; the others count as applied. If `apply` throws, none of its writes
   * stay, nothing is counted and this resolves false: try the items one by one with `item` then.
   */
  items(apply: (tx: Transaction) => Promise<RefusedItem[]>, count: number): Promise<boolean>;
  /** Counts an item as failed without trying it (e.g. a row that does not parse), with its errors. */
  reject(ref: ItemRef, errors: ItemError[]): Promise<void>;
  /** Sets the job's total once it is known (a streamed input learns it as it goes). */
  setTotal(total: number): void;
}

/** What a chunk answers: the cursor to resume from, and whether the job is done. */
export interface ChunkResult<Cursor> {
  cursor: Cursor;
  done: boolean;
}

/**
 * A kind of job. `params` validates what createJob stores (JSON, never a secret). `runChunk` does the next slice of
 * work after `chunk.cursor` and says where it stopped: the runner commits that cursor with the chunk's items, so a
 * restart resumes exactly after the last committed item. Keep a chunk short (a few hundred items, a few seconds): the
 * lease is renewed and cancellation is seen between chunks.
 */
export interface JobKind<Params = unknown, Cursor = unknown> {
  readonly name: string;
  readonly params: z.ZodType<Params>;
  runChunk(chunk: JobChunk<Params, Cursor>): Promise<ChunkResult<Cursor>>;
}

/** Declares a job kind with its types inferred (list it in ./kinds.ts so the runner knows it). */
export const defineJobKind = <Params, Cursor>(kind: JobKind<Params, Cursor>): JobKind<Params, Cursor> => kind;
