// Demo entry: for now it reports what this browser offers the engine.
interface Capability {
  label: string;
  ok: boolean;
}

async function detectCapabilities(): Promise<Capability[]> {
  const gpu = (navigator as Navigator & { gpu?: { requestAdapter(): Promise<unknown> } }).gpu;
  const adapter = gpu ? await gpu.requestAdapter().catch(() => null) : null;
  return [
    { label: 'WebGPU (fast models)', ok: adapter !== null },
    { label: 'Cross-origin isolation (multi-threaded WASM)', ok: self.crossOriginIsolated },
    { label: 'Web workers', ok: typeof Worker === 'function' },
    { label: 'IndexedDB (your library survives a reload)', ok: typeof indexedDB === 'object' },
  ];
}

const list = document.getElementById('capabilities');
if (list) {
  const items = await detectCapabilities();
  list.replaceChildren(
    ...items.map((item) => {
      const li = document.createElement('li');
      li.dataset.ok = String(item.ok);
      li.textContent = item.label;
      return li;
    }),
  );
}
