CREATE TYPE "public"."benchmark_source" AS ENUM('import', 'sweep');--> statement-breakpoint
CREATE TABLE "benchmark_datasets" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"source" "benchmark_source" NOT NULL,
	"team_id" uuid,
	"created_by" uuid,
	"definition" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"results_token_hash" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "benchmark_datasets_results_token_hash_unique" UNIQUE("results_token_hash")
);
--> statement-breakpoint
CREATE TABLE "benchmark_results" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"dataset_id" uuid NOT NULL,
	"configuration_id" text NOT NULL,
	"attempt" integer NOT NULL,
	"result" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "ranking_profiles" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"user_id" uuid NOT NULL,
	"name" text NOT NULL,
	"criteria" jsonb NOT NULL,
	"weights" jsonb NOT NULL,
	"directions" jsonb NOT NULL,
	"normalization" text NOT NULL,
	"constraints" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "share_links" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"token_hash" text NOT NULL,
	"dataset_id" uuid,
	"title" text NOT NULL,
	"snapshot" jsonb NOT NULL,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"revoked_at" timestamp with time zone,
	CONSTRAINT "share_links_token_hash_unique" UNIQUE("token_hash")
);
--> statement-breakpoint
ALTER TABLE "benchmark_datasets" ADD CONSTRAINT "benchmark_datasets_team_id_teams_id_fk" FOREIGN KEY ("team_id") REFERENCES "public"."teams"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "benchmark_datasets" ADD CONSTRAINT "benchmark_datasets_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "benchmark_results" ADD CONSTRAINT "benchmark_results_dataset_id_benchmark_datasets_id_fk" FOREIGN KEY ("dataset_id") REFERENCES "public"."benchmark_datasets"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ranking_profiles" ADD CONSTRAINT "ranking_profiles_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "share_links" ADD CONSTRAINT "share_links_dataset_id_benchmark_datasets_id_fk" FOREIGN KEY ("dataset_id") REFERENCES "public"."benchmark_datasets"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "share_links" ADD CONSTRAINT "share_links_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "benchmark_datasets_created_idx" ON "benchmark_datasets" USING btree ("created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "benchmark_results_key_idx" ON "benchmark_results" USING btree ("dataset_id","configuration_id","attempt");--> statement-breakpoint
CREATE UNIQUE INDEX "ranking_profiles_user_name_idx" ON "ranking_profiles" USING btree ("user_id","name");--> statement-breakpoint
CREATE INDEX "share_links_dataset_idx" ON "share_links" USING btree ("dataset_id");