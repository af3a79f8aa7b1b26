// Renewed certificates go into service without a restart or an operator's command, as Redpanda does
// it: the key, certificate and truststore files of every TLS port are polled, and once a change has
// settled for one interval every port reloads (Broker.reloadTlsCertificates; new connections get the
// new certificates, open ones keep theirs).
//
// Polling with fs.watchFile (one stat per file per interval) rather than fs.watch: certbot and
// cert-manager replace files by rename, often through symlinks, which inotify watches lose track of,
// and watchFile behaves the same on every file system. A renewal that does not load yet (a key written
// before its certificate) is logged and the ports keep what they have; the next change tries again.
import { unwatchFile, watchFile, type Stats } from 'node:fs';
import type { BrokerConfig } from '../config/broker-config.js';
import type { Logger } from '../../util/logger.js';
import { listenerSetting } from './tls-options.js';

const FILE_KEYS = ['ssl.keystore.location', 'ssl.truststore.location'] as const;

/** The files the TLS settings of `listeners` read (listener.name.<l>.ssl.* or the broker-wide key). */
export function tlsFilesOf(config: BrokerConfig, listeners: readonly string[]): string[] {
  const files = new Set<string>();
  for (const l of listeners) {
    for (const key of FILE_KEYS) {
      const path = listenerSetting(config, l, key);
      if (path !== null && path !== '') files.add(path);
    }
  }
  return [...files];
}

export class TlsFileWatch {
  private settle: NodeJS.Timeout | null = null;
  private readonly onChange = (now: Stats, before: Stats): void => {
    if (now.mtimeMs === before.mtimeMs && now.size === before.size && now.ino === before.ino) return;
    if (this.settle) clearTimeout(this.settle);
    this.settle = setTimeout(() => this.reloadNow(), this.intervalMs);
    this.settle.unref();
  };

  constructor(
    private readonly files: readonly string[],
    private readonly intervalMs: number,
    private readonly reload: () => void,
    private readonly logger: Logger,
  ) {
    // persistent: false: watching must not keep a closed broker's process alive.
    for (const f of files) watchFile(f, { interval: intervalMs, persistent: false }, this.onChange);
  }

  private reloadNow(): void {
    this.settle = null;
    try {
      this.reload();
      this.logger.info('TLS certificates reloaded', { files: this.files.join(',') });
    } catch (e) {
      this.logger.warn('renewed TLS files do not load yet; the ports keep their certificates', { error: e instanceof Error ? e.message : String(e) });
    }
  }

  close(): void {
    if (this.settle) clearTimeout(this.settle);
    for (const f of this.files) unwatchFile(f, this.onChange);
  }
}
