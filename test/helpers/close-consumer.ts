// @platformatic/kafka's Consumer.close(force) returns a promise at run time, but TypeScript resolves
// `close(true)` to the callback overload, typed void, so `await consumer.close(true)` reads as
// awaiting nothing (typescript-eslint's await-thenable flags it). The callback form says what happens.
import type { Consumer } from '@platformatic/kafka';

/** Closes a consumer, leaving its group at once when `force` (the default here), and waits until it is closed. */
export function closeConsumer<K, V, HK, HV>(consumer: Consumer<K, V, HK, HV>, force = true): Promise<void> {
  return new Promise((resolve, reject) => consumer.close(force, (error) => (error ? reject(error) : resolve())));
}
