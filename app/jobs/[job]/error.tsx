'use client';
// A failure while drawing a job page: the message and a way to retry, never a blank page.
export default function JobError({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <div className="note bad" role="alert">
      <b>This view could not be shown.</b>
      <pre>{error.message || 'Unexpected server error'}{error.digest ? ` (digest ${error.digest})` : ''}</pre>
      <button type="button" onClick={reset}>
        Try again
      </button>
    </div>
  );
}
