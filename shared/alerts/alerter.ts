import { SecEvent, Source } from '../events/event';
import { DetectionBatch, Detector, ProcessOptions } from '../engine/detector';
import { CompiledRule } from '../rules/rule';
import { Alert, alertOf } from './alert';
import { DEFAULT_LINK_OPTIONS, LinkOptions } from './links';

/** A batch of events being evaluated into alerts (see DetectionBatch). */
export class AlertBatch {
  constructor(
    private readonly batch: DetectionBatch,
    private readonly rules: ReadonlyMap<string, CompiledRule>,
    private readonly links: LinkOptions,
  ) {}

  get size(): number {
    return this.batch.size;
  }

  get fingerprint(): string {
    return this.batch.fingerprint;
  }

  add(event: SecEvent): void {
    this.batch.add(event);
  }

  async finish(opts: ProcessOptions = {}): Promise<Alert[]> {
    const alerts: Alert[] = [];
    for (const d of await this.batch.finish(opts)) {
      // A redelivered batch's detections were kept: a rule removed since has no alert to make.
      const rule = this.rules.get(d.rule);
      if (rule !== undefined) alerts.push(alertOf(d, rule, this.links));
    }
    return alerts;
  }
}

/** The detector with its rules' presentation: events in, alerts out. */
export class Alerter {
  private readonly byId: ReadonlyMap<string, CompiledRule>;

  constructor(
    readonly detector: Detector,
    /** How console and SLS links are built (the console's site, the logstores of the settings). */
    private readonly links: LinkOptions = DEFAULT_LINK_OPTIONS,
  ) {
    this.byId = new Map(detector.rules.map((r) => [r.id, r]));
  }

  /** See Detector.fingerprint. */
  get fingerprint(): string {
    return this.detector.fingerprint;
  }

  evaluates(source: Source): boolean {
    return this.detector.evaluates(source);
  }

  begin(): AlertBatch {
    return new AlertBatch(this.detector.begin(), this.byId, this.links);
  }

  async process(events: readonly SecEvent[], opts: ProcessOptions = {}): Promise<Alert[]> {
    const batch = this.begin();
    for (let i = 0; i < events.length; i++) batch.add(events[i]);
    return batch.finish(opts);
  }
}
