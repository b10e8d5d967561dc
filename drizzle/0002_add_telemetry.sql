CREATE TABLE "gpu_assignments" (
	"device_id" integer NOT NULL,
	"namespace" text NOT NULL,
	"pod" text NOT NULL,
	"job_id" text,
	"owner" text,
	"team" text,
	"first_seen_at" timestamp with time zone NOT NULL,
	"last_seen_at" timestamp with time zone NOT NULL,
	CONSTRAINT "gpu_assignments_device_id_namespace_pod_pk" PRIMARY KEY("device_id","namespace","pod")
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
CREATE INDEX "gpu_assignments_job_idx" ON "gpu_assignments" USING btree ("job_id");--> statement-breakpoint
CREATE INDEX "gpu_assignments_last_seen_idx" ON "gpu_assignments" USING btree ("last_seen_at");--> statement-breakpoint
CREATE UNIQUE INDEX "gpu_devices_key_idx" ON "gpu_devices" USING btree ("key");--> statement-breakpoint
CREATE INDEX "gpu_devices_pool_idx" ON "gpu_devices" USING btree ("pool");--> statement-breakpoint
CREATE INDEX "gpu_devices_node_idx" ON "gpu_devices" USING btree ("node");--> statement-breakpoint
CREATE INDEX "gpu_rollups_1h_bucket_idx" ON "gpu_rollups_1h" USING btree ("bucket");--> statement-breakpoint
CREATE INDEX "gpu_rollups_1m_bucket_idx" ON "gpu_rollups_1m" USING btree ("bucket");--> statement-breakpoint
CREATE INDEX "gpu_samples_ts_idx" ON "gpu_samples" USING btree ("ts");