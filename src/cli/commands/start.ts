// `brook start`: runs a broker in this process until SIGINT or SIGTERM, then closes it cleanly
// (storage writes its clean-shutdown marker) and exits 0. Bad flags or config exit 2 with one
// sentence; a failure to start (port in use, unreadable data dir) exits 1.
import type { Command } from 'commander';
import { Broker } from '../../broker/broker.js';
import { MqttWebSocketEndpoint } from '../../broker/mqtt/websocket.js';
import { AmqpManagementView } from '../../broker/amqp/management-view.js';
import { HttpSecurityView, httpTlsOptions } from '../../broker/security/http-security-view.js';
import type { Gateway } from '../../gateway/server.js';
import { createLogger, type Logger } from '../../util/logger.js';
import { packageInfo } from '../../util/package-info.js';
import { startBanner } from './banner.js';
import { embeddedGatewayClient } from './embedded-gateway-client.js';
import { seedTopics } from './seed-topics.js';
import { DEFAULTS, UsageError, resolveStartOptions, type StartFlags } from './start-options.js';
import { setConnectionErrorLogger } from '../../client/connection-errors.js';

export const EXIT_USAGE = 2;
const EXIT_FAILURE = 1;

export function registerStart(program: Command): void {
  program
    .command('start')
    .description('Run a Brook broker (Kafka wire protocol) in the foreground.')
    .option('--data-dir <dir>', `where topics are stored [env BROOK_DATA_DIR] (default: "${DEFAULTS.dataDir}")`)
    .option('--host <host>', `interface to listen on; 0.0.0.0 for all [env BROOK_HOST] (default: "${DEFAULTS.host}")`)
    .option('--port <port>', `port to listen on; 0 picks a free one [env BROOK_PORT] (default: ${DEFAULTS.port})`)
    .option('--mqtt-port <port>', 'MQTT port; 0 picks a free one [env BROOK_MQTT_PORT] (default: 1883)')
    .option('--no-mqtt', 'do not start the MQTT listener')
    .option('--amqp-port <port>', 'AMQP 0-9-1 port; 0 picks a free one [env BROOK_AMQP_PORT] (default: 5672)')
    .option('--amqps-port <port>', 'AMQP over TLS (amqps) port, with the ssl.* keystore settings; 0 picks a free one [env BROOK_AMQPS_PORT] (default: off)')
    .option('--no-amqp', 'do not start the AMQP 0-9-1 listener')
    .option('--advertised-host <host>', 'host clients are told to connect to [env BROOK_ADVERTISED_HOST] (default: the listen host)')
    .option('--set <key=value>', 'any Kafka broker config, repeatable (overrides BROOK_* env and --config)', collect)
    .option('--config <file>', 'Kafka server.properties-style file [env BROOK_CONFIG]')
    .option('--seed-topic <name:partitions>', 'create this topic at start unless it exists, repeatable (e.g. orders:3)', collect)
    .option('--http-port <port>', `HTTP gateway port (REST Proxy, SSE, schema registry, /metrics); 0 picks a free one [env BROOK_HTTP_PORT] (default: ${DEFAULTS.httpPort})`)
    .option('--no-http', 'do not start the HTTP gateway')
    .option('--log-level <level>', `debug, info, warn or error [env BROOK_LOG_LEVEL] (default: "${DEFAULTS.logLevel}")`)
    .addHelpText(
      'after',
      [
        '',
        'Examples:',
        '  brook start                                          # localhost:9092, data in ./brook-data',
        '  brook start --port 19092 --data-dir /var/lib/brook   # another port and data dir',
        '  brook start --seed-topic orders:3 --seed-topic audit # topics ready when the banner prints',
        '  brook start --set num.partitions=3 --set auto.create.topics.enable=false',
        '  brook start --config server.properties               # Kafka broker configs from a file',
        '  brook start --host 0.0.0.0 --advertised-host broker.example.com   # accept other machines',
        '  BROOK_PORT=0 brook start                             # any free port; the banner names it',
        '  brook start --mqtt-port 1884                         # MQTT devices on another port (--no-mqtt: none)',
        '  brook start --amqp-port 5673                         # RabbitMQ clients on another port (--no-amqp: none)',
        '',
        'Ctrl+C (SIGINT) or SIGTERM stops the broker cleanly.',
        '',
      ].join('\n'),
    )
    .action(async (flags: StartFlags) => {
      // Exit explicitly: a stray timer or handle must not keep a stopped broker's process alive.
      process.exit(await start(flags));
    });
}

