import type { NextConfig } from 'next';

const config: NextConfig = {
  serverExternalPackages: ['better-sqlite3'],
  poweredByHeader: false,
  compress: true,
  typescript: { ignoreBuildErrors: false },
};

export default config;
