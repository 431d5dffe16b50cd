// ioredis, built as a separate vendor bundle (see shared/util/vendor.ts).
import Redis from 'ioredis';

export { Redis };
