'use client';
// A select bound to one query parameter of the current URL: a change
// navigates to the same page with that parameter set (and others reset).
import { useRouter } from 'next/navigation';

export interface ParamSelectProps {
  label: string;
  name: string;
  value: string;
  options: { value: string; label: string }[];
  /** Parameters that no longer make sense once this one changes. */
  reset?: string[];
  /** When set, the value is `a|b|c` and sets these parameters instead of `name`. */
  names?: string[];
}

export default function ParamSelect({ label, name, value, options, reset, names }: ParamSelectProps) {
  const router = useRouter();
  return (
    <label className="field">
      {label}
      <select
        name={name}
        value={value}
        onChange={(e) => {
          const url = new URL(window.location.href);
          for (const r of reset ?? []) url.searchParams.delete(r);
          if (names) {
            const parts = e.target.value.split('|');
            names.forEach((n, i) => (parts[i] ? url.searchParams.set(n, parts[i]) : url.searchParams.delete(n)));
          } else url.searchParams.set(name, e.target.value);
          router.push(url.pathname + url.search);
        }}
      >
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </label>
  );
}
