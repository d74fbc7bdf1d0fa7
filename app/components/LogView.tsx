// The kubelet log lines around a pod's probes, excerpt by excerpt, each
// probe's line marked with its probes.
import type { PodLog } from '@/lib/queries/pod';
import { probeColor } from './palette';
import styles from './LogView.module.css';

export default function LogView({ log }: { log: PodLog }) {
  return (
    <section data-log-view>
      {log.file ? (
        <p className="muted mono" style={{ margin: '0 0 0.4rem', overflowWrap: 'anywhere' }} data-log-file>
          {log.file}
        </p>
      ) : null}
      {log.problems.map((p) => (
        <div key={p} className="note warn" data-log-problem>
          {p}
        </div>
      ))}
      {log.excerpts.map((e) => (
        <div key={e[0].offset} className={styles.excerpt} data-excerpt>
          {e.map((l) => (
            <div key={l.offset} className={`${styles.line}${l.probes.length ? ` ${styles.hit}` : ''}`} data-log-line={l.line ?? undefined} data-hit={l.probes.join(',') || undefined}>
              <span className={styles.no}>{l.line ?? ''}</span>
              <span className={styles.text}>
                {l.text}
                {l.cut ? ' …' : ''}
                {l.probes.map((p) => (
                  <span key={p} className={styles.probe} style={{ background: probeColor(p) }}>
                    {p}
                  </span>
                ))}
              </span>
            </div>
          ))}
        </div>
      ))}
    </section>
  );
}
