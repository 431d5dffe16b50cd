// FC 3.0 handler of the dispatcher: alerts in by asynchronous invocation, delivered once each.
import { limitHeapGrowth } from '../../shared/util/heap';
import { FcContext } from '../../shared/fc/context';
import { runtimeFor } from '../../shared/fc/runtime';
import { handleDispatch } from '../../shared/fc/triggers/dispatcher';

limitHeapGrowth();

// The dispatcher evaluates nothing: it starts without loading the rules.
const options = { rules: false };

export const initialize = async (context: FcContext): Promise<void> => {
  await runtimeFor(context, options);
};

export const handler = async (event: Buffer, context: FcContext) => handleDispatch(event, await runtimeFor(context, options), context.requestId);
