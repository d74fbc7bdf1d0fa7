'use client';
// A failure anywhere else in the app: the message, never a blank page.
export default function AppError({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <div className="note bad" role="alert">
      <b>Something went wrong.</b>
      <pre>{error.message || 'Unexpected server error'}{error.digest ? ` (digest ${error.digest})` : ''}</pre>
      <button type="button" onClick={reset}>
        Try again
      </button>
    </div>
  );
}
