// Stand-in for lz4-napi inside the esbuild bundles. lz4-napi is native and the
// bundles ship no node_modules; secmon asks SLS for deflate, so the SDK's lz4 helpers
// are only reached if a server answers lz4 anyway, and then the real module is loaded.
'use strict';
function real() {
  const name = ['lz4', 'napi'].join('-');
  return require(name);
}
for (const fn of ['compress', 'uncompress', 'compressSync', 'uncompressSync', 'compressFrame', 'decompressFrame', 'compressFrameSync', 'decompressFrameSync']) {
  exports[fn] = (...args) => real()[fn](...args);
}
