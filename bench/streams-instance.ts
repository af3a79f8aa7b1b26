// One instance of the failover benchmark's app (bench/streams-failover.ts), run as a child process
// so it can be SIGKILLed. argv: <bootstrap> <appId> <clientId> <input> <output> <standbys> <sessionTimeoutMs>.
// A keyed count (a stateful task per input partition), at-least-once. Every 20 ms it prints, if
// anything changed, {"t":<epoch ms>,"tasks":{"<id>":{"in":n,"restored":n,"restoring":bool}},
// "standbys":{"<id>":lag}}.
import { App, int64, string } from '../src/streams/index.js';

const [bootstrap, appId, clientId, input, output, standbys, session] = process.argv.slice(2);
const app = new App({
  appId: appId!,
  brokers: [bootstrap!],
  clientId: clientId!,
  numStandbyReplicas: Number(standbys),
  sessionTimeoutMs: Number(session),
  heartbeatIntervalMs: 500,
  commitIntervalMs: 200,
  // Instances start one after another; the later ones get tasks through warm-ups, probed often here.
  probingRebalanceIntervalMs: 2_000,
});
app.stream(input!, { key: string, value: string }).groupByKey().count({ store: 'fo-counts' }).toStream().to(output!, { value: int64 });
const running = await app.start();
running.done.catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
let last = '';
setInterval(() => {
  const tasks = Object.fromEntries(Object.entries(running.metrics()).map(([id, m]) => [id, { in: m.recordsIn, restored: m.restoredRecords, restoring: m.restoring }]));
  const standbyLags = Object.fromEntries(Object.entries(running.standbys()).map(([id, s]) => [id, s.lag]));
  const body = JSON.stringify({ tasks, standbys: standbyLags });
  if (body === last) return;
  last = body;
  console.log(JSON.stringify({ t: Date.now(), tasks, standbys: standbyLags }));
}, 20);
