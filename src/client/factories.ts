// Builds @platformatic/kafka clients from Brook's ClientOptions. This folder is the only
// place that imports the library (an import rule enforces it), so swapping or upgrading the
// client touches one layer.
import { Admin, Consumer, Producer } from '@platformatic/kafka';
import type { ConsumerOptions, ProducerOptions } from '@platformatic/kafka';
import type { ConnectionOptions } from 'node:tls';
import type { ClientOptions, ClientTls } from './options.js';

export function base(options: ClientOptions) {
  return {
    clientId: options.clientId,
    bootstrapBrokers: options.brokers,
    ...(options.timeoutMs !== undefined ? { timeout: options.timeoutMs } : {}),
    ...(options.retries !== undefined ? { retries: options.retries } : {}),
    ...(options.sasl ? { sasl: { ...options.sasl } } : {}),
    ...(options.tls ? { tls: tlsOptions(options.tls) } : {}),
  };
}

function tlsOptions(tls: ClientTls): ConnectionOptions {
  const { verifyHostname, ...pem } = tls;
  return { ...pem, ...(verifyHostname === false ? { checkServerIdentity: () => undefined } : {}) };
}

export function createAdmin(options: ClientOptions): Admin {
  return new Admin(base(options));
}

export function createProducer<K = Buffer, V = Buffer, HK = Buffer, HV = Buffer>(
  options: ClientOptions,
  producer: Omit<ProducerOptions<K, V, HK, HV>, 'clientId' | 'bootstrapBrokers'> = {},
): Producer<K, V, HK, HV> {
  return new Producer<K, V, HK, HV>({ ...base(options), ...producer } as ProducerOptions<K, V, HK, HV>);
}

export function createConsumer<K = Buffer, V = Buffer, HK = Buffer, HV = Buffer>(
  options: ClientOptions,
  consumer: Omit<ConsumerOptions<K, V, HK, HV>, 'clientId' | 'bootstrapBrokers'>,
): Consumer<K, V, HK, HV> {
  return new Consumer<K, V, HK, HV>({ ...base(options), ...consumer } as ConsumerOptions<K, V, HK, HV>);
}
