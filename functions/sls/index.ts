// FC 3.0 handler for SLS (log) triggers: the ActionTrail logstore and host-log logstores.
import { limitHeapGrowth } from '../../shared/util/heap';
import { FcContext } from '../../shared/fc/context';
import { runtimeFor } from '../../shared/fc/runtime';
import { handleSlsTrigger } from '../../shared/fc/triggers/sls-trigger';

limitHeapGrowth();

export const initialize = async (context: FcContext): Promise<void> => {
  await runtimeFor(context);
};

export const handler = async (event: Buffer, context: FcContext) => handleSlsTrigger(event, await runtimeFor(context), context.requestId);
