// Starts a real RabbitMQ (Debian's rabbitmq-server, run directly from /usr/lib/rabbitmq/bin as the
// current user) on free ports with everything in a temp dir: its own node name, Erlang
// distribution and epmd ports, mnesia and log dirs, config (guest allowed from anywhere on
// loopback) and cookie (HOME). Used by the differential tests and the AMQP benchmark. stop() ends
// exactly the processes it started (the server's process group, and its epmd by pid).
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const RABBITMQ_SERVER = '/usr/lib/rabbitmq/bin/rabbitmq-server';

export function hasRabbitMq(): boolean {
  return existsSync(RABBITMQ_SERVER);
}

export interface RabbitMq {
  port: number;
  url: string;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      const port = typeof a === 'object' && a ? a.port : 0;
      s.close(() => resolve(port));
    });
  });
}

function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const c = connect(port, '127.0.0.1');
    c.once('connect', () => {
      c.destroy();
      resolve(true);
    });
    c.once('error', () => resolve(false));
  });
}

export async function startRabbitMq(limitMs = 90_000): Promise<RabbitMq> {
  const dir = mkdtempSync(join(tmpdir(), 'brook-rabbitmq-'));
  for (const d of ['home', 'mnesia', 'log']) mkdirSync(join(dir, d));
  writeFileSync(join(dir, 'rabbitmq.conf'), 'loopback_users = none\nvm_memory_high_watermark.relative = 0.4\ndisk_free_limit.absolute = 50MB\n');
  writeFileSync(join(dir, 'enabled_plugins'), '[].\n');
  const [port, distPort, epmdPort] = [await freePort(), await freePort(), await freePort()];
  const node = `brooktest${process.pid}x${port}@localhost`;
  const env = {
    ...process.env,
    HOME: join(dir, 'home'),
    RABBITMQ_NODENAME: node,
    RABBITMQ_NODE_IP_ADDRESS: '127.0.0.1',
    RABBITMQ_NODE_PORT: String(port),
    RABBITMQ_DIST_PORT: String(distPort),
    ERL_EPMD_PORT: String(epmdPort),
    ERL_EPMD_ADDRESS: '127.0.0.1',
    RABBITMQ_MNESIA_BASE: join(dir, 'mnesia'),
    RABBITMQ_LOG_BASE: join(dir, 'log'),
    RABBITMQ_CONFIG_FILE: join(dir, 'rabbitmq'),
    RABBITMQ_ENABLED_PLUGINS_FILE: join(dir, 'enabled_plugins'),
    RABBITMQ_PID_FILE: join(dir, 'pid'),
  };
  // Its own process group, so stop() can end the server's whole tree (beam, erl_child_setup).
  const child: ChildProcess = spawn(RABBITMQ_SERVER, [], { env, detached: true, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (b: Buffer) => (stderr = (stderr + b.toString()).slice(-4000)));
  const stop = async (): Promise<void> => {
    if (child.pid !== undefined && child.exitCode === null) {
      try {
        process.kill(-child.pid, 'SIGTERM');
      } catch {
        // already gone
      }
      const deadline = Date.now() + 15_000;
      while (child.exitCode === null && child.signalCode === null && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      try {
        if (child.exitCode === null) process.kill(-child.pid, 'SIGKILL');
      } catch {
        // gone
      }
    }
    // The epmd this server started (a daemon, outside its process group) listens on our own
    // ERL_EPMD_PORT: end exactly that one, found by its environment.
    for (const pid of epmdPids(epmdPort)) {
      try {
        process.kill(pid, 'SIGTERM');
      } catch {
        // gone
      }
    }
    rmSync(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + limitMs;
  while (!(await portOpen(port))) {
    if (child.exitCode !== null || Date.now() > deadline) {
      const log = existsSync(join(dir, 'log')) ? safeRead(join(dir, 'log', `${node}.log`)) : '';
      await stop();
      throw new Error(`rabbitmq-server did not start (exit ${String(child.exitCode)}):\n${stderr}\n${log.slice(-2000)}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return { port, url: `amqp://guest:guest@127.0.0.1:${port}`, stop };
}

function epmdPids(epmdPort: number): number[] {
  const out: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      if (readFileSync(`/proc/${name}/comm`, 'utf8').trim() !== 'epmd') continue;
      if (readFileSync(`/proc/${name}/environ`, 'latin1').split('\0').includes(`ERL_EPMD_PORT=${epmdPort}`)) out.push(Number(name));
    } catch {
      // exited meanwhile, or not ours to read
    }
  }
  return out;
}

function safeRead(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}
