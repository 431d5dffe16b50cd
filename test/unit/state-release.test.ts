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
    // Two minutes later both earlier hits are out of the one-minute window.
    expect(addHit(state, 120_000, 'c', undefined, evidence('c'), 3, 60_000, false)).toBeUndefined();
    expect(state.h.map((e) => e[3])).toEqual(['c']);
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
    expect(detection?.evidence.map((e) => asEvidence(e).id)).toEqual(['a', 'b', 'c']);
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

describe('sequences let go of their evidence when they start again', () => {
  const spec: SequenceSpec = { windowMs: 60_000, steps: [{ name: 'failures', count: 2 }, { name: 'success', count: 1 }] };

  test('on completion the detection has its own copy and the state array is emptied in place', () => {
    const state = emptySequence();
    const held = state.ev;
    sequenceStep(state, 0, 'a', 0b01, evidence('a'), spec);
    sequenceStep(state, 1_000, 'b', 0b01, evidence('b'), spec);
    const detection = sequenceStep(state, 2_000, 'c', 0b10, evidence('c'), spec);
    expect(detection?.evidence.map((e) => asEvidence(e).id)).toEqual(['a', 'b', 'c']);
    expect(detection?.evidence).not.toBe(held);
    expect(state.ev).toBe(held);
    expect(held).toEqual([]);
    expect([state.stage, state.n, state.total]).toEqual([0, 0, 0]);
    // The ids stay, so a redelivered event is still recognized.
    expect(sequenceStep(state, 2_000, 'c', 0b10, evidence('c'), spec)).toBeUndefined();
    expect(state.ids).toEqual(['a', 'b', 'c']);
  });

  test('keeps the first events but one, leaving the last place to the event that completes it', () => {
    const long: SequenceSpec = { windowMs: 60_000, steps: [{ name: 'failures', count: 8 }, { name: 'success', count: 1 }] };
    const state = emptySequence();
    const ids = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'];
    ids.forEach((id, i) => sequenceStep(state, i * 1_000, id, 0b01, evidence(id), long));
    expect(state.ev.map((e) => asEvidence(e).id)).toEqual(['a', 'b', 'c', 'd']);
    const detection = sequenceStep(state, 9_000, 'ok', 0b10, evidence('ok'), long);
    expect(detection?.evidence.map((e) => asEvidence(e).id)).toEqual(['a', 'b', 'c', 'd', 'ok']);
    expect(detection?.count).toBe(9);
  });

  test('when the window expires', () => {
    const state = emptySequence();
    const held = state.ev;
    sequenceStep(state, 0, 'a', 0b01, evidence('a'), spec);
    expect(held.length).toBe(1);
    // Past the window: the group starts again with this event as its first failure.
    sequenceStep(state, 120_000, 'b', 0b01, evidence('b'), spec);
    expect(state.ev).toBe(held);
    expect(held.map((e) => asEvidence(e).id)).toEqual(['b']);
    expect([state.stage, state.n, state.start]).toEqual([0, 1, 120_000]);
  });
});
