// The schema registry: subjects, each subject's versions with its schema (pretty JSON for Avro
// and JSON Schema), a line diff between any two versions (jsdiff), and the subject's
// compatibility level, which can be changed (or reset to the global default).
import { diffLines } from 'diff';
import { useEffect, useState } from 'preact/hooks';
import { api, enc } from '../api.ts';
import { json } from '../format.ts';
import { href } from '../router.ts';
import { ErrorNote, Loading, Notice } from '../parts/status.tsx';
import { useData } from '../parts/use-data.ts';

interface SchemaVersion {
  subject: string;
  version: number;
  id: number;
  schemaType?: string;
  schema: string;
}

const LEVELS = ['BACKWARD', 'BACKWARD_TRANSITIVE', 'FORWARD', 'FORWARD_TRANSITIVE', 'FULL', 'FULL_TRANSITIVE', 'NONE'];

function pretty(schema: string): string {
  const parsed = json(schema);
  return parsed === undefined ? schema : JSON.stringify(parsed, null, 2);
}

function Diff({ from, to }: { from: SchemaVersion; to: SchemaVersion }) {
  const parts = diffLines(pretty(from.schema), pretty(to.schema));
  return (
    <pre aria-label={`Changes from version ${from.version} to version ${to.version}`} data-testid="schema-diff">
      {parts.map((p, i) => (
        <span key={i} class={p.added ? 'diff-add' : p.removed ? 'diff-del' : ''}>
          {p.value
            .replace(/\n$/, '')
            .split('\n')
            .map((line) => `${p.added ? '+ ' : p.removed ? '- ' : '  '}${line}`)
            .join('\n') + '\n'}
        </span>
      ))}
    </pre>
  );
}

function Compatibility({ subject }: { subject: string }) {
  const { data, error, reload } = useData(async () => {
    const own = await api.get<{ compatibilityLevel: string }>(`/config/${enc(subject)}`).catch(() => null);
    const global = await api.get<{ compatibilityLevel: string }>('/config');
    return { own: own?.compatibilityLevel ?? null, global: global.compatibilityLevel };
  }, [subject]);
  const [fail, setFail] = useState<unknown>(null);
  const [note, setNote] = useState<string | null>(null);
  const set = async (level: string): Promise<void> => {
    setFail(null);
    try {
      if (level === '') await api.del(`/config/${enc(subject)}`);
      else await api.put(`/config/${enc(subject)}`, { compatibility: level });
      setNote(level === '' ? 'Compatibility follows the global level.' : `Compatibility set to ${level}.`);
      reload();
    } catch (e) {
      setFail(e);
    }
  };
  return (
    <div class="row">
      <label>
        Compatibility
        <select aria-label="Compatibility" value={data?.own ?? ''} onChange={(e) => void set(e.currentTarget.value)} disabled={!data}>
          <option value="">global ({data?.global ?? '…'})</option>
          {LEVELS.map((l) => (
            <option value={l}>{l}</option>
          ))}
        </select>
      </label>
      <span data-testid="compatibility">{data ? (data.own ?? data.global) : ''}</span>
      <ErrorNote error={error ?? fail} />
      {note && <Notice>{note}</Notice>}
    </div>
  );
}

function Subject({ subject }: { subject: string }) {
  const { data, error } = useData(async () => {
    const versions = await api.get<number[]>(`/subjects/${enc(subject)}/versions`);
    return Promise.all(versions.map((v) => api.get<SchemaVersion>(`/subjects/${enc(subject)}/versions/${v}`)));
  }, [subject]);
  const [shown, setShown] = useState<number | null>(null);
  const [a, setA] = useState<number | null>(null);
  const [b, setB] = useState<number | null>(null);
  useEffect(() => {
    if (!data || data.length === 0) return;
    const last = data[data.length - 1]!.version;
    setShown(last);
    setB(last);
    setA(data.length > 1 ? data[data.length - 2]!.version : last);
  }, [data]);
  const version = (v: number | null) => data?.find((x) => x.version === v);
  const current = version(shown);
  return (
    <>
      <h2>{subject}</h2>
      <Compatibility subject={subject} />
      <ErrorNote error={error} />
      {!data && !error && <Loading what="versions" />}
      {data && (
        <>
          <div class="tabs" role="tablist" aria-label="Versions">
            {data.map((v) => (
              <button type="button" role="tab" aria-selected={shown === v.version} onClick={() => setShown(v.version)}>
                Version {v.version}
              </button>
            ))}
          </div>
          {current && (
            <div role="tabpanel" aria-label={`Version ${current.version}`}>
              <p class="muted">
                Schema id {current.id}, {current.schemaType ?? 'AVRO'}
              </p>
              <pre data-testid="schema-text">{pretty(current.schema)}</pre>
            </div>
          )}
          {data.length > 1 && (
            <>
              <h3>Compare versions</h3>
              <div class="row">
                <label>
                  From version
                  <select aria-label="From version" value={String(a)} onChange={(e) => setA(Number(e.currentTarget.value))}>
                    {data.map((v) => (
                      <option value={String(v.version)}>{v.version}</option>
                    ))}
                  </select>
                </label>
                <label>
                  To version
                  <select aria-label="To version" value={String(b)} onChange={(e) => setB(Number(e.currentTarget.value))}>
                    {data.map((v) => (
                      <option value={String(v.version)}>{v.version}</option>
                    ))}
                  </select>
                </label>
              </div>
              {version(a) && version(b) && <Diff from={version(a)!} to={version(b)!} />}
            </>
          )}
        </>
      )}
    </>
  );
}

export function SchemasPage({ subject }: { subject: string | null }) {
  const { data, error } = useData(() => api.get<string[]>('/subjects'), []);
  return (
    <section aria-labelledby="schemas-title">
      <h1 id="schemas-title">Schema registry</h1>
      <ErrorNote error={error} />
      {!data && !error && <Loading what="subjects" />}
      {data && (
        <nav aria-label="Subjects">
          <ul class="subjects">
            {data.map((s) => (
              <li key={s}>
                <a href={href('schemas', s)} aria-current={s === subject ? 'page' : undefined}>
                  {s}
                </a>
              </li>
            ))}
            {data.length === 0 && <li class="muted">No subjects yet.</li>}
          </ul>
        </nav>
      )}
      {subject && <Subject subject={subject} />}
    </section>
  );
}
