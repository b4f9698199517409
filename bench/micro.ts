/**
 * Micro-benchmarks of the CPU backend: a 512×512 matmul (GFLOP/s) and a fused-looking 1e6-element
 * elementwise chain (GB/s of operand traffic), float64 and float32, median of several runs.
 * Run with `npm run bench:micro`.
 */
import * as sk from '../index.js';

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function time(f: () => void, reps: number): number {
  f(); // warm-up (kernel compilation, JIT)
  const ts: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    f();
    ts.push((performance.now() - t0) / 1000);
  }
  return median(ts);
}

async function main(): Promise<void> {
  const rows: string[] = ['| backend | workload | median time | throughput |', '|---|---|---|---|'];
  for (const spec of ['cpu:float64', 'cpu:float32']) {
    const be = await sk.getBackend(spec);
    const n = 512;
    const a = sk.random.normal(sk.random.key(1), [n, n], { backend: be });
    const b = sk.random.normal(sk.random.key(2), [n, n], { backend: be });
    const tm = time(() => sk.tidy(() => sk.matmul(a, b)).dispose(), 5);
    rows.push(`| ${spec} | matmul ${n}×${n} | ${(tm * 1e3).toFixed(1)} ms | ${((2 * n ** 3) / tm / 1e9).toFixed(2)} GFLOP/s |`);
    const m = 1_000_000;
    const x = sk.random.normal(sk.random.key(3), [m], { backend: be });
    const y = sk.random.normal(sk.random.key(4), [m], { backend: be });
    const bytes = sk.bytesPerElement(x.dtype);
    // axpy-like update x + 0.5·y: one binary op over 1e6 elements, 3 arrays of traffic.
    const te = time(() => sk.tidy(() => sk.add(x, y)).dispose(), 15);
    rows.push(`| ${spec} | add, 1e6 elements | ${(te * 1e3).toFixed(2)} ms | ${((3 * m * bytes) / te / 1e9).toFixed(2)} GB/s |`);
    const tu = time(() => sk.tidy(() => sk.tanh(x)).dispose(), 15);
    rows.push(`| ${spec} | tanh, 1e6 elements | ${(tu * 1e3).toFixed(2)} ms | ${((2 * m * bytes) / tu / 1e9).toFixed(2)} GB/s |`);
    const tb = time(() => sk.tidy(() => sk.add(sk.reshape(x, [1000, 1000]), sk.sliceAxis(y, 0, 0, 1000))).dispose(), 15);
    rows.push(`| ${spec} | broadcast add [1000,1000]+[1000] | ${(tb * 1e3).toFixed(2)} ms | ${((2 * m * bytes) / tb / 1e9).toFixed(2)} GB/s |`);
    const ts = time(() => sk.tidy(() => sk.sum(x)).dispose(), 15);
    rows.push(`| ${spec} | sum, 1e6 elements | ${(ts * 1e3).toFixed(2)} ms | ${((m * bytes) / ts / 1e9).toFixed(2)} GB/s |`);
  }
  const tr = time(() => void sk.random.normalHost(sk.random.key(5), 1_000_000), 5);
  rows.push(`| host | Threefry normals, 1e6 | ${(tr * 1e3).toFixed(1)} ms | ${(1e6 / tr / 1e6).toFixed(1)} M/s |`);
  // Network-bound: MLP (4 hidden layers × 128, SiLU, Fourier time features) forward + backward, per backend.
  const mlpRows: string[] = ['', '| backend | MLP fwd+bwd, batch 512 | batch 10 000 | matmul 512² |', '|---|---|---|---|'];
  for (const spec of ['cpu:float64', 'cpu:float32', 'tfjs:cpu', 'tfjs:wasm']) {
    const be = await sk.getBackend(spec);
    const net = sk.mlp({ inDim: 2, outDim: 2, width: 128, depth: 4, embedding: { kind: 'fourier', dim: 16, scale: 4 } }, sk.random.key(1), { backend: be });
    const loss = (p: sk.MlpParams, x: sk.Tensor, t: sk.Tensor): sk.Tensor => sk.mean(sk.square(net.apply(p, x, t)));
    const per = (batch: number): number => {
      const x = sk.random.normal(sk.random.key(2), [batch, 2], { backend: be });
      const t = sk.random.uniform(sk.random.key(3), [batch], { backend: be });
      const s = time(() => sk.tidy(() => sk.treeLeaves(sk.grad((p: sk.MlpParams) => loss(p, x, t))(net.init)).map((g) => g.dataSync())), 3);
      return batch / s;
    };
    const a = sk.random.normal(sk.random.key(1), [512, 512], { backend: be });
    const tm = time(() => sk.tidy(() => sk.matmul(a, a).dataSync()), 3);
    mlpRows.push(`| ${spec} | ${(per(512) / 1e3).toFixed(1)} k samples/s | ${(per(10000) / 1e3).toFixed(1)} k samples/s | ${((2 * 512 ** 3) / tm / 1e9).toFixed(2)} GFLOP/s |`);
  }
  console.log([...rows, ...mlpRows].join('\n'));
}

void main();
