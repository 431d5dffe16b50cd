// FC 3.0 handler for the EventBridge trigger (ActionTrail write events). Thin: decode, then the shared pipeline.
import { limitHeapGrowth } from '../../shared/util/heap';
import { FcContext } from '../../shared/fc/context';
import { runtimeFor } from '../../shared/fc/runtime';
import { handleEventBridgeEvent } from '../../shared/fc/triggers/eventbridge';

limitHeapGrowth();

export const initialize = async (context: FcContext): Promise<void> => {
  await runtimeFor(context);
};

export const handler = async (event: Buffer, context: FcContext) => handleEventBridgeEvent(event, await runtimeFor(context), context.requestId);
