// The human-readable lines `brook start` prints on stdout once the broker listens (logs go to
// stderr as JSON lines). Scripts may read the "listening on" line to learn the bound port.
export interface BannerInfo {
  version: string;
  listener: string;
  advertised: string;
  dataDir: string;
  clusterId: string;
  /** Where the HTTP gateway listens (or why it is off); null leaves the line out. */
  http?: string | null;
  /** host:port of the MQTT listener, or null when it is off. */
  mqttListener?: string | null;
  /** host:port of the AMQP 0-9-1 listener, or null when it is off. */
  amqpListener?: string | null;
}

export function startBanner(info: BannerInfo): string {
  return [
    `Brook ${info.version}: Kafka-compatible broker`,
    `  listening on   ${info.listener}`,
    `  bootstrap      ${info.advertised}`,
    `  data dir       ${info.dataDir}`,
    `  cluster id     ${info.clusterId}`,
    ...(info.http ? [`  http           ${info.http}`] : []),
    ...(info.mqttListener ? [`  mqtt           ${info.mqttListener}`] : []),
    ...(info.amqpListener ? [`  AMQP 0-9-1     ${info.amqpListener}`] : []),
    'Press Ctrl+C to stop.',
    '',
  ].join('\n');
}
