// FC 3.0 handler of the timer-triggered posture scan (RAM users with console access and no MFA).
import { limitHeapGrowth } from '../../shared/util/heap';
import { FcContext } from '../../shared/fc/context';
import { runtimeFor } from '../../shared/fc/runtime';
import { handlePostureScan } from '../../shared/fc/triggers/posture';

limitHeapGrowth();

export const initialize = async (context: FcContext): Promise<void> => {
  await runtimeFor(context);
};

// The timer's payload carries nothing the scan needs.
export const handler = async (_event: Buffer, context: FcContext) => handlePostureScan(await runtimeFor(context), context);
