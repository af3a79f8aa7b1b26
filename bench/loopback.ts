// The machine's own ceiling for moving bytes over 127.0.0.1: a child Node process writes `bytes` in
// 1 MiB chunks to this one, timed from the first byte received to the last (so process start-up
// does not count). Consume rows are judged against it in the same run.
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';

const MIB = 1 << 20;

/** MiB/s of `bytes` sent from a child Node process to this one over 127.0.0.1, from the first byte. */
export async function loopbackMiBps(bytes: number): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  let received = 0;
  let start = 0;
  const done = new Promise<number>((resolve) => {
    server.on('connection', (s) => {
      s.on('data', (b: Buffer) => {
        if (received === 0) start = performance.now();
        received += b.length;
        if (received >= bytes) resolve((performance.now() - start) / 1000);
      });
    });
  });
  const sender = `const s=require('net').connect(${port},'127.0.0.1',()=>{const c=Buffer.alloc(${MIB},1);let n=0;const go=()=>{while(n<${bytes}){n+=c.length;if(!s.write(c))return s.once('drain',go);}s.end();};go();});`;
  const child = spawn(process.execPath, ['-e', sender], { stdio: 'ignore' });
  const exited = new Promise<void>((r) => child.on('close', () => r()));
  const secs = await done;
  await exited;
  server.close();
  return bytes / MIB / secs;
}
