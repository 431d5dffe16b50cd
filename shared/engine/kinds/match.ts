import { RuleKindModule } from '../kind';

/** Every matching event is a detection: no state but suppression. */
export const matchKind: RuleKindModule<'match', undefined, never> = {
  kind: 'match',
  stateful: false,
  compile: () => undefined,
};
