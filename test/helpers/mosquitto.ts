// Debian's mosquitto 2.0 as a reference broker for the MQTT comparison tests: password file, acl_file,
// one listener on a free port of 127.0.0.1, in a temp dir. Readiness and acl_file reloads are followed
// through its log on stderr, not timed: mosquitto prints "running" once its listeners are open, and
// "Reloading config." in the same loop turn that re-reads the acl_file, so a CONNECT sent after that
// line is checked against the new rules.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The mosquitto binary, or undefined when it is not installed. */
export const mosquittoBinary = ['mosquitto', '/usr/sbin/mosquitto'].find((c) => spawnSync(c, ['-h'], { stdio: 'ignore' }).error === undefined);

/** node:test's skip option for a test that needs mosquitto: never skipped under CI (scripts/ensure-test-deps.sh installs it). */
export const skipWithoutMosquitto: boolean | string | undefined = mosquittoBinary ? false : process.env.CI === 'true' ? undefined : 'mosquitto is not installed';

export interface Mosquitto {
  port: number;
  /** Rewrites the acl_file and resolves once mosquitto reloaded it (SIGHUP). */
  reloadAcl(acl: string): Promise<void>;
  stop(): void;
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const srv = createServer().listen(0, '127.0.0.1', () => {
      const p = (srv.address() as { port: number }).port;
      srv.close(() => resolve(p));
    });
  });
}

/** Starts mosquitto with `users` (name -> password) and `acl` as its acl_file; resolves once it accepts connections. */
export async function startMosquitto(users: Record<string, string>, acl: string): Promise<Mosquitto> {
  if (!mosquittoBinary) throw new Error('mosquitto is not installed');
  const dir = mkdtempSync(join(tmpdir(), 'brook-mosquitto-'));
  // Started as root, mosquitto drops to its own user: it must be able to read its files.
  chmodSync(dir, 0o755);
  const passwd = join(dir, 'passwd');
  const aclFile = join(dir, 'acl');
  writeFileSync(passwd, '');
  for (const [user, password] of Object.entries(users)) {
    const r = spawnSync('mosquitto_passwd', ['-b', passwd, user, password]);
    if (r.status !== 0) throw new Error(`mosquitto_passwd failed: ${String(r.stderr)}`);
  }
  chmodSync(passwd, 0o644);
  writeFileSync(aclFile, acl);
  const port = await freePort();
  const conf = [`listener ${port} 127.0.0.1`, 'allow_anonymous false', `password_file ${passwd}`, `acl_file ${aclFile}`, 'log_dest stderr', 'log_type error', 'log_type information', ''];
  writeFileSync(join(dir, 'mosquitto.conf'), conf.join('\n'));
  const child: ChildProcess = spawn(mosquittoBinary, ['-c', join(dir, 'mosquitto.conf')], { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  const waiters = new Set<() => void>();
  child.stderr!.on('data', (b: Buffer) => {
    log += b.toString();
    for (const w of [...waiters]) w();
  });
  child.on('close', () => {
    for (const w of [...waiters]) w();
  });
  /** Resolves once the log holds `count` lines matching `line`. */
  const logged = (line: RegExp, count: number): Promise<void> =>
    new Promise((resolve, reject) => {
      const check = (): void => {
        if ((log.match(new RegExp(line.source, 'g')) ?? []).length >= count) {
          waiters.delete(check);
          resolve();
        } else if (child.exitCode !== null || child.signalCode !== null) {
          waiters.delete(check);
          reject(new Error(`mosquitto exited: ${log}`));
        }
      };
      waiters.add(check);
      check();
    });
  const stop = (): void => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await logged(/mosquitto version \S+ running/, 1);
  } catch (e) {
    stop();
    throw e;
  }
  let reloads = 0;
  return {
    port,
    stop,
    async reloadAcl(text: string): Promise<void> {
      writeFileSync(aclFile, text);
      child.kill('SIGHUP');
      await logged(/Reloading config\./, ++reloads);
    },
  };
}
