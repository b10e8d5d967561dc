import { defineConfig } from 'drizzle-kit';

// `npm run db:generate -- --name <what>` writes a named SQL migration into drizzle/.
export default defineConfig({
  dialect: 'postgresql',
  schema: './lib/db/schema/index.ts',
  out: './drizzle',
  casing: 'snake_case',
});
