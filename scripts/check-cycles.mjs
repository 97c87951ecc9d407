// Fails (exit 1) on an import cycle between source files or between pipeline stages. A stage is
// each src/<stage>/ folder; each top-level src/*.ts file and each workers/*.ts file is a node of
// its own. Type-only imports and dynamic import() count (dependency-cruiser sees both).
import { cruise } from 'dependency-cruiser';
import extractTSConfig from 'dependency-cruiser/config-utl/extract-ts-config';

const tsConfig = extractTSConfig('tsconfig.json');
const result = await cruise(
  ['src', 'workers'],
  {
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(\\.test\\.ts$|\\.d\\.ts$)' },
    validate: true,
    ruleSet: { forbidden: [{ name: 'no-file-cycle', severity: 'error', from: {}, to: { circular: true } }] },
  },
  {},
  { tsConfig },
);
const output = result.output;

/** The node a file belongs to. */
function nodeOf(path) {
  const stage = /^src\/([^/]+)\//.exec(path);
  return stage ? `src/${stage[1]}/` : path;
}

const edges = new Map();
const why = new Map();
for (const module of output.modules) {
  if (!/^(src|workers)\//.test(module.source)) continue;
  const from = nodeOf(module.source);
  for (const dependency of module.dependencies) {
    if (!/^(src|workers)\//.test(dependency.resolved)) continue;
    const to = nodeOf(dependency.resolved);
    if (to === from) continue;
    if (!edges.has(from)) edges.set(from, new Set());
    edges.get(from).add(to);
    if (!why.has(`${from} ${to}`)) why.set(`${from} ${to}`, `${module.source} → ${dependency.resolved}`);
  }
}

// Tarjan's strongly connected components: every component of two or more nodes is a cycle.
let counter = 0;
const index = new Map();
const low = new Map();
const stack = [];
const onStack = new Set();
const cycles = [];
function visit(node) {
  index.set(node, counter);
  low.set(node, counter++);
  stack.push(node);
  onStack.add(node);
  for (const next of edges.get(node) ?? []) {
    if (!index.has(next)) {
      visit(next);
      low.set(node, Math.min(low.get(node), low.get(next)));
    } else if (onStack.has(next)) low.set(node, Math.min(low.get(node), index.get(next)));
  }
  if (low.get(node) === index.get(node)) {
    const component = [];
    let member;
    do {
      member = stack.pop();
      onStack.delete(member);
      component.push(member);
    } while (member !== node);
    if (component.length > 1) cycles.push(component);
  }
}
for (const node of edges.keys()) if (!index.has(node)) visit(node);

const fileCycles = output.summary.violations.filter((violation) => violation.rule.name === 'no-file-cycle');
for (const violation of fileCycles) console.error(`file cycle: ${[violation.from, ...(violation.cycle ?? []).map((step) => step.name ?? step)].join(' → ')}`);
for (const component of cycles) {
  console.error(`stage cycle among ${component.sort().join(', ')}:`);
  const members = new Set(component);
  for (const from of component) for (const to of edges.get(from) ?? []) if (members.has(to)) console.error(`  ${why.get(`${from} ${to}`)}`);
}
const modules = output.modules.filter((module) => /^(src|workers)\//.test(module.source)).length;
if (fileCycles.length > 0 || cycles.length > 0) {
  console.error(`${fileCycles.length} file cycle(s), ${cycles.length} stage cycle(s) in ${modules} modules.`);
  process.exit(1);
}
console.log(`No import cycles in ${modules} modules (files and stages).`);
