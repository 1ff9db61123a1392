-- The audit trail becomes the event log: a subject of any kind, a DTO payload, and a position assigned at commit.
ALTER TABLE "audit_events" RENAME COLUMN "target_id" TO "subject_id";--> statement-breakpoint
ALTER TABLE "audit_events" ALTER COLUMN "subject_id" SET DATA TYPE text;--> statement-breakpoint
ALTER INDEX "audit_events_target_idx" RENAME TO "audit_events_subject_idx";--> statement-breakpoint
ALTER TABLE "audit_events" ADD COLUMN "subject_type" text;--> statement-breakpoint
UPDATE "audit_events" SET "subject_type" = CASE WHEN "action" LIKE 'api-key.%' THEN 'api-key' ELSE 'user' END WHERE "subject_id" IS NOT NULL;--> statement-breakpoint
-- Stripe's effects are named for what changed, like the events a webhook receiver subscribes to.
UPDATE "audit_events" SET "action" = 'subscription.updated' WHERE "action" = 'user.billing_updated';--> statement-breakpoint
UPDATE "audit_events" SET "action" = 'customer.linked' WHERE "action" = 'user.billing_linked';--> statement-breakpoint
ALTER TABLE "audit_events" ADD COLUMN "data" jsonb DEFAULT '{}'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "audit_events" ADD COLUMN "position" bigint;--> statement-breakpoint
-- Existing history, in the order it happened.
UPDATE "audit_events" AS a SET "position" = o.n FROM (SELECT "id", row_number() OVER (ORDER BY "created_at", "id") AS n FROM "audit_events") AS o WHERE a."id" = o."id";--> statement-breakpoint
CREATE SEQUENCE "audit_events_position_seq" AS bigint;--> statement-breakpoint
SELECT setval('"audit_events_position_seq"', (SELECT coalesce(max("position"), 0) + 1 FROM "audit_events"), false);--> statement-breakpoint
CREATE UNIQUE INDEX "audit_events_position_key" ON "audit_events" USING btree ("position");--> statement-breakpoint
CREATE INDEX "audit_events_created_at_idx" ON "audit_events" USING btree ("created_at");--> statement-breakpoint
CREATE TABLE "event_log_horizon" (
	"id" integer PRIMARY KEY DEFAULT 1 NOT NULL,
	"pruned_through" bigint NOT NULL,
	"pruned_at" timestamp (3) with time zone DEFAULT now() NOT NULL
);--> statement-breakpoint
ALTER TYPE "public"."api_key_scope" ADD VALUE 'events:read';--> statement-breakpoint
-- Positions are assigned at commit: this trigger runs as the transaction commits and takes a lock that is released
-- only once the commit is visible, so positions are handed out, and become visible, in commit order. A reader that
-- has passed position 41 can never miss a 40 that commits late. (A commit that fails after this leaves a gap in the
-- numbers, never an event out of order.) Then it wakes the readers with the position alone: the row is the truth.
CREATE FUNCTION "audit_events_assign_position"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
	assigned bigint;
BEGIN
	PERFORM pg_advisory_xact_lock(7470693247561);
	assigned := nextval('"audit_events_position_seq"');
	UPDATE "audit_events" SET "position" = assigned WHERE "id" = NEW."id";
	PERFORM pg_notify('roster_events', assigned::text);
	RETURN NULL;
END
$$;--> statement-breakpoint
CREATE CONSTRAINT TRIGGER "audit_events_position_at_commit" AFTER INSERT ON "audit_events" DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION "audit_events_assign_position"();
