CREATE TABLE "import_rows" (
	"upload_id" uuid NOT NULL,
	"line" integer NOT NULL,
	"record" jsonb,
	"errors" jsonb,
	CONSTRAINT "import_rows_upload_id_line_pk" PRIMARY KEY("upload_id","line")
);
--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN "external_id" text;--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN "metadata" jsonb DEFAULT '{}'::jsonb NOT NULL;--> statement-breakpoint
CREATE UNIQUE INDEX "users_external_id_key" ON "users" USING btree ("external_id");