CREATE TABLE "gpu_pool_rollups" (
	"pool" text NOT NULL,
	"tier" text NOT NULL,
	"bucket" timestamp with time zone NOT NULL,
	"devices" integer NOT NULL,
	"samples" integer NOT NULL,
	"util_avg" real,
	"fb_sum" real,
	"power_sum" real,
	CONSTRAINT "gpu_pool_rollups_pool_tier_bucket_pk" PRIMARY KEY("pool","tier","bucket")
);
--> statement-breakpoint
CREATE INDEX "gpu_pool_rollups_bucket_idx" ON "gpu_pool_rollups" USING btree ("tier","bucket");