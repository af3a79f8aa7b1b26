// The human-readable lines `brook start` prints on stdout once the broker listens (logs go to
// stderr as JSON lines). Scripts may read the "listening on" line to learn the bound port.
export interface BannerInfo {
  version: string;
  listener: string;
  advertised: string;
  dataDir: string;
  clusterId: string;
  /** host:port of the HTTP gateway, or null when it is off. */
  http?: string | null;
}

export function startBanner(info: BannerInfo): string {
  return [
    `Brook ${info.version}: Kafka-compatible broker`,
    `  listening on   ${info.listener}`,
    `  bootstrap      ${info.advertised}`,
    `  data dir       ${info.dataDir}`,
    `  cluster id     ${info.clusterId}`,
    ...(info.http ? [`  http           http://${info.http} (REST Proxy, SSE, schema registry, /metrics)`] : []),
    'Press Ctrl+C to stop.',
    '',
  ].join('\n');
}
