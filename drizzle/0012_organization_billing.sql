ALTER TABLE "organizations" ADD COLUMN "stripe_customer_id" text;--> statement-breakpoint
ALTER TABLE "organizations" ADD COLUMN "subscription_status" text;--> statement-breakpoint
CREATE UNIQUE INDEX "organizations_stripe_customer_id_key" ON "organizations" USING btree ("stripe_customer_id");