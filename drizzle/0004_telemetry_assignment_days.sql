ALTER TABLE "gpu_assignments" ADD COLUMN "day" date DEFAULT current_date NOT NULL;--> statement-breakpoint
ALTER TABLE "gpu_assignments" ADD COLUMN "samples" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "gpu_assignments" ADD COLUMN "util_samples" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "gpu_assignments" ADD COLUMN "util_sum" double precision DEFAULT 0 NOT NULL;--> statement-breakpoint
CREATE INDEX "gpu_assignments_day_idx" ON "gpu_assignments" USING btree ("day");