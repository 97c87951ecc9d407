// voy-search ships types for its bundler entry only; its glue module is loaded on its own (voy-loader.ts).
declare module 'voy-search/voy_search_bg.js' {
  export const Voy: unknown;
  export function __wbg_set_wasm(exports: WebAssembly.Exports): void;
}
