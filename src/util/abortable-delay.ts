// A timer that ends early when its request is abandoned (the connection closed): handlers that
// make a client wait (a failed authentication's delay, a share fetch's wait for records) use it so a
// closed connection never keeps a timer and its closure alive.

/** Resolves after `ms`, or at once when `signal` aborts (or already has); never rejects. */
export function abortableDelay(ms: number, signal: AbortSignal): Promise<void> {
  if (ms <= 0 || signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const t = setTimeout(done, ms);
    function done(): void {
      clearTimeout(t);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}
