CREATE TYPE "public"."role" AS ENUM('admin', 'researcher', 'viewer');--> statement-breakpoint
CREATE TYPE "public"."benchmark_source" AS ENUM('import', 'sweep');--> statement-breakpoint
CREATE TYPE "public"."job_state" AS ENUM('queued', 'admitted', 'submitted', 'running', 'succeeded', 'failed', 'cancelled', 'preempted');--> statement-breakpoint
CREATE TABLE "memberships" (
	"user_id" uuid NOT NULL,
	"team_id" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "memberships_user_id_team_id_pk" PRIMARY KEY("user_id","team_id")
);
--> statement-breakpoint
CREATE TABLE "teams" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"slug" text NOT NULL,
	"name" text NOT NULL,
	"cohort" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "teams_slug_unique" UNIQUE("slug")
);
--> statement-breakpoint
CREATE TABLE "users" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"email" text NOT NULL,
	"name" text NOT NULL,
	"password_hash" text,
	"role" "role" DEFAULT 'researcher' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"disabled_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "api_tokens" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"user_id" uuid NOT NULL,
	"name" text NOT NULL,
	"prefix" text NOT NULL,
	"token_hash" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_used_at" timestamp with time zone,
	"expires_at" timestamp with time zone,
	"revoked_at" timestamp with time zone,
	CONSTRAINT "api_tokens_token_hash_unique" UNIQUE("token_hash")
);
--> statement-breakpoint
CREATE TABLE "audit_log" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"actor_id" uuid,
	"action" text NOT NULL,
	"target" text NOT NULL,
	"details" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "worker_loops" (
	"name" text PRIMARY KEY NOT NULL,
	"holder" text,
	"last_started_at" timestamp with time zone,
	"last_finished_at" timestamp with time zone,
	"last_error" text,
	"runs" integer DEFAULT 0 NOT NULL,
	"failures" integer DEFAULT 0 NOT NULL,
	"state" jsonb DEFAULT '{}'::jsonb NOT NULL
);
--> statement-breakpoint
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
CREATE TABLE "gpu_assignments" (
	"device_id" integer NOT NULL,
	"namespace" text NOT NULL,
	"pod" text NOT NULL,
	"day" date DEFAULT current_date NOT NULL,
	"job_id" text,
	"owner" text,
	"team" text,
	"first_seen_at" timestamp with time zone NOT NULL,
	"last_seen_at" timestamp with time zone NOT NULL,
	"samples" integer DEFAULT 0 NOT NULL,
	"util_samples" integer DEFAULT 0 NOT NULL,
	"util_sum" double precision DEFAULT 0 NOT NULL,
	CONSTRAINT "gpu_assignments_device_id_namespace_pod_day_pk" PRIMARY KEY("device_id","namespace","pod","day")
);
--> statement-breakpoint
CREATE TABLE "gpu_devices" (
	"id" serial PRIMARY KEY NOT NULL,
	"key" text NOT NULL,
	"node" text NOT NULL,
	"pool" text,
	"kind" text,
	"model" text,
	"mig_profile" text,
	"first_seen_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_seen_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "gpu_rollups_1h" (
	"device_id" integer NOT NULL,
	"bucket" timestamp with time zone NOT NULL,
	"samples" integer NOT NULL,
	"util_avg" real,
	"util_min" real,
	"util_max" real,
	"fb_avg" real,
	"fb_min" real,
	"fb_max" real,
	"power_avg" real,
	"power_min" real,
	"power_max" real,
	CONSTRAINT "gpu_rollups_1h_device_id_bucket_pk" PRIMARY KEY("device_id","bucket")
);
--> statement-breakpoint
CREATE TABLE "gpu_rollups_1m" (
	"device_id" integer NOT NULL,
	"bucket" timestamp with time zone NOT NULL,
	"samples" integer NOT NULL,
	"util_avg" real,
	"util_min" real,
	"util_max" real,
	"fb_avg" real,
	"fb_min" real,
	"fb_max" real,
	"power_avg" real,
	"power_min" real,
	"power_max" real,
	CONSTRAINT "gpu_rollups_1m_device_id_bucket_pk" PRIMARY KEY("device_id","bucket")
);
--> statement-breakpoint
CREATE TABLE "gpu_samples" (
	"device_id" integer NOT NULL,
	"ts" timestamp with time zone NOT NULL,
	"util" real,
	"fb" real,
	"power" real,
	CONSTRAINT "gpu_samples_device_id_ts_pk" PRIMARY KEY("device_id","ts")
);
--> statement-breakpoint
CREATE TABLE "telemetry_settings" (
	"id" integer PRIMARY KEY NOT NULL,
	"idle_threshold_percent" real DEFAULT 5 NOT NULL,
	"idle_window_minutes" integer DEFAULT 30 NOT NULL,
	"prices" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "job_events" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"job_id" bigint NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	"from_state" "job_state",
	"to_state" "job_state",
	"cause" text NOT NULL,
	"message" text NOT NULL,
	"actor_id" uuid,
	"details" jsonb DEFAULT '{}'::jsonb NOT NULL
);
--> statement-breakpoint
CREATE TABLE "jobs" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"kind" text NOT NULL,
	"team_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"priority" text NOT NULL,
	"gpu_kind" text NOT NULL,
	"gpu_count" integer NOT NULL,
	"single_node" boolean DEFAULT true NOT NULL,
	"expected_runtime_seconds" integer NOT NULL,
	"max_runtime_seconds" integer NOT NULL,
	"spec" jsonb NOT NULL,
	"state" "job_state" DEFAULT 'queued' NOT NULL,
	"reason" text,
	"message" text,
	"team_position" integer,
	"overall_position" integer,
	"eta" timestamp with time zone,
	"placements" jsonb,
	"borrowed" integer DEFAULT 0 NOT NULL,
	"workflow_name" text,
	"attempts" integer DEFAULT 0 NOT NULL,
	"preempt_deadline" timestamp with time zone,
	"preempted_for" bigint,
	"submitted_at" timestamp with time zone DEFAULT now() NOT NULL,
	"queued_at" timestamp with time zone DEFAULT now() NOT NULL,
	"admitted_at" timestamp with time zone,
	"started_at" timestamp with time zone,
	"finished_at" timestamp with time zone,
	"past_gpu_hours" double precision DEFAULT 0 NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "quotas" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"team_id" uuid NOT NULL,
	"gpu_kind" text NOT NULL,
	"guaranteed" integer NOT NULL,
	"borrowing_limit" integer DEFAULT 0 NOT NULL,
	"weekly_gpu_hours" double precision,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_by" uuid
);
--> statement-breakpoint
CREATE TABLE "step_logs" (
	"job_id" bigint NOT NULL,
	"node_id" text NOT NULL,
	"pod_name" text NOT NULL,
	"text" text NOT NULL,
	"complete" boolean DEFAULT false NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "step_logs_job_id_node_id_pk" PRIMARY KEY("job_id","node_id")
);
--> statement-breakpoint
CREATE TABLE "workflow_snapshots" (
	"job_id" bigint PRIMARY KEY NOT NULL,
	"workflow_name" text NOT NULL,
	"workflow_uid" text,
	"resource_version" text,
	"phase" text,
	"started_at" timestamp with time zone,
	"finished_at" timestamp with time zone,
	"gpu_seconds" double precision DEFAULT 0 NOT NULL,
	"nodes" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "memberships" ADD CONSTRAINT "memberships_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "memberships" ADD CONSTRAINT "memberships_team_id_teams_id_fk" FOREIGN KEY ("team_id") REFERENCES "public"."teams"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "api_tokens" ADD CONSTRAINT "api_tokens_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "audit_log" ADD CONSTRAINT "audit_log_actor_id_users_id_fk" FOREIGN KEY ("actor_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "benchmark_datasets" ADD CONSTRAINT "benchmark_datasets_team_id_teams_id_fk" FOREIGN KEY ("team_id") REFERENCES "public"."teams"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "benchmark_datasets" ADD CONSTRAINT "benchmark_datasets_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "benchmark_results" ADD CONSTRAINT "benchmark_results_dataset_id_benchmark_datasets_id_fk" FOREIGN KEY ("dataset_id") REFERENCES "public"."benchmark_datasets"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ranking_profiles" ADD CONSTRAINT "ranking_profiles_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "share_links" ADD CONSTRAINT "share_links_dataset_id_benchmark_datasets_id_fk" FOREIGN KEY ("dataset_id") REFERENCES "public"."benchmark_datasets"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "share_links" ADD CONSTRAINT "share_links_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "job_events" ADD CONSTRAINT "job_events_job_id_jobs_id_fk" FOREIGN KEY ("job_id") REFERENCES "public"."jobs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "job_events" ADD CONSTRAINT "job_events_actor_id_users_id_fk" FOREIGN KEY ("actor_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "jobs" ADD CONSTRAINT "jobs_team_id_teams_id_fk" FOREIGN KEY ("team_id") REFERENCES "public"."teams"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "jobs" ADD CONSTRAINT "jobs_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "quotas" ADD CONSTRAINT "quotas_team_id_teams_id_fk" FOREIGN KEY ("team_id") REFERENCES "public"."teams"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "quotas" ADD CONSTRAINT "quotas_updated_by_users_id_fk" FOREIGN KEY ("updated_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "step_logs" ADD CONSTRAINT "step_logs_job_id_jobs_id_fk" FOREIGN KEY ("job_id") REFERENCES "public"."jobs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "workflow_snapshots" ADD CONSTRAINT "workflow_snapshots_job_id_jobs_id_fk" FOREIGN KEY ("job_id") REFERENCES "public"."jobs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "memberships_team_idx" ON "memberships" USING btree ("team_id");--> statement-breakpoint
CREATE UNIQUE INDEX "users_email_lower_idx" ON "users" USING btree (lower("email"));--> statement-breakpoint
CREATE INDEX "api_tokens_user_idx" ON "api_tokens" USING btree ("user_id");--> statement-breakpoint
CREATE INDEX "audit_log_at_idx" ON "audit_log" USING btree ("at");--> statement-breakpoint
CREATE INDEX "benchmark_datasets_created_idx" ON "benchmark_datasets" USING btree ("created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "benchmark_results_key_idx" ON "benchmark_results" USING btree ("dataset_id","configuration_id","attempt");--> statement-breakpoint
CREATE UNIQUE INDEX "ranking_profiles_user_name_idx" ON "ranking_profiles" USING btree ("user_id","name");--> statement-breakpoint
CREATE INDEX "share_links_dataset_idx" ON "share_links" USING btree ("dataset_id");--> statement-breakpoint
CREATE INDEX "gpu_assignments_job_idx" ON "gpu_assignments" USING btree ("job_id");--> statement-breakpoint
CREATE INDEX "gpu_assignments_last_seen_idx" ON "gpu_assignments" USING btree ("last_seen_at");--> statement-breakpoint
CREATE INDEX "gpu_assignments_day_idx" ON "gpu_assignments" USING btree ("day");--> statement-breakpoint
CREATE UNIQUE INDEX "gpu_devices_key_idx" ON "gpu_devices" USING btree ("key");--> statement-breakpoint
CREATE INDEX "gpu_devices_pool_idx" ON "gpu_devices" USING btree ("pool");--> statement-breakpoint
CREATE INDEX "gpu_devices_node_idx" ON "gpu_devices" USING btree ("node");--> statement-breakpoint
CREATE INDEX "gpu_rollups_1h_bucket_idx" ON "gpu_rollups_1h" USING btree ("bucket");--> statement-breakpoint
CREATE INDEX "gpu_rollups_1m_bucket_idx" ON "gpu_rollups_1m" USING btree ("bucket");--> statement-breakpoint
CREATE INDEX "gpu_samples_ts_idx" ON "gpu_samples" USING btree ("ts");--> statement-breakpoint
CREATE INDEX "job_events_job_idx" ON "job_events" USING btree ("job_id","id");--> statement-breakpoint
CREATE INDEX "jobs_state_position_idx" ON "jobs" USING btree ("state","overall_position","id");--> statement-breakpoint
CREATE INDEX "jobs_team_state_idx" ON "jobs" USING btree ("team_id","state");--> statement-breakpoint
CREATE INDEX "jobs_user_idx" ON "jobs" USING btree ("user_id","id");--> statement-breakpoint
CREATE INDEX "jobs_kind_state_idx" ON "jobs" USING btree ("gpu_kind","state");--> statement-breakpoint
CREATE UNIQUE INDEX "quotas_team_kind_idx" ON "quotas" USING btree ("team_id","gpu_kind");