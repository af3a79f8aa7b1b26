// What the fuzzer runs (test/fuzz/request-fuzz.test.ts, bench/fuzz.bench.ts). Inputs are request
// frames without their size prefix: request header, then body.
//
//   decoder   decodeRequestHeader + decodeRequestBody of every API and version in the registry: only
//             DecodeError may escape, and no Buffer larger than the input may be allocated (decoders
//             return views of the input).
//   handlers  the broker's own handlers on a real in-process broker (real storage in a temp dir,
//             small limits): a decoded request is handled with the context a connection gives it
//             (memory budget included), the response must encode, a handler must never throw, must
//             settle (a parked long poll once its connection's signal aborts, as on a disconnect),
//             and nothing it does may allocate more than the per-connection budget plus the input.
//             JoinGroup and SyncGroup are exempt from the settle check only: they wait for the other
//             members of the group for the request's own rebalance timeout, as Kafka's do.
import { DecodeError } from '../../src/protocol/decode-error.js';
import { decodeRequestBody, decodeRequestHeader, type RequestHeader } from '../../src/protocol/headers.js';
import { apiByKey } from '../../src/protocol/messages/index.js';
import type { Broker } from '../../src/broker/broker.js';
import { HandlerTable } from '../../src/broker/server/handler-table.js';
import { HeldBytes } from '../../src/broker/server/request-memory.js';
import { encodeResponse } from '../../src/broker/server/response-encoding.js';
import { ByteBudget } from '../../src/broker/limits/byte-budget.js';
import { handlers } from '../../src/broker/handlers/index.js';
import { NO_RESPONSE, isCloseConnection } from '../../src/broker/handlers/handler.js';
import { silentLogger } from '../../src/util/logger.js';
import { FuzzFailure, takeLargestAllocation, type FuzzTarget } from './fuzz-engine.js';

/** What a decoder may allocate for an input of `n` bytes. */
const decoderAllowance = (n: number): number => Math.max(64 * 1024, n);

function decode(input: Buffer): { header: RequestHeader; body: unknown } | null {
  let header: RequestHeader;
  try {
    header = decodeRequestHeader(input);
  } catch (e) {
    if (e instanceof DecodeError) return null;
    throw new FuzzFailure(`request header decoder threw ${String(e)}`);
  }
  const api = apiByKey(header.apiKey);
  if (!api || header.apiVersion < api.minVersion || header.apiVersion > api.maxVersion) return null;
  try {
    return { header, body: decodeRequestBody(input, header, api.request) };
  } catch (e) {
    if (e instanceof DecodeError) return null;
    throw new FuzzFailure(`${api.name} v${header.apiVersion} decoder threw ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
  }
}

export const decoderTarget: FuzzTarget = {
  name: 'request decoder',
  run(input) {
    decode(input);
    const allocated = takeLargestAllocation();
    if (allocated > decoderAllowance(input.length)) throw new FuzzFailure(`decoding ${input.length} bytes allocated a ${allocated}-byte Buffer`);
  },
};

const WAITERS = new Set([11, 14]); // JoinGroup, SyncGroup
const SETTLE_MS = 1000;

export function handlerTarget(broker: Broker, budgetBytes: number): FuzzTarget {
  const table = new HandlerTable(handlers);
  const brokerBudget = new ByteBudget(budgetBytes * 4);
  let connectionId = 1_000_000;
  return {
    name: 'handlers',
    async run(input) {
      const decoded = decode(input);
      if (!decoded) return;
      const { header, body } = decoded;
      const handler = table.handlerFor(header.apiKey);
      if (!handler || header.apiVersion < handler.minVersion || header.apiVersion > handler.maxVersion) return;
      const budget = new ByteBudget(budgetBytes, brokerBudget);
      budget.admit(input.length);
      const held = new HeldBytes(budget, input.length);
      const aborter = new AbortController();
      const ctx = { header, broker: broker.state, clientAddress: '127.0.0.1:1', connectionId: connectionId++, logger: silentLogger, signal: aborter.signal, memory: held };
      let result: unknown;
      try {
        const pending = Promise.resolve(handler.handle(body, ctx));
        result = await settle(pending, SETTLE_MS);
        if (result === UNSETTLED) {
          aborter.abort(); // the client went away, as a closed connection does
          result = await settle(pending, SETTLE_MS);
          if (result === UNSETTLED) {
            if (WAITERS.has(header.apiKey)) return;
            throw new FuzzFailure(`${handler.api.name} v${header.apiVersion} did not settle ${SETTLE_MS} ms after its connection closed`);
          }
        }
      } catch (e) {
        if (e instanceof FuzzFailure) throw e;
        throw new FuzzFailure(`${handler.api.name} v${header.apiVersion} handler threw ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
      } finally {
        held.release();
      }
      if (result !== NO_RESPONSE && !isCloseConnection(result)) {
        try {
          encodeResponse(handler.api, header, result);
        } catch (e) {
          throw new FuzzFailure(`${handler.api.name} v${header.apiVersion} response does not encode: ${e instanceof Error ? e.message : String(e)}`);
        }
      }
      const allocated = takeLargestAllocation();
      if (allocated > budgetBytes + 4 * input.length + 1024 * 1024) {
        throw new FuzzFailure(`${handler.api.name} v${header.apiVersion}: ${input.length} input bytes allocated a ${allocated}-byte Buffer`);
      }
      if (brokerBudget.used !== 0) throw new FuzzFailure(`${handler.api.name} v${header.apiVersion} left ${brokerBudget.used} bytes held in the memory budget`);
    },
  };
}

const UNSETTLED = Symbol('unsettled');

async function settle<T>(p: Promise<T>, ms: number): Promise<T | typeof UNSETTLED> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([p, new Promise<typeof UNSETTLED>((r) => (timer = setTimeout(() => r(UNSETTLED), ms)))]);
  } finally {
    clearTimeout(timer);
  }
}
