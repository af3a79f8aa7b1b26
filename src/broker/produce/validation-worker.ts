// Entry of a produce-validation worker thread (validation-pool.ts). It runs the very function the
// event loop runs (produce-validation.ts), so a batch validated here gets exactly the verdict it
// would get there. The batch arrives in an ArrayBuffer the pool lends it and goes back with the
// verdict, so the pool reuses the same scratch memory for the next batch (no allocation per job).
//
// Messages, both ways structured-cloned; `bytes` is transferred, never copied:
//   in:  { id, bytes: ArrayBuffer, length, options: ProduceValidationOptions }
//   out: { id, bytes, rejection: ProduceRecordsRejection | null }   or   { id, bytes, failed: string }
// `failed` means the validator threw something other than a verdict (a bug): the pool then runs
// the batch on the event loop, where the same exception surfaces as it always did.
import { parentPort } from 'node:worker_threads';
import { explainProduceRecords, type ProduceRecordsRejection, type ProduceValidationOptions } from '../../protocol/records/produce-validation.js';

export interface ValidationRequest {
  id: number;
  bytes: ArrayBuffer;
  length: number;
  options: ProduceValidationOptions;
}

export type ValidationReply =
  | { id: number; bytes: ArrayBuffer; rejection: ProduceRecordsRejection | null }
  | { id: number; bytes: ArrayBuffer; failed: string };

const port = parentPort;
if (port) {
  port.on('message', (request: ValidationRequest) => {
    let reply: ValidationReply;
    try {
      const rejection = explainProduceRecords(Buffer.from(request.bytes, 0, request.length), request.options);
      reply = { id: request.id, bytes: request.bytes, rejection };
    } catch (e) {
      reply = { id: request.id, bytes: request.bytes, failed: e instanceof Error ? e.message : String(e) };
    }
    port.postMessage(reply, [request.bytes]);
  });
}
