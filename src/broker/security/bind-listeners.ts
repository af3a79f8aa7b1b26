// Binds every configured listener (security/listeners.ts) with its TLS context, in order; if one
// cannot bind, those already bound are closed and the error is thrown (the broker does not start
// half-listening).
import type { TlsOptions } from 'node:tls';
import type { BrokerConfig } from '../config/broker-config.js';
import { resolveListeners, usesTls, type ListenerSpec } from './listeners.js';
import { PrincipalMapper } from './principal.js';
import { buildListenerTls, listenerSetting } from './tls-options.js';

/** What bindListeners needs of a listener (server/listener.ts). */
export interface BindableListener {
  listen(host: string, port: number): Promise<number>;
  close(): Promise<void>;
  reloadTls(options: TlsOptions): void;
  readonly open: ReadonlySet<{ readonly readingPaused: boolean }>;
}

export interface ListenerSecuritySetup {
  spec: ListenerSpec;
  advertised: { host: string; port: number };
  tls: ReturnType<typeof buildListenerTls> | null;
  mapper: PrincipalMapper;
}

export interface BoundListener {
  spec: ListenerSpec;
  port: number;
  advertised: { host: string; port: number };
  listener: BindableListener;
  /**
   * Reads this listener's TLS files again: the returned function puts them in service (new
   * connections), null for a listener without TLS. Throws (changing nothing) when they do not load.
   */
  prepareTlsReload(config: BrokerConfig): (() => void) | null;
}

export async function bindListeners(
  config: BrokerConfig,
  fallback: { host: string; port: number; advertisedHost: string },
  create: (security: ListenerSecuritySetup) => BindableListener,
): Promise<BoundListener[]> {
  const specs = resolveListeners(config, fallback);
  const bound: BoundListener[] = [];
  try {
    for (const spec of specs) {
      const tls = usesTls(spec.protocol) ? buildListenerTls(config, spec.name) : null;
      const mapper = new PrincipalMapper(listenerSetting(config, spec.name, 'ssl.principal.mapping.rules') ?? 'DEFAULT');
      const advertised = { host: spec.advertisedHost, port: spec.advertisedPort };
      const listener = create({ spec, advertised, tls, mapper });
      const port = await listener.listen(spec.host, spec.port);
      if (advertised.port === 0) advertised.port = port;
      bound.push({
        spec,
        port,
        advertised,
        listener,
        prepareTlsReload: (c) => {
          if (!usesTls(spec.protocol)) return null;
          const { options } = buildListenerTls(c, spec.name);
          return () => listener.reloadTls(options);
        },
      });
    }
  } catch (e) {
    await Promise.all(bound.map((b) => b.listener.close()));
    throw e;
  }
  return bound;
}
