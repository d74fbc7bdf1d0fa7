'use client';
// The upload token the Regressions page sends to set alert states. It is
// kept in this tab's sessionStorage only: never in a cookie (the server never
// sees it but in the one request that needs it), never in localStorage (it is
// gone when the tab closes), never in the URL.
import { useEffect, useState } from 'react';

export const TOKEN_KEY = 'kpd:upload-token';

export function savedToken(): string | null {
  try {
    return window.sessionStorage.getItem(TOKEN_KEY);
  } catch {
    return null;
  }
}

export default function TokenField() {
  const [token, setToken] = useState('');
  useEffect(() => setToken(savedToken() ?? ''), []);
  return (
    <label className="field" data-token-field>
      upload token (to set states; kept in this tab only)
      <input
        type="password"
        name="token"
        autoComplete="off"
        spellCheck={false}
        value={token}
        placeholder="paste a token"
        onChange={(e) => {
          const v = e.target.value.trim();
          setToken(v);
          try {
            if (v) window.sessionStorage.setItem(TOKEN_KEY, v);
            else window.sessionStorage.removeItem(TOKEN_KEY);
          } catch {
            // Storage disabled: the token lives as long as the field.
          }
        }}
      />
    </label>
  );
}
