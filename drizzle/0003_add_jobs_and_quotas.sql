CREATE TYPE "public"."job_state" AS ENUM('queued', 'admitted', 'submitted', 'running', 'succeeded', 'failed', 'cancelled', 'preempted');--> statement-breakpoint
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
ALTER TABLE "job_events" ADD CONSTRAINT "job_events_job_id_jobs_id_fk" FOREIGN KEY ("job_id") REFERENCES "public"."jobs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "job_events" ADD CONSTRAINT "job_events_actor_id_users_id_fk" FOREIGN KEY ("actor_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "jobs" ADD CONSTRAINT "jobs_team_id_teams_id_fk" FOREIGN KEY ("team_id") REFERENCES "public"."teams"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "jobs" ADD CONSTRAINT "jobs_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "quotas" ADD CONSTRAINT "quotas_team_id_teams_id_fk" FOREIGN KEY ("team_id") REFERENCES "public"."teams"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "quotas" ADD CONSTRAINT "quotas_updated_by_users_id_fk" FOREIGN KEY ("updated_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "job_events_job_idx" ON "job_events" USING btree ("job_id","id");--> statement-breakpoint
CREATE INDEX "jobs_state_position_idx" ON "jobs" USING btree ("state","overall_position","id");--> statement-breakpoint
CREATE INDEX "jobs_team_state_idx" ON "jobs" USING btree ("team_id","state");--> statement-breakpoint
CREATE INDEX "jobs_user_idx" ON "jobs" USING btree ("user_id","id");--> statement-breakpoint
CREATE INDEX "jobs_kind_state_idx" ON "jobs" USING btree ("gpu_kind","state");--> statement-breakpoint
CREATE UNIQUE INDEX "quotas_team_kind_idx" ON "quotas" USING btree ("team_id","gpu_kind");