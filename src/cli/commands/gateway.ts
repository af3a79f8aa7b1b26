// `brook gateway`: the HTTP gateway alone (REST Proxy v2/v3, SSE, schema registry, /metrics)
// against any Kafka cluster — Brook, Apache Kafka or Redpanda — found with --brokers. Runs until
// SIGINT or SIGTERM. Without an embedded broker, /metrics serves what the gateway measures
// itself (its requests, process, consumer-group lag, partition counts and sizes).
// Its clients reach a secured cluster as Kafka's CLI tools do: `--command-config <file>`, a client
// properties file (security.protocol, sasl.mechanism, sasl.jaas.config or sasl.username/password,
// ssl.truststore.* / ssl.ca.location, ...: client/security-properties.ts); without one, the BROOK_SASL_*
// and BROOK_TLS_* variables every brook command reads.
import type { Command } from 'commander';
import { createLogger, type LogLevel } from '../../util/logger.js';
import { readFileSync } from 'node:fs';
import { parseProperties } from '../../broker/config/load.js';
import type { ClientSecurity } from '../../client/index.js';
import { addBrokersOption, fail, securityFromEnv, type BrokersFlag } from './client-command.js';

const EXIT_USAGE = 2;
const EXIT_FAILURE = 1;

interface GatewayFlags extends BrokersFlag {
  host?: string;
  httpPort?: string;
  logLevel?: string;
  schemasTopic?: string;
  commandConfig?: string;
}

export function registerGateway(program: Command): void {
  addBrokersOption(
    program
      .command('gateway')
      .description('Run the HTTP gateway alone against a Kafka cluster (REST Proxy, SSE, schema registry, metrics).')
      .option('--host <host>', 'interface to listen on [env BROOK_HOST] (default: "127.0.0.1")')
      .option('--http-port <port>', 'port to listen on; 0 picks a free one [env BROOK_HTTP_PORT] (default: 8080)')
      .option('--schemas-topic <name>', 'the schema registry topic (default: "_schemas")')
      .option('--command-config <file>', 'client properties for a secured cluster (security.protocol, sasl.*, ssl.*), as Kafka\'s CLI tools take them (default: BROOK_SASL_* and BROOK_TLS_* from the environment)')
      .option('--log-level <level>', 'debug, info, warn or error [env BROOK_LOG_LEVEL] (default: "info")'),
  )
    .addHelpText('after', '\nExamples:\n  brook gateway --brokers kafka1:9092,kafka2:9092 --http-port 8082\n  brook gateway --brokers kafka1:9094 --command-config client.properties   # SASL_SSL\n  curl localhost:8082/v3/clusters\n')
    .action(async (flags: GatewayFlags) => process.exit(await runGateway(flags)));
}

async function runGateway(flags: GatewayFlags): Promise<number> {
  const env = process.env;
  const portText = flags.httpPort ?? (env.BROOK_HTTP_PORT || '8080');
  const port = Number(portText);
  if (!/^\d+$/.test(portText) || port > 65535) {
    fail('gateway', `--http-port must be a whole number from 0 to 65535 (0 picks a free port), not "${portText}".`);
    return EXIT_USAGE;
  }
  const level = (flags.logLevel ?? (env.BROOK_LOG_LEVEL || 'info')) as LogLevel;
  if (!['debug', 'info', 'warn', 'error'].includes(level)) {
    fail('gateway', `--log-level must be one of debug, info, warn, error, not "${level}".`);
    return EXIT_USAGE;
  }
  const { resolveBrokers, checkBrokersReachable, explainClientError, setConnectionErrorLogger } = await import('../../client/index.js');
  let brokers: string[];
  try {
    brokers = resolveBrokers(flags.brokers, env);
  } catch (e) {
    fail('gateway', e instanceof Error ? e.message : String(e));
    return EXIT_USAGE;
  }
  let clientSecurity: ClientSecurity;
  try {
    clientSecurity = await gatewayClientSecurity(flags.commandConfig);
  } catch (e) {
    fail('gateway', e instanceof Error ? e.message : String(e));
    return EXIT_USAGE;
  }
  const logger = createLogger({ level });
  setConnectionErrorLogger(logger.child({ component: 'kafka-client' }));
  try {
    await checkBrokersReachable({ brokers, clientId: 'brook-gateway', timeoutMs: 10_000, ...clientSecurity });
  } catch (e) {
    fail('gateway', explainClientError(e, brokers));
    return EXIT_FAILURE;
  }
  const { Gateway } = await import('../../gateway/server.js');
  let gateway;
  try {
    gateway = await Gateway.start({ brokers, clientSecurity, host: flags.host ?? (env.BROOK_HOST || '127.0.0.1'), port, logger, sql: env.BROOK_SQL_EXTENSION_DIR ? { extensionDir: env.BROOK_SQL_EXTENSION_DIR } : {}, ...(flags.schemasTopic ? { schemasTopic: flags.schemasTopic } : {}) });
  } catch (e) {
    fail('gateway', `could not listen on port ${port}: ${e instanceof Error ? e.message : String(e)}`);
    return EXIT_FAILURE;
  }
  process.stdout.write(`Brook gateway: http://${gateway.host}:${gateway.port} -> ${brokers.join(',')}\nPress Ctrl+C to stop.\n`);
  await new Promise<void>((resolve) => {
    const stop = (): void => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await gateway.close();
  return 0;
}

/** --command-config's client properties, else the BROOK_SASL_* / BROOK_TLS_* environment; a bad file or value throws one sentence. */
async function gatewayClientSecurity(file: string | undefined): Promise<ClientSecurity> {
  if (file === undefined) return securityFromEnv();
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new Error(`--command-config ${file} cannot be read (${e instanceof Error ? e.message : String(e)}).`);
  }
  const { clientSecurityFromProperties } = await import('../../client/index.js');
  try {
    return clientSecurityFromProperties(parseProperties(text));
  } catch (e) {
    throw new Error(`--command-config ${file}: ${e instanceof Error ? e.message : String(e)}`);
  }
}
