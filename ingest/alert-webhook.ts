// What a writer does after changing a job's builds (an ingest, an upload):
// recompute its change points and alerts, and, when $KPD_ALERT_WEBHOOK names
// a URL, tell it about the regression alerts that appeared, as one JSON POST
// of Slack-compatible text ({"text": "…"} in Slack's mrkdwn, which Slack's,
// Mattermost's and Google Chat's incoming webhooks read). Links point at
// $KPD_PUBLIC_URL when set.
// A webhook that fails is logged (its host only: the path of a Slack webhook
// is its secret) and never fails the ingest.
import type { DB } from '../lib/db/open';
import { refreshAlerts, type Alert } from '../lib/queries/alerts';

/** Alerts named one by one in a message; the rest are counted. */
const LISTED = 10;
/** Changes named per alert. */
const CHANGES = 3;
const TIMEOUT_MS = 10_000;

export interface WebhookConfig {
  url?: string;
  /** Where the dashboard is seen from outside, for links. */
  publicUrl?: string;
}

export function webhookConfig(env: NodeJS.ProcessEnv = process.env): WebhookConfig {
  return { url: env.KPD_ALERT_WEBHOOK?.trim() || undefined, publicUrl: env.KPD_PUBLIC_URL?.trim() || undefined };
}

/**
 * Recomputes the change points and alerts of `job` (at once, in the caller's
 * turn) and resolves once the webhook, if any, has been told of the new
 * regression alerts. The promise never rejects.
 */
export function refreshAndAnnounce(db: DB, job: string, config: WebhookConfig = webhookConfig()): Promise<void> {
  const appeared = refreshAlerts(db, job).filter((a) => a.regression);
  if (!config.url || !appeared.length) return Promise.resolve();
  return postAlerts(config.url, { text: alertText(job, appeared, config.publicUrl) });
}

const pct = (c: number | null) => (c === null ? 'from 0' : `${c > 0 ? '+' : ''}${(c * 100).toFixed(1)}%`);

/** Slack escapes: its mrkdwn reads &, < and > as markup. */
const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** The message: one line per alert with its top changes and blame, then a link to the job's Regressions page. */
export function alertText(job: string, alerts: Alert[], publicUrl?: string): string {
  const base = publicUrl?.replace(/\/+$/, '');
  const page = (q: Record<string, string>) => `${base}/jobs/${encodeURIComponent(job)}/regressions?${new URLSearchParams(q)}`;
  const lines = [`*${alerts.length === 1 ? 'New regression alert' : `${alerts.length} new regression alerts`}* in ${esc(job)}`];
  for (const a of alerts.slice(0, LISTED)) {
    const changes = a.changes
      .slice(0, CHANGES)
      .map((c) => `${c.metric} ${c.stat} ${pct(c.change)}`)
      .join(', ');
    const more = a.changes.length > CHANGES ? ` and ${a.changes.length - CHANGES} more` : '';
    const versions = a.previousVersion && a.version && a.previousVersion !== a.version ? ` (${esc(a.previousVersion)} → ${esc(a.version)})` : '';
    const blame = a.previousBuild ? `; since build ${a.previousBuild}${versions}` : '';
    const commits = a.compareUrl ? ` <${a.compareUrl}|commits>` : '';
    const link = base ? ` <${page({ image: a.image, machine: a.machine })}#alert-${a.id}|open>` : '';
    lines.push(`• build ${a.build}: ${esc(a.test)} on ${esc(a.image)} / ${esc(a.machine)}: ${esc(changes)}${more}${blame}${commits}${link}`);
  }
  if (alerts.length > LISTED) lines.push(`…and ${alerts.length - LISTED} more`);
  if (base) lines.push(`<${page({ state: 'new' })}|All new alerts of ${esc(job)}>`);
  else lines.push(`kpd alerts --job ${esc(job)} --state new`);
  return lines.join('\n');
}

async function postAlerts(url: string, body: { text: string }): Promise<void> {
  let where = 'the alert webhook';
  try {
    where = `the alert webhook at ${new URL(url).host}`;
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
    await res.arrayBuffer().catch(() => undefined);
    if (!res.ok) console.error(`kpd: ${where} answered ${res.status}; the alerts are stored all the same`);
  } catch (e) {
    const cause = e instanceof Error && e.cause instanceof Error ? e.cause.message : e instanceof Error ? e.message : String(e);
    console.error(`kpd: could not reach ${where}: ${cause}; the alerts are stored all the same`);
  }
}
