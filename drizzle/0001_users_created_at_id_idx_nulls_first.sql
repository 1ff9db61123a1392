-- The list orders by created_at DESC, id DESC (NULLS FIRST, PostgreSQL's default); 0000 built this index NULLS LAST,
-- which cannot serve that ORDER BY, so every page was a sequential scan plus a sort. Rebuild it in the query's order.
DROP INDEX "users_created_at_id_idx";--> statement-breakpoint
CREATE INDEX "users_created_at_id_idx" ON "users" USING btree ("created_at" DESC NULLS FIRST,"id" DESC NULLS FIRST);