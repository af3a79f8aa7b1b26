// The console's frame: a skip link, the navigation (plain links, so Tab and Enter work), and the
// page the hash names. Each page loads its own data from the gateway.
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { api, UNAUTHORIZED_EVENT } from './api.ts';
import { LoginPage } from './pages/login.tsx';
import { ErrorNote, Loading } from './parts/status.tsx';
import { useRoute, href } from './router.ts';
import { OverviewPage } from './pages/overview.tsx';
import { TopicsPage } from './pages/topics.tsx';
import { TopicPage } from './pages/topic.tsx';
import { MessagesPage } from './pages/messages.tsx';
import { GroupsPage } from './pages/groups.tsx';
import { GroupPage } from './pages/group.tsx';
import { SchemasPage } from './pages/schemas.tsx';
import { QueuesPage } from './pages/queues.tsx';
import { QueuePage } from './pages/queue.tsx';

const SECTIONS = [
  { id: '', label: 'Overview' },
  { id: 'topics', label: 'Topics' },
  { id: 'groups', label: 'Consumer groups' },
  { id: 'queues', label: 'Queues' },
  { id: 'schemas', label: 'Schema registry' },
];

interface Session {
  authRequired: boolean;
  principal: string | null;
}

export function App() {
  const [session, setSession] = useState<Session | null>(null);
  const [sessionError, setSessionError] = useState<unknown>(null);
  const loadSession = useCallback(() => {
    api.get<Session>('/console/api/session').then(setSession, setSessionError);
  }, []);
  useEffect(() => {
    loadSession();
    addEventListener(UNAUTHORIZED_EVENT, loadSession);
    return () => removeEventListener(UNAUTHORIZED_EVENT, loadSession);
  }, [loadSession]);
  if (!session) return sessionError ? <ErrorNote error={sessionError} /> : <Loading what="the console" />;
  if (session.authRequired && !session.principal) {
    return (
      <main id="main" tabIndex={-1}>
        <LoginPage onLogin={loadSession} />
      </main>
    );
  }
  const logout = (): void => {
    void api.post('/console/api/logout', {}).finally(loadSession);
  };
  return <Console principal={session.principal} onLogout={session.authRequired ? logout : null} />;
}

function Console({ principal, onLogout }: { principal: string | null; onLogout: (() => void) | null }) {
  const route = useRoute();
  const [section = '', name, sub] = route.path;
  const main = useRef<HTMLElement>(null);
  useEffect(() => {
    // After navigating, focus the page so keyboard and screen-reader users land on it.
    main.current?.focus();
  }, [route.path.join('/')]);
  let page;
  if (section === 'topics' && name && sub === 'messages') page = <MessagesPage topic={name} query={route.query} />;
  else if (section === 'topics' && name) page = <TopicPage topic={name} />;
  else if (section === 'topics') page = <TopicsPage query={route.query} />;
  else if (section === 'groups' && name) page = <GroupPage group={name} />;
  else if (section === 'groups') page = <GroupsPage />;
  else if (section === 'queues' && name && sub !== undefined) page = <QueuePage vhost={name} name={sub} />;
  else if (section === 'queues') page = <QueuesPage />;
  else if (section === 'schemas') page = <SchemasPage subject={name ?? null} />;
  else page = <OverviewPage />;
  return (
    <>
      <a class="skip" href="#main" onClick={(e) => (e.preventDefault(), main.current?.focus())}>
        Skip to content
      </a>
      <header class="top">
        <span class="brand" aria-hidden="true">
          Brook
        </span>
        <nav aria-label="Main">
          <ul>
            {SECTIONS.map((s) => (
              <li key={s.id}>
                <a href={href(...(s.id ? [s.id] : []))} aria-current={section === s.id ? 'page' : undefined}>
                  {s.label}
                </a>
              </li>
            ))}
          </ul>
        </nav>
        {onLogout && (
          <div class="who">
            <span data-testid="principal">{principal}</span>
            <button type="button" onClick={onLogout}>
              Log out
            </button>
          </div>
        )}
      </header>
      <main id="main" ref={main} tabIndex={-1}>
        {page}
      </main>
    </>
  );
}
