// The console talks to the gateway that serves it, same origin, over its HTTP routes only.
// Errors come back as the gateway's `{ error_code, message }` bodies and are thrown as ApiError
// so pages can show the message.

/** Dispatched on window when the gateway answers 401. */
export const UNAUTHORIZED_EVENT = 'brook-unauthorized';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
  const init: RequestInit = { method, headers: { accept: 'application/json' } };
  if (body !== undefined) {
    init.body = JSON.stringify(body);
    (init.headers as Record<string, string>)['content-type'] = path.startsWith('/subjects') || path.startsWith('/config') ? 'application/vnd.schemaregistry.v1+json' : 'application/json';
  }
  const res = await fetch(path, init);
  // The session ended (expired, or the gateway restarted): the frame shows the login form again.
  if (res.status === 401 && path !== '/console/api/login') dispatchEvent(new Event(UNAUTHORIZED_EVENT));
  const text = await res.text();
  const json: unknown = text === '' ? null : JSON.parse(text);
  // RabbitMQ-style routes (/api/queues ...) answer `{ error, reason }`.
  const err = json as { message?: string; reason?: string } | null;
  if (!res.ok) throw new ApiError(res.status, err?.message ?? err?.reason ?? `HTTP ${res.status}`);
  return json as T;
}

export const api = {
  get: <T>(path: string) => call<T>('GET', path),
  post: <T>(path: string, body: unknown) => call<T>('POST', path, body),
  put: <T>(path: string, body: unknown) => call<T>('PUT', path, body),
  patch: <T>(path: string, body: unknown) => call<T>('PATCH', path, body),
  del: <T>(path: string) => call<T>('DELETE', path),
};

let clusterId: Promise<string> | null = null;
/** The REST v3 cluster id (one cluster per gateway), asked once. */
export function cluster(): Promise<string> {
  clusterId ??= api.get<{ data: { cluster_id: string }[] }>('/v3/clusters').then((r) => r.data[0]!.cluster_id);
  return clusterId;
}

export async function v3(path: string): Promise<string> {
  return `/v3/clusters/${encodeURIComponent(await cluster())}${path}`;
}

export const enc = encodeURIComponent;
