// Asking a bucket again: transient failures (429, 5xx, timeouts, lost
// connections) are retried with exponential backoff and jitter; anything
// else fails at once. The store clients' own retries are turned off so this
// is the one policy, and a retried download starts from a clean file.
import { RemoteError, RemoteSettingsError } from './store';

export interface RetryPolicy {
  /** Tries after the first. */
  retries: number;
  /** First delay; doubled each time, with ±50 % jitter, capped at maxDelayMs. */
  baseDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { retries: 4, baseDelayMs: 250, maxDelayMs: 8000 };

/** The policy of the environment: KPD_REMOTE_RETRIES tries after the first (default 4). */
export function retryPolicyFromEnv(env: NodeJS.ProcessEnv = process.env): RetryPolicy {
  const n = env.KPD_REMOTE_RETRIES;
  if (n === undefined || n === '') return DEFAULT_RETRY;
  if (!/^\d+$/.test(n)) throw new RemoteSettingsError(`KPD_REMOTE_RETRIES must be a whole number, got "${n}"`);
  return { ...DEFAULT_RETRY, retries: Number(n) };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function withRetry<T>(
  policy: RetryPolicy,
  attempt: () => Promise<T>,
  onRetry?: (e: RemoteError, attempt: number) => void,
): Promise<T> {
  for (let k = 0; ; k++) {
    try {
      return await attempt();
    } catch (e) {
      // Anything but a store's answer (a full disk, a bug) is not the network's fault: no retry.
      if (!(e instanceof RemoteError) || !e.transient || k >= policy.retries) throw e;
      onRetry?.(e, k + 1);
      const delay = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** k);
      await sleep(delay * (0.5 + Math.random()));
    }
  }
}
