// Run the home-automation example against a Brook started with its MQTT mapping:
//
//   npx brook start --set 'brook.mqtt.topic.mappings=home/+/temperature=home-automation.temperatures;home/+/heating=home-automation.heating'
//   npm run example:home-automation -- --brokers localhost:9092 [--target 20]
//   mosquitto_sub -t 'home/+/heating' -v                     # the heaters
//   mosquitto_pub -t home/kitchen/temperature -m 17.5        # a sensor
//
// Runs until SIGINT/SIGTERM, then closes the app cleanly.
import { parseArgs } from 'node:util';
import { createAdmin, resolveBrokers } from '../../src/client/index.js';
import { App } from '../../src/streams/index.js';
import { buildHomeAutomation, type HomeTopics } from './topology.js';

export const homeTopics: HomeTopics = { temperatures: 'home-automation.temperatures', heating: 'home-automation.heating' };

const { values } = parseArgs({ options: { brokers: { type: 'string' }, target: { type: 'string', default: '20' } } });
const brokers = resolveBrokers(values.brokers);
const admin = createAdmin({ brokers, clientId: 'home-automation-example' });
try {
  const have = new Set(await admin.listTopics());
  for (const topic of Object.values(homeTopics)) if (!have.has(topic)) await admin.createTopics({ topics: [topic], partitions: 1 });
} finally {
  await admin.close();
}
const app = new App({ appId: 'home-automation-example', brokers, commitIntervalMs: 200 });
buildHomeAutomation(app, homeTopics, { target: Number(values.target), band: 0.5, window: 3 });
const running = await app.start();
console.log(`home-automation: ${homeTopics.temperatures} -> ${homeTopics.heating} (target ${values.target} C); Ctrl+C to stop`);
await new Promise<void>((resolve) => {
  process.once('SIGINT', () => resolve());
  process.once('SIGTERM', () => resolve());
});
await running.close();
