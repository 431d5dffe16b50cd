import { Evidence, asEvidence } from '../../shared/engine/evidence';
import { SequenceSpec, emptySequence, sequenceStep } from '../../shared/engine/kinds/sequence';
import { WindowEntry, addHit, emptyWindow } from '../../shared/engine/kinds/threshold';

/**
 * State that outlives a batch sits in V8's old generation; whatever it drops must not
 * keep pointing at events, or each minor collection keeps them alive until the next
 * full one. These tests pin down that dropped entries and reset sequences let go.
 */
const evidence = (id: string): Evidence => ({ id, time: '2026-11-20T10:00:00.000Z', source: 'sshd', fields: { id } });

describe('threshold windows let go of the evidence they drop', () => {
  test('entries that slide out of the window', () => {
    const state = emptyWindow();
    addHit(state, 0, 'a', undefined, evidence('a'), 3, 60_000, false);
    addHit(state, 1_000, 'b', undefined, evidence('b'), 3, 60_000, false);
    const [first, second] = state.h;
    expect(first[2]).not.toBeNull();
    // Two minutes later both earlier hits are out of the one-minute window, but kept
    // for a late hit to join; past the late-data allowance they are dropped.
    expect(addHit(state, 120_000, 'c', undefined, evidence('c'), 3, 60_000, false)).toBeUndefined();
    expect(state.h.map((e) => e[3])).toEqual(['a', 'b', 'c']);
    expect(addHit(state, 120_000 + 17 * 60_000, 'd', undefined, evidence('d'), 3, 60_000, false)).toBeUndefined();
    expect(state.h.map((e) => e[3])).toEqual(['d']);
    expect([first[2], second[2]]).toEqual([null, null]);
  });

  test('entries of a window that completed: the detection keeps the evidence, the entries do not', () => {
    const state = emptyWindow();
    const seen: WindowEntry[] = [];
    for (const [t, id] of [[0, 'a'], [1_000, 'b']] as const) {
      addHit(state, t, id, undefined, evidence(id), 3, 60_000, false);
      seen.push(state.h[state.h.length - 1]);
    }
    const detection = addHit(state, 2_000, 'c', undefined, evidence('c'), 3, 60_000, false);
    expect(detection?.evidence.map((e) => asEvidence(e).id)).toEqual(['a', 'c']);
    expect(state.h).toEqual([]);
    expect(seen.map((e) => e[2])).toEqual([null, null]);
  });

  test('a distinct value seen again moves its evidence to the new entry and clears the old one', () => {
    const state = emptyWindow();
    addHit(state, 0, 'a', 'alice', evidence('a'), 3, 60_000, true);
    const old = state.h[0];
    addHit(state, 1_000, 'b', 'alice', evidence('b'), 3, 60_000, true);
    expect(old[2]).toBeNull();
    expect(state.h.map((e) => [e[3], (e[2] as Evidence | null)?.id])).toEqual([['b', 'a']]);
  });
});

describe('sequences let go of the evidence they drop', () => {
  const spec: SequenceSpec = { windowMs: 60_000, steps: [{ name: 'failures', count: 2 }, { name: 'success', count: 1 }], events: 3 };

  test('on completion the detection keeps the evidence; the spent entries do not', () => {
    const state = emptySequence();
    sequenceStep(state, 0, 'a', 0b01, evidence('a'), spec);
    sequenceStep(state, 1_000, 'b', 0b01, evidence('b'), spec);
    const spent = [...state.h];
    const detection = sequenceStep(state, 2_000, 'c', 0b10, evidence('c'), spec);
    expect(detection?.evidence.map((e) => asEvidence(e).id)).toEqual(['a', 'b', 'c']);
    expect(state.h).toEqual([]);
    expect(spent.map((e) => e[2])).toEqual([null, null]);
    // A redelivered event of the detection is spent, not counted again.
    expect(sequenceStep(state, 2_000, 'c', 0b10, evidence('c'), spec)).toBeUndefined();
    expect(sequenceStep(state, 1_000, 'b', 0b01, evidence('b'), spec)).toBeUndefined();
    expect(state.h).toEqual([]);
  });

  test('shows the first events, the last earlier step and the event that completes it', () => {
    const long: SequenceSpec = { windowMs: 60_000, steps: [{ name: 'failures', count: 8 }, { name: 'success', count: 1 }], events: 9 };
    const state = emptySequence();
    const ids = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'];
    ids.forEach((id, i) => sequenceStep(state, i * 1_000, id, 0b01, evidence(id), long));
    const detection = sequenceStep(state, 9_000, 'ok', 0b10, evidence('ok'), long);
    expect(detection?.evidence.map((e) => asEvidence(e).id)).toEqual(['a', 'h', 'ok']);
    expect(detection?.count).toBe(9);
  });

  test('entries past the late-data allowance behind the newest are dropped', () => {
    const state = emptySequence();
    sequenceStep(state, 0, 'a', 0b01, evidence('a'), spec);
    const first = state.h[0];
    // Out of the window, but kept for a late event to join.
    sequenceStep(state, 120_000, 'b', 0b01, evidence('b'), spec);
    expect(state.h.map((e) => e[3])).toEqual(['a', 'b']);
    sequenceStep(state, 19 * 60_000, 'c', 0b01, evidence('c'), spec);
    expect(state.h.map((e) => e[3])).toEqual(['c']);
    expect(first[2]).toBeNull();
  });
});
