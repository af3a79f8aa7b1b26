// Turns what @platformatic/kafka throws into one sentence a person can act on. The library
// nests errors (MultipleErrors > ResponseError > ProtocolError), so the walk looks for the
// most specific cause: a network failure means the broker is unreachable; a broker error code
// comes with the broker's own message (which, for Brook, names the allowed range of a config).

/** The shape of the library's errors, read structurally so no class identity is needed. */
interface LibraryError {
  message?: unknown;
  code?: unknown;
  apiId?: unknown;
  serverErrorMessage?: unknown;
  errors?: unknown;
  cause?: unknown;
}

/** A failure already phrased for people (the CLI prints its message as is). */
export class ClientFacingError extends Error {
  override readonly name = 'ClientFacingError';
}

/** Every error in the tree, depth first, the given one first. */
function flatten(error: unknown, out: LibraryError[] = [], depth = 0): LibraryError[] {
  if (typeof error !== 'object' || error === null || depth > 8) return out;
  const e = error as LibraryError;
  out.push(e);
  if (Array.isArray(e.errors)) for (const inner of e.errors) flatten(inner, out, depth + 1);
  if (e.cause !== undefined) flatten(e.cause, out, depth + 1);
  return out;
}

function sentence(text: string): string {
  const t = text.trim();
  return /[.!?]$/.test(t) ? t : `${t}.`;
}

/** The Kafka error name (e.g. "UNKNOWN_TOPIC_OR_PARTITION") anywhere in the error, if any. */
export function kafkaErrorName(error: unknown): string | undefined {
  for (const e of flatten(error)) if (typeof e.apiId === 'string') return e.apiId;
  return undefined;
}

export function isNetworkError(error: unknown): boolean {
  return flatten(error).some((e) => e.code === 'PLT_KFK_NETWORK' || /Cannot connect to any broker/.test(String(e.message)));
}

/**
 * The sentence for a refused SASL authentication (the library reports it as the cause of a failed
 * connection, so it must be looked for before the network failure around it), or undefined.
 */
export function authenticationFailure(error: unknown, brokers: readonly string[]): string | undefined {
  const all = flatten(error);
  if (!all.some((e) => e.code === 'PLT_KFK_AUTHENTICATION')) return undefined;
  const server = all.find((e) => typeof e.serverErrorMessage === 'string' && e.serverErrorMessage !== '')?.serverErrorMessage as string | undefined;
  return `Authentication failed at ${brokers.join(', ')}${server ? `: ${sentence(server)}` : '.'} Check the SASL user name, password and mechanism.`;
}

/** One sentence describing the failure; `brokers` names where we tried to connect. */
export function explainClientError(error: unknown, brokers: readonly string[]): string {
  if (error instanceof ClientFacingError) return error.message;
  const all = flatten(error);
  const refused = authenticationFailure(error, brokers);
  if (refused !== undefined) return refused;
  if (isNetworkError(error)) return `Broker unreachable at ${brokers.join(', ')}.`;
  if (all.some((e) => e.code === 'PLT_KFK_TIMEOUT')) return `The broker at ${brokers.join(', ')} did not answer in time.`;
  const protocol = all.find((e) => typeof e.apiId === 'string');
  if (protocol) {
    const server = typeof protocol.serverErrorMessage === 'string' && protocol.serverErrorMessage !== '' ? protocol.serverErrorMessage : undefined;
    return sentence(server ?? `${String(protocol.message)} (${String(protocol.apiId)})`);
  }
  const first = all[0];
  if (first && typeof first.message === 'string' && first.message !== '') return sentence(first.message);
  return sentence(String(error));
}
