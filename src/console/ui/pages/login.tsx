// The login form, shown when the gateway requires authentication (the broker's security is on) and
// the browser has no session: the broker's user name and password go to POST /console/api/login,
// which answers with an HttpOnly, SameSite=Strict session cookie; the page never holds a secret.
import { useState } from 'preact/hooks';
import { api } from '../api.ts';
import { ErrorNote } from '../parts/status.tsx';

export function LoginPage({ onLogin }: { onLogin: () => void }) {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [fail, setFail] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e: Event): Promise<void> => {
    e.preventDefault();
    setBusy(true);
    setFail(null);
    try {
      await api.post('/console/api/login', { username, password });
      setPassword('');
      onLogin();
    } catch (err) {
      setFail(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <section aria-labelledby="login-title" class="login">
      <h1 id="login-title">Log in to Brook</h1>
      <p class="muted">This broker requires authentication: use a broker user (brook user create).</p>
      <form onSubmit={(e) => void submit(e)}>
        <label>
          User name
          <input name="username" autoComplete="username" value={username} onInput={(e) => setUsername(e.currentTarget.value)} required autoFocus />
        </label>
        <label>
          Password
          <input name="password" type="password" autoComplete="current-password" value={password} onInput={(e) => setPassword(e.currentTarget.value)} required />
        </label>
        <ErrorNote error={fail} />
        <button type="submit" class="primary" disabled={busy}>
          Log in
        </button>
      </form>
    </section>
  );
}
