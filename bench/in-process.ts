/**
 * The bench's in-process measurements, in CPU time: the pipeline warm against the
 * parse-only baseline, and where its time goes (reading and normalizing, then rules).
 */
import * as path from 'node:path';
import { Alerter } from '../shared/alerts/alerter';
import { Detector } from '../shared/engine/detector';
import { EventSink, Source } from '../shared/events/event';
import { openInput, readLineBlocks } from '../shared/local/input/line-reader';
import { readEvents } from '../shared/local/input/read-events';
import { MEMORY_BATCH_LINES, READ_LINES, replayFiles } from '../shared/local/replay';
import { CompiledRule } from '../shared/rules/rule';
import { MemoryStateStore } from '../shared/state/memory';

/**
 * Warm: rounds of the parse-only baseline (the pipeline's own line reader, JSON.parse
 * or split), the pipeline (all bundled rules, memory store, batches as the CLI makes
 * them) and the baseline again; the first round warms up. Each round's ratio is taken
 * against the mean of its two baselines, and the median reported.
 */
export async function warmRounds(files: string[], rules: CompiledRule[], rounds: number): Promise<{ ratio: number; eventsPerSecond: number; microsecondsPerEvent: number }> {
  const ratios: number[] = [];
  const pipelineMs: number[] = [];
  let events = 0;
  for (let round = 0; round <= rounds; round++) {
    const b = await cpuOf(() => parseOnly(files));
    const p0 = cpuMs();
    events = await pipeline(files, rules);
    const p = cpuMs() - p0;
    const a = await cpuOf(() => parseOnly(files));
    if (round === 0) continue;
    ratios.push(p / ((a + b) / 2));
    pipelineMs.push(p);
  }
  const ms = median(pipelineMs);
  return { ratio: median(ratios), eventsPerSecond: Math.round((events / ms) * 1000), microsecondsPerEvent: (ms * 1000) / events };
}

export interface Phases {
  /** A file's name, or `all` for the workload's files together. */
  input: string;
  baselineMs: number;
  /** Reading and normalizing as the pipeline does (sources no rule reads are counted, not built), no rule evaluated. */
  normalizeMs: number;
  pipelineMs: number;
}

/**
 * Where the warm pipeline's time goes, per file, for the whole workload and for
 * `alone` (files measured by themselves only): the
 * baseline, reading and normalizing alone, and the whole pipeline; the fastest of
 * `rounds` rounds after a warm-up round (the floor each reaches, not a typical round).
 */
export async function warmPhases(files: string[], rules: CompiledRule[], rounds: number, alone: string[] = []): Promise<Phases[]> {
  const inputs = [...files.map((f) => [f]), files, ...alone.map((f) => [f])];
  const best = inputs.map((input) => ({ input: input.length === 1 ? path.basename(input[0]) : 'all', baselineMs: Infinity, normalizeMs: Infinity, pipelineMs: Infinity }));
  const reads = new Detector(rules, new MemoryStateStore());
  for (let round = 0; round <= rounds; round++) {
    for (let i = 0; i < inputs.length; i++) {
      const b = await cpuOf(() => parseOnly(inputs[i]));
      let normalized = 0;
      let evaluated = 0;
      const n = await cpuOf(async () => (normalized = await normalizeOnly(inputs[i], (source) => reads.evaluates(source))));
      const p = await cpuOf(async () => (evaluated = await pipeline(inputs[i], rules)));
      // The same events on both paths, or the difference is not the rules' cost.
      if (normalized !== evaluated) throw new Error(`${best[i].input}: normalizing alone read ${normalized} events, the pipeline ${evaluated}`);
      if (round === 0) continue;
      best[i].baselineMs = Math.min(best[i].baselineMs, b);
      best[i].normalizeMs = Math.min(best[i].normalizeMs, n);
      best[i].pipelineMs = Math.min(best[i].pipelineMs, p);
    }
  }
  return best;
}

/** The baseline: each line read with the pipeline's line reader and parsed (JSON.parse for JSON lines, split for text). */
async function parseOnly(files: string[]): Promise<number> {
  let touched = 0;
  for (const file of files) {
    const json = file.endsWith('.jsonl');
    for await (const block of readLineBlocks(openInput(file))) {
      for (let i = 0; i < block.count; i++) {
        const line = block.line(i);
        if (line === '') continue;
        if (json) {
          if ((JSON.parse(line) as { eventName?: string }).eventName) touched++;
        } else if (line.split(' ')[2]) touched++;
      }
    }
  }
  return touched;
}

/** Events read and normalized as replay reads them, handed to a sink that keeps none; returns the events read (built or counted). */
async function normalizeOnly(files: string[], evaluates: (source: Source) => boolean): Promise<number> {
  let events = 0;
  const sink: EventSink = {
    push: () => events++,
    discard: (source, count) => {
      if (evaluates(source)) return false;
      events += count;
      return true;
    },
  };
  for (const file of files) {
    for await (const chunk of readEvents(file, { format: 'auto', syslog: { year: 2026 }, chunkLines: READ_LINES, sink })) {
      if (chunk.errors.length > 0) throw chunk.errors[0];
    }
  }
  return events;
}

/** The replay pipeline with every rule and the memory store, alerts dropped; returns the events read. */
async function pipeline(files: string[], rules: CompiledRule[]): Promise<number> {
  const summary = await replayFiles(files, new Alerter(new Detector(rules, new MemoryStateStore())), {
    format: 'auto',
    syslog: { year: 2026 },
    chunkLines: MEMORY_BATCH_LINES,
    endOfInput: true,
    onAlert: () => undefined,
    onSkipped: (e) => {
      throw e;
    },
  });
  return summary.events;
}

async function cpuOf(run: () => Promise<unknown>): Promise<number> {
  const t = cpuMs();
  await run();
  return cpuMs() - t;
}

export function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 === 1 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}
