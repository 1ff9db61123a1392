CREATE TYPE "public"."org_role" AS ENUM('owner', 'admin', 'member');--> statement-breakpoint
ALTER TYPE "public"."api_key_scope" ADD VALUE 'organizations:read';--> statement-breakpoint
ALTER TYPE "public"."api_key_scope" ADD VALUE 'organizations:write';--> statement-breakpoint
CREATE TABLE "organization_members" (
	"organization_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"role" "org_role" NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "organization_members_organization_id_user_id_pk" PRIMARY KEY("organization_id","user_id")
);
--> statement-breakpoint
CREATE TABLE "organizations" (
	"id" uuid PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"slug" text NOT NULL,
	"metadata" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"plan" text DEFAULT 'free' NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "audit_events" ADD COLUMN "organization_id" uuid;--> statement-breakpoint
ALTER TABLE "organization_members" ADD CONSTRAINT "organization_members_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "organization_members" ADD CONSTRAINT "organization_members_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "organization_members_user_id_idx" ON "organization_members" USING btree ("user_id");--> statement-breakpoint
CREATE INDEX "organization_members_org_created_idx" ON "organization_members" USING btree ("organization_id","created_at","user_id");--> statement-breakpoint
CREATE UNIQUE INDEX "organizations_slug_key" ON "organizations" USING btree ("slug");--> statement-breakpoint
CREATE INDEX "organizations_created_at_id_idx" ON "organizations" USING btree ("created_at" DESC NULLS FIRST,"id" DESC NULLS FIRST);--> statement-breakpoint
CREATE INDEX "organizations_name_trgm_idx" ON "organizations" USING gin ("name" gin_trgm_ops);--> statement-breakpoint
CREATE INDEX "organizations_slug_trgm_idx" ON "organizations" USING gin ("slug" gin_trgm_ops);--> statement-breakpoint
CREATE INDEX "audit_events_organization_idx" ON "audit_events" USING btree ("organization_id","position") WHERE "audit_events"."organization_id" IS NOT NULL;--> statement-breakpoint
-- Every organization keeps an owner, whatever writes to the table (the core checks first to answer clearly; this is
-- the guarantee). Demoting or removing an owner locks the organization's row first, so two transactions taking the
-- last two owners away run one after the other, and the second (READ COMMITTED: each statement here sees what was
-- committed before it) finds no other owner and fails. An organization that is gone (being deleted, its memberships
-- cascading) has no row to lock: then nothing is refused.
CREATE FUNCTION "organization_members_keep_an_owner"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF OLD."role" <> 'owner' OR (TG_OP = 'UPDATE' AND NEW."role" = 'owner' AND NEW."organization_id" = OLD."organization_id" AND NEW."user_id" = OLD."user_id") THEN
		RETURN COALESCE(NEW, OLD);
	END IF;
	PERFORM 1 FROM "organizations" WHERE "id" = OLD."organization_id" FOR UPDATE;
	IF NOT FOUND THEN
		RETURN COALESCE(NEW, OLD);
	END IF;
	PERFORM 1 FROM "organization_members"
		WHERE "organization_id" = OLD."organization_id" AND "role" = 'owner' AND "user_id" <> OLD."user_id";
	IF NOT FOUND THEN
		RAISE EXCEPTION 'organization % must keep at least one owner', OLD."organization_id"
			USING ERRCODE = 'check_violation', CONSTRAINT = 'organization_members_last_owner';
	END IF;
	RETURN COALESCE(NEW, OLD);
END
$$;--> statement-breakpoint
CREATE TRIGGER "organization_members_keep_an_owner" BEFORE UPDATE OR DELETE ON "organization_members" FOR EACH ROW EXECUTE FUNCTION "organization_members_keep_an_owner"();
