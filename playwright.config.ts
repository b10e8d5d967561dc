import { defineConfig } from '@playwright/test';

// e2e runs the real `npm start` path (embedded PostgreSQL, simulated cluster, web server, worker)
// on its own ports and data folder, so it never touches a developer's running Gantry.
const PORT = 3100;
export const E2E = {
  baseURL: `http://127.0.0.1:${PORT}`,
  adminEmail: 'admin@gantry.local',
  adminPassword: 'e2e-admin-password',
  // Single sign-on: e2e/tests/sso.spec.ts starts an OpenID provider (tests/oidc-provider.ts) on this
  // port itself; Gantry fetches its discovery document only at sign-in, so other specs never need it.
  oidc: { port: 3199, clientId: 'gantry-e2e', clientSecret: 'gantry-e2e-client-secret', name: 'Test IdP' },
};

export default defineConfig({
  testDir: 'e2e/tests',
  fullyParallel: false,
  workers: 1,
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 15_000 },
  reporter: [['list'], ['json', { outputFile: 'test-results/e2e.json' }]],
  use: {
    baseURL: E2E.baseURL,
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    },
  },
  webServer: {
    command: 'rm -rf .gantry/e2e && node --import tsx scripts/gantry.ts start',
    url: `${E2E.baseURL}/api/readyz`,
    timeout: 300_000,
    reuseExistingServer: false,
    stdout: 'pipe',
    stderr: 'pipe',
    gracefulShutdown: { signal: 'SIGTERM', timeout: 20_000 },
    env: {
      PORT: String(PORT),
      GANTRY_DATA_DIR: '.gantry/e2e',
      GANTRY_PG_PORT: '54341',
      GANTRY_SIM_PORT: '6544',
      GANTRY_SIM_SPEED: '20',
      // Failures come only where a test asks for one (GANTRY_SIM_* hints): a seeded draw that fails a
      // step would make a journey's outcome depend on how many objects earlier specs created.
      GANTRY_SIM_FAILURE_RATE: '0',
      GANTRY_ADMIN_PASSWORD: E2E.adminPassword,
      GANTRY_DEMO: '1',
      LOG_LEVEL: 'warn',
      OIDC_ISSUER: `http://127.0.0.1:${E2E.oidc.port}`,
      OIDC_CLIENT_ID: E2E.oidc.clientId,
      OIDC_CLIENT_SECRET: E2E.oidc.clientSecret,
      OIDC_NAME: E2E.oidc.name,
      OIDC_SCOPES: 'groups',
      OIDC_GROUP_MAP: 'e2e-vision=vision:researcher,e2e-admins=*:admin',
      OIDC_LOGOUT: 'provider',
      NEXT_TELEMETRY_DISABLED: '1',
    },
  },
});
