// `brook consume --share-group` and share groups in `brook group list|describe|delete`, as
// subprocesses against an in-process broker.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { TestBroker } from '../helpers/broker.js';
import { expectSuccess } from '../helpers/processes.js';
import { brook, tableRows } from '../cli/cli-harness.js';
import { seedTopic, setGroupConfig, startShareBroker } from './share-helpers.js';

let b: TestBroker;

before(async () => {
  b = await startShareBroker();
  await seedTopic(b, 'jobs', 6, { batch: 3 });
  await setGroupConfig(b.port, 'workers', { 'share.auto.offset.reset': 'earliest' });
});

after(async () => {
  await b.close();
});

describe('brook consume --share-group / brook group (share groups)', () => {
  it('release gives records back, accept takes them; list and describe show the share group', async () => {
    const peek = await brook(b.bootstrap, ['consume', 'jobs', '--share-group', 'workers', '--ack', 'release', '-n', '2', '--format', '%o:%v\\n']);
    expectSuccess(peek, 'consume --ack release');
    assert.deepEqual(peek.stdout.trim().split('\n'), ['0:v0', '1:v1']);
    const take = await brook(b.bootstrap, ['consume', 'jobs', '--share-group', 'workers', '--exit', '--format', '%o:%v\\n']);
    expectSuccess(take, 'consume --exit');
    assert.deepEqual(take.stdout.trim().split('\n').sort(), ['0:v0', '1:v1', '2:v2', '3:v3', '4:v4', '5:v5']);
    const again = await brook(b.bootstrap, ['consume', 'jobs', '--share-group', 'workers', '--exit']);
    expectSuccess(again, 'consume --exit again');
    assert.equal(again.stdout, '', 'accepted records are not delivered again');

    const list = await brook(b.bootstrap, ['group', 'list']);
    expectSuccess(list, 'group list');
    assert.ok(tableRows(list.stdout).some((r) => r[0] === 'workers' && r[1] === 'share' && r[2] === 'Empty' && r[3] === 'share'), list.stdout);
    const described = await brook(b.bootstrap, ['group', 'describe', 'workers']);
    expectSuccess(described, 'group describe');
    assert.match(described.stdout, /Type\s+share/);
    const rows = tableRows(described.stdout.slice(described.stdout.indexOf('PARTITIONS')));
    assert.deepEqual(rows[1], ['TOPIC', 'PARTITION', 'START-OFFSET', 'LOG-END-OFFSET', 'LAG', 'IN-FLIGHT', 'AVAILABLE']);
    assert.deepEqual(rows[2], ['jobs', '0', '6', '6', '0', '0', '0']);

    const bad = await brook(b.bootstrap, ['consume', 'jobs', '--share-group', 'workers', '--ack', 'maybe']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--ack must be accept, release or reject/);

    const deleted = await brook(b.bootstrap, ['group', 'delete', 'workers']);
    expectSuccess(deleted, 'group delete');
    const gone = await brook(b.bootstrap, ['group', 'describe', 'workers']);
    assert.equal(gone.code, 1);
    assert.match(gone.stderr, /Unknown group "workers"/);
  });
});
