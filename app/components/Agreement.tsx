// "Logs vs spans": for each span probe and the log probe telling of the same
// moment, how far apart they are across a run's pods (median and p90 of
// |log - span|), on the Tracing page and a pod's page. Four narrow columns,
// so the numbers stay in sight on a phone.
import type { RunAgreement } from '@/lib/agreement';
import { formatValue } from './format';
import { probeColor } from './palette';
import styles from './Compact.module.css';

export default function RunAgreementTable({ rows }: { rows: RunAgreement[] }) {
  return (
    <div className="table-wrap">
      <table className={`data ${styles.compact}`} data-agreement="run">
        <thead>
          <tr>
            <th>span probe / log probe</th>
            <th className="num">median</th>
            <th className="num">p90</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((a) => (
            <tr key={a.span} data-pair={a.span}>
              <td>
                <div className={styles.name}>
                  <i className="swatch" style={{ background: probeColor(a.span) }} />
                  {a.span}
                </div>
                <div className={styles.name}>
                  <i className="swatch" style={{ background: probeColor(a.log) }} />
                  {a.log}
                </div>
                <div className="muted" style={{ fontSize: '0.78rem' }}>
                  <span data-pods>{a.pods}</span> {a.pods === 1 ? 'pod' : 'pods'}
                  {a.logFirst ? <span data-log-first>, the log line first for {a.logFirst}</span> : null}
                </div>
              </td>
              <td className="num" data-k="median">
                {formatValue(a.medianMs)}
              </td>
              <td className="num" data-k="p90">
                {formatValue(a.p90Ms)}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <p className="muted" style={{ fontSize: '0.78rem', margin: '0.3rem 0.7rem 0.5rem' }}>
        Median and p90 of |log − span| in ms, over the pods with both probes.
      </p>
    </div>
  );
}
