// The shell of every page: header with the product name, main content.
import type { Metadata } from 'next';
import Link from 'next/link';
import './globals.css';

export const metadata: Metadata = {
  title: 'kubelet-perf-dash',
  description: 'Node performance dashboard and kubelet tracing analyzer for Kubernetes',
};

export default function RootLayout({ children }: { children: React.ReactNode }) {
  return (
    <html lang="en">
      <body>
        <header className="topbar">
          <Link href="/" className="brand">
            kubelet-perf-dash
          </Link>
        </header>
        <main>{children}</main>
      </body>
    </html>
  );
}
