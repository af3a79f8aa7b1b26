// Watches the process's memory and raises the broker's resource alarm at the high-water mark
// (RabbitMQ's vm_memory_high_watermark), so the broker sheds load with errors instead of being
// killed by the kernel or by V8 running out of heap.
//
// Two lines, whichever is crossed first:
//   resident set size  >= brook.memory.high.watermark.bytes, or, when that is -1,
//                         brook.memory.high.watermark x the memory limit (the cgroup limit when the
//                         process has one, else the machine's memory)
//   V8 heap in use     >= 90% of the heap limit (--max-old-space-size): past it V8 aborts the process
//                         whatever RSS says
// The alarm clears once both are back under 95% of their line, so it does not flap on one sample.
// Values are read on every sample, so dynamic changes apply within one interval.
import { totalmem } from 'node:os';
import { getHeapStatistics } from 'node:v8';
import type { Logger } from '../../util/logger.js';
import type { BrokerConfig } from '../config/broker-config.js';
import type { BrokerService } from '../service.js';
import type { ResourceAlarm } from './resource-alarm.js';

const HEAP_LINE = 0.9;
const CLEAR_RATIO = 0.95;

export interface MemorySample {
  rss: number;
  heapUsed: number;
  rssLine: number;
  heapLine: number;
}

/** The memory the process may use: its cgroup limit when set (Node 20+), else the machine's. */
export function memoryLimit(): number {
  const total = totalmem();
  const constrained = typeof process.constrainedMemory === 'function' ? process.constrainedMemory() : 0;
  return constrained > 0 && constrained < total ? constrained : total;
}

export class MemoryMonitor implements BrokerService {
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly config: BrokerConfig,
    private readonly alarm: ResourceAlarm,
    private readonly logger: Logger,
    private readonly intervalMs = 1000,
  ) {}

  async start(): Promise<void> {
    this.sample();
    this.timer = setInterval(() => this.sample(), this.intervalMs);
    this.timer.unref();
  }

  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** The RSS line in bytes from the config. */
  rssLine(): number {
    const absolute = this.config.getNumber('brook.memory.high.watermark.bytes');
    if (absolute >= 0) return absolute;
    return Math.floor(this.config.getNumber('brook.memory.high.watermark') * memoryLimit());
  }

  /** Takes one sample and raises or clears the alarm; returns what it saw. */
  sample(): MemorySample {
    const rss = process.memoryUsage.rss();
    const heap = getHeapStatistics();
    const s: MemorySample = { rss, heapUsed: heap.used_heap_size, rssLine: this.rssLine(), heapLine: Math.floor(heap.heap_size_limit * HEAP_LINE) };
    const over = s.rss >= s.rssLine || s.heapUsed >= s.heapLine;
    const under = s.rss < s.rssLine * CLEAR_RATIO && s.heapUsed < s.heapLine * CLEAR_RATIO;
    const active = this.alarm.resources.has('memory');
    if (over && !active) {
      const reason = s.rss >= s.rssLine
        ? `broker memory ${mib(s.rss)} is over its high-water mark ${mib(s.rssLine)}`
        : `broker heap ${mib(s.heapUsed)} is over 90% of the V8 heap limit`;
      this.logger.warn('memory alarm raised: refusing produce until memory falls', { rss: s.rss, rssLine: s.rssLine, heapUsed: s.heapUsed, heapLine: s.heapLine });
      this.alarm.raise('memory', reason);
    } else if (active && under) {
      this.logger.info('memory alarm cleared', { rss: s.rss, rssLine: s.rssLine, heapUsed: s.heapUsed });
      this.alarm.clear('memory');
    }
    return s;
  }
}

function mib(n: number): string {
  return `${(n / 1048576).toFixed(0)} MiB`;
}
