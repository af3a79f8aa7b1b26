// The console's frame: a skip link, the navigation (plain links, so Tab and Enter work), and the
// page the hash names. Each page loads its own data from the gateway.
import { useEffect, useRef } from 'preact/hooks';
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

export function App() {
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
      </header>
      <main id="main" ref={main} tabIndex={-1}>
        {page}
      </main>
    </>
  );
}
