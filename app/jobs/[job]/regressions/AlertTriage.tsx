'use client';
// The triage form of one alert: its state and a note, sent with the upload
// token of the page's token field (PATCH /api/v1/jobs/J/alerts); the page is
// then re-rendered from the server, so it shows what was stored.
import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { ALERT_STATES, type AlertState } from '@/lib/model';
import styles from './regressions.module.css';
import { savedToken } from './TokenField';

export interface AlertTriageProps {
  job: string;
  id: number;
  state: AlertState;
  note: string | null;
  noteMax: number;
}

export default function AlertTriage({ job, id, state, note, noteMax }: AlertTriageProps) {
  const router = useRouter();
  const [next, setNext] = useState<AlertState>(state);
  const [text, setText] = useState(note ?? '');
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);

  async function save(e: React.FormEvent) {
    e.preventDefault();
    const token = savedToken();
    if (!token) {
      setMessage({ ok: false, text: 'Paste an upload token in the field above first.' });
      return;
    }
    setBusy(true);
    setMessage(null);
    try {
      const res = await fetch(`/api/v1/jobs/${encodeURIComponent(job)}/alerts`, {
        method: 'PATCH',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ id, state: next, note: text }),
      });
      const body = (await res.json().catch(() => ({}))) as { error?: string; state?: string; setBy?: string };
      if (!res.ok) setMessage({ ok: false, text: body.error ?? `the server answered ${res.status}` });
      else {
        setMessage({ ok: true, text: `saved: ${body.state}, by ${body.setBy}` });
        router.refresh();
      }
    } catch (err) {
      setMessage({ ok: false, text: `could not reach the server: ${err instanceof Error ? err.message : String(err)}` });
    } finally {
      setBusy(false);
    }
  }

  return (
    <form className={styles.triage} data-triage={id} onSubmit={save}>
      <label className="field">
        state
        <select name="state" value={next} onChange={(e) => setNext(e.target.value as AlertState)}>
          {ALERT_STATES.map((s) => (
            <option key={s} value={s}>
              {s}
            </option>
          ))}
        </select>
      </label>
      <label className={`field ${styles.note}`}>
        note
        <input name="note" value={text} maxLength={noteMax} placeholder="why, who looks at it, the fix…" onChange={(e) => setText(e.target.value)} />
      </label>
      <button type="submit" disabled={busy}>
        {busy ? 'Saving…' : 'Save'}
      </button>
      {message ? (
        <span className={message.ok ? styles.ok : styles.error} role={message.ok ? 'status' : 'alert'} data-triage-message>
          {message.text}
        </span>
      ) : null}
    </form>
  );
}
