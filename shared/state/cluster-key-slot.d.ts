// The package ships no types: its one function, the Redis Cluster hash slot of a key
// (CRC16 of the key, or of its hash tag, modulo 16384).
declare module 'cluster-key-slot' {
  export default function calculateSlot(key: string | Buffer): number;
}
