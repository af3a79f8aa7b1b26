// Home automation over MQTT: temperature sensors publish `home/<room>/temperature` (payload: degrees
// Celsius as text) over MQTT; Brook maps those topics to the Kafka topic `temperatures` with the MQTT
// topic as the record key. This app keeps a moving average of each room's last `window` readings and
// turns the room's heating on below `target - band` and off above `target + band` (hysteresis, so a
// reading near the target does not flap it), writing a command only when it changes to
// `heating` keyed `home/<room>/heating`. Brook maps that topic back to MQTT, so the heaters, which
// subscribe to `home/+/heating`, receive "on" / "off".
//
// The broker's mapping: brook.mqtt.topic.mappings=home/+/temperature=<temperatures>;home/+/heating=<heating>

import { json, string, type App } from '../../src/streams/index.js';

export interface HomeTopics {
  temperatures: string; // key: home/<room>/temperature, value: "21.5"
  heating: string; // key: home/<room>/heating, value: "on" | "off"
}

export interface Thermostat {
  /** Degrees Celsius to keep each room at. */
  target: number;
  /** Half the dead band around the target. */
  band: number;
  /** Readings in the moving average. */
  window: number;
}

export interface RoomState {
  readings: number[];
  average: number;
  heating: 'on' | 'off' | null;
  /** Set on the one update that changed `heating`. */
  changed: boolean;
}

/** "home/kitchen/temperature" -> "kitchen"; null for a key that is not a room's temperature topic. */
export function roomOf(mqttTopic: string): string | null {
  const m = /^home\/([^/]+)\/temperature$/.exec(mqttTopic);
  return m ? m[1]! : null;
}

export function buildHomeAutomation(app: App, topics: HomeTopics, t: Thermostat): void {
  app
    .stream(topics.temperatures, { key: string, value: string })
    .filter((topic, celsius) => roomOf(topic) !== null && Number.isFinite(Number(celsius)))
    .groupBy((topic) => roomOf(topic)!, { key: string, name: 'temperatures-by-room' })
    .aggregate<RoomState>(
      () => ({ readings: [], average: NaN, heating: null, changed: false }),
      (_room, celsius, s) => {
        const readings = [...s.readings, Number(celsius)].slice(-t.window);
        const average = readings.reduce((a, b) => a + b, 0) / readings.length;
        const wanted = average < t.target - t.band ? 'on' : average > t.target + t.band ? 'off' : s.heating;
        return { readings, average, heating: wanted, changed: wanted !== s.heating };
      },
      { store: 'rooms', value: json<RoomState>() },
    )
    .toStream()
    .filter((_room, s) => s !== null && s.changed && s.heating !== null)
    .map((room, s): [string, string] => [`home/${room}/heating`, s!.heating!])
    .to(topics.heating, { key: string, value: string });
}
