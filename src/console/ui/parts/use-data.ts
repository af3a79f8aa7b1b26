// Loads data for a page, optionally again every `everyMs`; `reload()` asks again now.
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';

export interface Data<T> {
  data: T | null;
  error: unknown;
  reload: () => void;
}

export function useData<T>(load: () => Promise<T>, deps: unknown[], everyMs?: number): Data<T> {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<unknown>(null);
  const seq = useRef(0);
  const run = useCallback(() => {
    const mine = ++seq.current;
    load().then(
      (d) => {
        if (mine !== seq.current) return;
        setData(d);
        setError(null);
      },
      (e: unknown) => mine === seq.current && setError(e),
    );
  }, deps);
  useEffect(() => {
    setData(null);
    run();
    if (!everyMs) return;
    const t = setInterval(run, everyMs);
    return () => clearInterval(t);
  }, [run, everyMs]);
  return { data, error, reload: run };
}
