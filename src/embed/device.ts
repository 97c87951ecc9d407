/**
 * Capability checks in one frozen place: which device and precision a model should run with.
 */

/** Where a model runs: WebGPU or WASM in browsers, `cpu` (onnxruntime-node) in Node. */
export type ModelDevice = 'webgpu' | 'wasm' | 'cpu';
/** Weight precision. `q8` on WASM/CPU; `fp32`, or `fp16` where the GPU has `shader-f16`. */
export type ModelDtype = 'fp32' | 'fp16' | 'q8' | 'q4' | 'q4f16';

/** What this environment offers. */
export interface Capabilities {
  readonly isNode: boolean;
  readonly hasWebGPU: boolean;
  readonly hasShaderF16: boolean;
}

interface GpuLike {
  requestAdapter(): Promise<{ features: { has(name: string): boolean } } | null>;
}

let cached: Promise<Capabilities> | undefined;

/**
 * Detects WebGPU (and `shader-f16`) once; later calls share the answer.
 *
 * @example
 * const { hasWebGPU } = await detectCapabilities()
 */
export function detectCapabilities(): Promise<Capabilities> {
  cached ??= (async () => {
    const isNode = typeof process !== 'undefined' && typeof process.versions?.node === 'string' && typeof window === 'undefined' && typeof self === 'undefined';
    const gpu = (globalThis.navigator as (Navigator & { gpu?: GpuLike }) | undefined)?.gpu;
    const adapter = gpu ? await gpu.requestAdapter().catch(() => null) : null;
    return Object.freeze({
      isNode,
      hasWebGPU: adapter !== null,
      hasShaderF16: adapter?.features.has('shader-f16') ?? false,
    });
  })();
  return cached;
}

/** Resolves `auto` device and dtype choices against the environment. */
export function chooseDeviceAndDtype(
  capabilities: Capabilities,
  device: ModelDevice | 'auto' = 'auto',
  dtype: ModelDtype | 'auto' = 'auto',
): { device: ModelDevice; dtype: ModelDtype } {
  const resolvedDevice: ModelDevice =
    device !== 'auto' ? device : capabilities.isNode ? 'cpu' : capabilities.hasWebGPU ? 'webgpu' : 'wasm';
  if (dtype !== 'auto') return { device: resolvedDevice, dtype };
  if (resolvedDevice === 'webgpu') return { device: resolvedDevice, dtype: capabilities.hasShaderF16 ? 'fp16' : 'fp32' };
  return { device: resolvedDevice, dtype: 'q8' };
}
