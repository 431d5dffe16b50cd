// ioredis, built as a separate vendor bundle (see shared/util/vendor.ts), with the
// hash slot function of Redis Cluster it uses itself.
import Redis, { Cluster } from 'ioredis';
import calculateSlot from 'cluster-key-slot';

export { Redis, Cluster, calculateSlot };
