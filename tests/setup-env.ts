// Runs in each integration worker: point lib/env at the test database before any module reads it.
import { inject } from 'vitest';

process.env.DATABASE_URL = inject('databaseUrl');
process.env.NEXTAUTH_SECRET ??= 'integration-test-secret-0123456789';
process.env.LOG_LEVEL ??= 'silent';
