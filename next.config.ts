import type { NextConfig } from 'next';

/**
 * What a page may load: its own scripts and styles (Next.js inlines its
 * bootstrap and the RSC payload, hence 'unsafe-inline'), nothing from other
 * origins, and no framing of the dashboard by other sites.
 */
const CSP = [
  "default-src 'self'",
  "script-src 'self' 'unsafe-inline'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

const config: NextConfig = {
  serverExternalPackages: ['better-sqlite3', 'protobufjs'],
  poweredByHeader: false,
  // kpd's own server (cli/server/http.ts) compresses every answer, the JSON API's included.
  compress: false,
  typescript: { ignoreBuildErrors: false },
  async headers() {
    return [
      {
        source: '/:path*',
        headers: [
          { key: 'x-content-type-options', value: 'nosniff' },
          { key: 'referrer-policy', value: 'same-origin' },
          { key: 'content-security-policy', value: CSP },
        ],
      },
    ];
  },
};

export default config;