function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

/** Runs until a signal; resolves to the process exit status. */
async function start(flags: StartFlags): Promise<number> {
  let options;
  try {
    options = resolveStartOptions(flags, process.env);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    process.stderr.write(`brook start: ${e.message}\n`);
    return EXIT_USAGE;
  }
  const logger = createLogger({ level: options.logLevel });
  // The embedded gateway's Kafka client logs its connections' errors here. Only the small guard module: the client
  // layer itself (and the Kafka client library under it) loads when the gateway starts, not on every start.
  setConnectionErrorLogger(logger.child({ component: 'kafka-client' }));
  for (const key of options.unknownKeys) logger.warn('ignoring an unknown config key', { key });
  let broker: Broker;
  try {
    // A default MQTT or AMQP port that is taken (a system mosquitto on 1883, a RabbitMQ on 5672)
    // leaves that listener off with a warning (mqttPortOptional/amqpPortOptional); one asked for fails.
    broker = await Broker.start({ ...options, logger });
  } catch (e) {
    process.stderr.write(`brook start: could not start the broker: ${e instanceof Error ? e.message : String(e)}\n`);
    return EXIT_FAILURE;
  }
  try {
    await seedTopics(broker, options.seedTopics);
  } catch (e) {
    process.stderr.write(`brook start: ${e instanceof Error ? e.message : String(e)}.\n`);
    await broker.close();
    return EXIT_FAILURE;
  }
  let gateway: Gateway | null = null;
  let httpNote: string | null = null;
  if (options.httpPort !== null) {
    let client;
    try {
      client = await embeddedGatewayClient(broker, options.config);
    } catch (e) {
      process.stderr.write(`brook start: the HTTP gateway cannot reach the broker: ${e instanceof Error ? e.message : String(e)}\n`);
      await broker.close();
      return EXIT_FAILURE;
    }
    if (client.internalUser !== null) logger.info('the HTTP gateway reaches the broker as an internal user', { listener: client.listener, user: client.internalUser });
    try {
      // Loaded only when wanted: it brings the Kafka client library (see main.ts).
      const { Gateway: GatewayServer } = await import('../../gateway/server.js');
      // The gateway reaches the broker over the Kafka protocol like any client (through the listener and
      // with the credentials embeddedGatewayClient chose); only the broker's own metrics are handed over
      // directly (they cannot be read through Kafka).
      gateway = await GatewayServer.start({
        brokers: client.brokers,
        clientSecurity: client.security,
        host: options.host,
        port: options.httpPort,
        logger: logger.child({ component: 'gateway' }),
        brokerMetrics: () => broker.state.metrics.render(),
        amqp: broker.amqp ? new AmqpManagementView(broker.amqp) : null, // the Queues page and /api/queues
        // The broker's users and ACLs guard the HTTP routes once the broker's own security is on.
        security: new HttpSecurityView(broker.state.security, broker.state.authorizer, broker.listeners().map((l) => l.protocol)),
        tls: httpTlsOptions(broker.state.config), // listener.name.http.ssl.keystore.*: HTTPS on the same port
        // ksqlDB's REST API (/ksql, /query-stream); `brook sql` talks to it. UDF modules: brook.sql.extension.dir.
        sql: options.sqlExtensionDir !== undefined ? { extensionDir: options.sqlExtensionDir } : {},
      });
      // Renewed listener.name.http.ssl.* files reload with the broker's TLS ports.
      const https = gateway;
      broker.onTlsReload(() => {
        const tls = httpTlsOptions(broker.state.config);
        return tls ? () => https.reloadTls(tls) : null;
      });
    } catch (e) {
      const why = e instanceof Error ? e.message : String(e);
      if (options.httpPortExplicit) {
        process.stderr.write(`brook start: could not start the HTTP gateway on port ${options.httpPort}: ${why}\n`);
        await broker.close();
        return EXIT_FAILURE;
      }
      // The default port being taken must not keep the broker from running: say so and go on.
      logger.warn('HTTP gateway not started: the default port is not free; pass --http-port to choose one', { port: options.httpPort, error: why });
      httpNote = `off (port ${options.httpPort} is in use; pass --http-port N, or 0 for any free port)`;
    }
  }
  // MQTT over WebSocket (for browsers) on the HTTP port's /mqtt, beside the gateway's routes.
  let mqttWs: MqttWebSocketEndpoint | null = null;
  if (gateway && broker.mqtt) {
    const endpoint = (mqttWs = new MqttWebSocketEndpoint(broker.mqtt));
    gateway.handleUpgrades('/mqtt', (request, socket, head) => endpoint.handleUpgrade(request, socket, head));
  }
  // Signal handlers first: a script that reads the banner may stop the broker right away.
  const stopped = waitForSignalThenClose(broker, gateway, logger, mqttWs);
  process.stdout.write(
    startBanner({
      http: gateway ? `${gateway.url} (web console, REST Proxy, SSE, schema registry, ksqlDB API, /metrics)` : httpNote,
      version: packageInfo.version,
      listener: `${broker.host}:${broker.port}`,
      advertised: broker.bootstrap,
      dataDir: broker.dataDir,
      clusterId: broker.state.clusterId,
      mqttListener:
        broker.mqttPort !== null
          ? `${broker.host}:${broker.mqttPort}${mqttWs && gateway ? ` (WebSocket: ${gateway.url.replace(/^http/, 'ws')}/mqtt)` : ''}`
          : options.mqttPort !== undefined
            ? `off (port ${options.mqttPort} is in use; pass --mqtt-port N, or 0 for any free port)`
            : null,
      amqpListener:
        broker.amqpPort !== null
          ? `${broker.host}:${broker.amqpPort}${broker.amqp && broker.amqp.tlsPort !== null ? ` (amqps: ${broker.host}:${broker.amqp.tlsPort})` : ''}`
          : options.amqpPort !== undefined
            ? `off (port ${options.amqpPort} is in use; pass --amqp-port N, or 0 for any free port)`
            : null,
    }),
  );
  return stopped;
}

function waitForSignalThenClose(broker: Broker, gateway: Gateway | null, logger: Logger, mqttWs: MqttWebSocketEndpoint | null = null): Promise<number> {
  return new Promise((resolve) => {
    const onSignal = (signal: NodeJS.Signals): void => {
      // A second signal while closing means "now": skip the clean close.
      process.removeListener('SIGINT', onSignal);
      process.removeListener('SIGTERM', onSignal);
      process.once('SIGINT', () => process.exit(130));
      process.once('SIGTERM', () => process.exit(143));
      logger.info('shutting down', { signal });
      // Upgraded sockets would keep the HTTP server from closing: end them first.
      mqttWs?.close();
      (gateway?.close() ?? Promise.resolve())
        .catch((e: unknown) => logger.warn('closing the HTTP gateway failed', { error: String(e) }))
        .then(() => broker.close())
        .then(
        () => resolve(0),
        (e: unknown) => {
          logger.error('shutdown failed', { error: String(e) });
          resolve(EXIT_FAILURE);
        },
      );
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
}
