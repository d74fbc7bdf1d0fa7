// An unknown address: say so and lead back to the jobs.
import Link from 'next/link';

export default function NotFound() {
  return (
    <div className="card empty">
      <h1>Not found</h1>
      <p>
        Nothing lives at this address. Start from the <Link href="/">list of jobs</Link>.
      </p>
    </div>
  );
}
