// SlotList against a model (an array of members in the order added): any sequence of adds, deletes
// and walks, including deletes during a walk, keeps the same members; the slot array never grows past
// the most members present at once.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { SlotList } from '../../src/util/slot-list.js';

interface Member {
  id: number;
}

test('members match a model under any sequence of adds, deletes and walks', () => {
  fc.assert(
    fc.property(
      fc.array(fc.record({ op: fc.constantFrom('add', 'delete', 'deleteMissing', 'walk', 'walkDeleting', 'clear'), n: fc.nat(20) }), { maxLength: 120 }),
      (ops) => {
        const list = new SlotList<Member>();
        let model: Member[] = [];
        let most = 0;
        let nextId = 0;
        for (const { op, n } of ops) {
          if (op === 'add') {
            const m = { id: nextId++ };
            list.add(m);
            model.push(m);
          } else if (op === 'delete' && model.length > 0) {
            const m = model[n % model.length]!;
            assert.equal(list.delete(m), true);
            model = model.filter((x) => x !== m);
            assert.equal(list.delete(m), false);
          } else if (op === 'deleteMissing') {
            assert.equal(list.delete({ id: -1 }), false);
          } else if (op === 'walkDeleting') {
            // Each member deletes itself and one other as it is visited (what waking a park does).
            const seen: Member[] = [];
            list.forEach((m) => {
              seen.push(m);
              list.delete(m);
              const other = model.find((x) => x !== m && !seen.includes(x));
              if (other && n % 2 === 0) list.delete(other);
            });
            for (const m of seen) assert.ok(model.includes(m));
            model = [];
            assert.equal(list.size, 0);
          } else if (op === 'clear') {
            list.clear();
            model = [];
            most = 0;
          }
          most = Math.max(most, model.length);
          assert.equal(list.size, model.length);
          const walked: Member[] = [];
          list.forEach((m) => walked.push(m));
          assert.deepEqual(
            walked.map((m) => m.id).sort((a, b) => a - b),
            model.map((m) => m.id).sort((a, b) => a - b),
          );
          assert.deepEqual(list.toArray().length, model.length);
          // The slot array (private) never holds more slots than members were ever present at once.
          assert.ok((list as unknown as { slots: unknown[] }).slots.length <= most);
        }
      },
    ),
  );
});
