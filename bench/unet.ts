/**
 * W6, the U-Net training step: one continuous-time DSM step under the VP SDE (sdeDsmLoss with
 * reduceMean, the network's output divided by σ(t) as in `scorekit demo --data mnist`) and an Adam
 * update (lr 2e-4, global-norm clip 1) of core/models/unet.ts's U-Net on 28×28×1 images (channel
 * multipliers [1, 2], 4 groups, base channels --channels), at each batch of --batches, on each
 * scorekit backend of --backends, against a PyTorch peer of the same network (bench/peers/unet_peer.py:
 * variants eager, channels_last, jit-trace and torch.compile where it exists, 1 and 2 threads)
 * measured in the same run. Each side times ≥ 3 repetitions of a fixed number of steps after a warm-up
 * step; the report gives min / median / max of the time per step, steps/s, the step's GFLOP/s
 * (estimated as 3 × the network's forward FLOPs per sample × batch: forward plus a backward of about
 * twice the forward, convolutions and matrix products only) and the ratio of medians scorekit ÷ fastest
 * peer. Before timing, the peer loads scorekit's float64 parameters (its parameter names mapped to the
 * torch modules') and compares the forward pass, the DSM loss at fixed t and z, and the gradient norm.
 *
 * Also the convolution throughput: a 3×3, 32 → 32 conv2d forward at --conv-batch (64) on 28×28 for
 * each scorekit backend (--conv-backends, default every registered one; those that do not start here
 * are listed with the reason) and torch (NCHW and channels_last, 1 and 2 threads):
 * GFLOP/s = 2·N·H·W·Cin·Cout·9 / time (scorekit's time includes reading the result back).
 *
 * Usage: node dist/bench/unet.js [--batches 64,128] [--channels 16] [--steps 1] [--reps 3]
 *   [--backends cpu:float32,tfjs:wasm,cpu:float64] [--peer-steps 2] [--peer-threads 1,2]
 *   [--peer-variants eager,channels_last,jit-trace,compile] [--no-peer] [--no-check]
 *   [--conv-backends all] [--conv-batch 64] [--conv-reps 5] [--no-conv] [--out DIR]
 * Writes DIR/w6.json and DIR/w6.md, DIR = bench/results.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as sk from '../index.js';
import { writeFileAtomic } from '../io/checkpoint.js';
import { median, nameList, parseFlags, posInt, posIntList, PYTHON, runScript, type Stat, stat, TORCH_MISSING, torchInfo } from './script.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const PEER = join(HERE, '..', '..', 'bench', 'peers', 'unet_peer.py');
const SIDE = 28;
const D = SIDE * SIDE;
const MULTS = [1, 2] as const;
const GROUPS = 4;
const LR = 2e-4;
const CLIP = 1;
const DATA_ROWS = 256;
const CONV_C = 32;

export interface W6Options {
  readonly batches: readonly number[];
  readonly channels: number;
  /** Steps per timed repetition (scorekit). */
  readonly steps: number;
  readonly reps: number;
  readonly backends: readonly string[];
  readonly peer: boolean;
  readonly peerSteps: number;
  readonly peerThreads: readonly number[];
  readonly peerVariants: readonly string[];
  /** Compare the peer's forward pass, loss and gradient with scorekit's before timing. */
  readonly check: boolean;
  readonly conv: boolean;
  /** 'all': every registered backend spec. */
  readonly convBackends: readonly string[] | 'all';
  readonly convBatch: number;
  readonly convReps: number;
  readonly out: string;
  readonly log: (line: string) => void;
}

export const W6_DEFAULTS: W6Options = {
  batches: [64, 128], channels: 16, steps: 1, reps: 3, backends: ['cpu:float32', 'tfjs:wasm', 'cpu:float64'],
  peer: true, peerSteps: 2, peerThreads: [1, 2], peerVariants: ['eager', 'channels_last', 'jit-trace', 'compile'], check: true,
  conv: true, convBackends: 'all', convBatch: 64, convReps: 5,
  out: join(HERE, '..', '..', 'bench', 'results'), log: (l) => void process.stderr.write(`${l}\n`),
};

/** Parse the command line (errors are RangeErrors naming the flag). */
export function parseW6Args(argv: readonly string[], base: W6Options = W6_DEFAULTS): W6Options {
  const o: { -readonly [K in keyof W6Options]: W6Options[K] } = { ...base };
  const flags: Record<string, (v: string) => void> = {
    '--batches': (v) => void (o.batches = posIntList('--batches', v)),
    '--channels': (v) => void (o.channels = posInt('--channels', v)),
    '--steps': (v) => void (o.steps = posInt('--steps', v)),
    '--reps': (v) => void (o.reps = posInt('--reps', v)),
    '--backends': (v) => void (o.backends = nameList('--backends', v)),
    '--peer-steps': (v) => void (o.peerSteps = posInt('--peer-steps', v)),
    '--peer-threads': (v) => void (o.peerThreads = posIntList('--peer-threads', v)),
    '--peer-variants': (v) => void (o.peerVariants = nameList('--peer-variants', v)),
    '--conv-backends': (v) => void (o.convBackends = v.trim() === 'all' ? 'all' : nameList('--conv-backends', v)),
    '--conv-batch': (v) => void (o.convBatch = posInt('--conv-batch', v)),
    '--conv-reps': (v) => void (o.convReps = posInt('--conv-reps', v)),
    '--out': (v) => void (o.out = v),
  };
  const switches: Record<string, () => void> = {
    '--no-peer': () => void (o.peer = false),
    '--no-check': () => void (o.check = false),
    '--no-conv': () => void (o.conv = false),
  };
  parseFlags(argv, flags, switches);
  if (o.channels % 4 !== 0) throw new RangeError(`--channels must be a multiple of 4 (the U-Net's 4 groups), got ${o.channels}`);
  const known = new Set(sk.listBackendSpecs());
  for (const b of [...o.backends, ...(o.convBackends === 'all' ? [] : o.convBackends)]) {
    if (!known.has(b)) throw new RangeError(`unknown backend '${b}' (registered: ${[...known].join(', ')})`);
  }
  return o;
}

export type { Stat };

export interface TrainRow {
  /** 'scorekit cpu:float32', 'torch eager 1t', … */
  readonly side: string;
  readonly kind: 'scorekit' | 'torch';
  /** scorekit backend spec or torch variant. */
  readonly impl: string;
  readonly dtype: string;
  /** torch's thread count; absent for scorekit (one JS thread; see cpuPerWall). */
  readonly threads?: number;
  readonly batch: number;
  readonly stepsPerRep: number;
  readonly reps: number;
  readonly warmupSteps: number;
  readonly warmupSeconds: number;
  /** Seconds per step over the repetitions. */
  readonly secondsPerStep: Stat;
  readonly stepsPerSecond: number;
  /** 3 × forward FLOPs per sample × batch ÷ median seconds per step, in GFLOP/s. */
  readonly gflops: number;
  /** Process CPU time ÷ wall time, median (≈ cores kept busy). */
  readonly cpuPerWall: number;
  readonly lastLoss: number;
  /** scorekit: the peak resident memory of the child process that ran this row. */
  readonly peakRssMiB?: number;
}

export interface RatioRow {
  readonly batch: number;
  readonly side: string;
  readonly fastestPeer: string;
  /** scorekit median ÷ fastest peer median (time per step: > 1 is scorekit slower). */
  readonly ratio: number;
  readonly fastestPeer1t: string;
  readonly ratio1t: number;
}

export interface ConvRow {
  readonly side: string;
  readonly dtype: string;
  readonly threads?: number;
  readonly batch: number;
  readonly reps: number;
  readonly seconds: Stat;
  /** GFLOP/s from the max, median and min times. */
  readonly gflops: Stat;
  readonly cpuPerWall?: number;
  readonly device?: string;
}

export interface W6Result {
  readonly date: string;
  readonly command: string;
  readonly host: { readonly cpus: number; readonly cpuModel: string; readonly node: string };
  readonly torch: string;
  readonly network: {
    readonly kind: 'unet'; readonly height: number; readonly width: number; readonly channels: number;
    readonly baseChannels: number; readonly channelMults: readonly number[]; readonly groups: number;
    readonly parameters: number; readonly forwardFlopsPerSample: number;
  };
  readonly step: string;
  readonly check: Record<string, unknown> | null;
  readonly train: readonly TrainRow[];
  readonly ratios: readonly RatioRow[];
  readonly conv: readonly ConvRow[];
  readonly convFlops: number;
  readonly skipped: readonly { readonly side: string; readonly reason: string }[];
  readonly seconds: number;
}

interface PeerTrain { variant: string; threads: number; batch: number; stepsPerRep: number; warmupSteps: number; warmupSeconds: number; seconds: number[]; cpuSeconds: number[]; loss: number }
interface PeerOut {
  torch: string; parameterCount: number; check?: Record<string, unknown>;
  train: PeerTrain[]; conv: { variant: string; threads: number; batch: number; seconds: number[]; cpuSeconds: number[] }[];
  skipped: { variant: string; reason: string }[];
}

function unetOf(channels: number, be: sk.Backend, dtype: sk.FloatDType): sk.Unet {
  return sk.unet({ height: SIDE, width: SIDE, channels: 1, baseChannels: channels, channelMults: [...MULTS], groups: GROUPS }, sk.random.key(0), { backend: be, dtype });
}

/** scorekit's DSM + Adam steps on one backend and batch: the warm-up run and the timed ones. */
async function scorekitTrain(net: sk.Unet, be: sk.Backend, data: sk.Tensor, batch: number, o: { steps: number; reps: number }): Promise<{ warm: number; secs: number[]; cpu: number[]; loss: number }> {
  const vp = sk.vpSde();
  const model = sk.scaleOutput(net.apply, (t) => vp.stdOf(t));
  const cfg: sk.TrainConfig = { optimizer: { lr: LR, gradClip: CLIP } };
  const initLeaves = new Set(sk.treeLeaves(net.init));
  const run = async (steps: number, seed: number): Promise<{ wall: number; cpu: number; loss: number }> => {
    const init = sk.trainInit(net.init, cfg);
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    const r = await sk.train(init, sk.random.key(seed), {
      ...cfg, steps,
      loss: (p, b, k) => sk.sdeDsmLoss(vp, model, p, b, k, { reduceMean: true }),
      batch: (_i, k) => sk.gather(data, sk.random.randint(k, [batch], 0, DATA_ROWS, { backend: be })),
      progressEvery: steps + 1,
    });
    const wall = (performance.now() - t0) / 1000;
    const cu = process.cpuUsage(c0);
    sk.dispose([...new Set([...sk.treeLeaves(r.state), ...sk.treeLeaves(init.opt)])].filter((t) => !initLeaves.has(t)));
    return { wall, cpu: (cu.user + cu.system) / 1e6, loss: r.losses[steps - 1] };
  };
  const warm = (await run(1, 1)).wall;
  const secs: number[] = [];
  const cpu: number[] = [];
  let loss = NaN;
  for (let r = 0; r < o.reps; r++) {
    const m = await run(o.steps, 2 + r);
    secs.push(m.wall);
    cpu.push(m.cpu);
    loss = m.loss;
  }
  return { warm, secs, cpu, loss };
}

/** Parameters (float64, by their dotted names), inputs and scorekit's outputs for the peer's comparison. */
async function checkFile(channels: number, path: string): Promise<Record<string, number>> {
  const be = await sk.getBackend('cpu:float64');
  const net = unetOf(channels, be, 'float64');
  const vp = sk.vpSde();
  const model = sk.scaleOutput(net.apply, (t) => vp.stdOf(t));
  const n = 2;
  const x = sk.random.uniform(sk.random.key(7), [n, D], { backend: be, dtype: 'float64', minval: -1, maxval: 1 });
  const times = Float64Array.from([0.3, 0.8]);
  const k = sk.random.key(8);
  const out = net.apply(net.init, x, sk.fromArray(times, { backend: be, dtype: 'float64' }));
  // sdeDsmLoss draws z as perturbLinear does: the second half of the key's split
  const z = sk.random.normal(sk.random.split(k, 2)[1], [n, D], { backend: be, dtype: 'float64' });
  const { value, grad } = sk.valueAndGrad((p: sk.UnetParams) => sk.sdeDsmLoss(vp, model, p, x, k, { reduceMean: true, times }))(net.init);
  const named = sk.namedLeaves(net.init);
  const arr = async (t: sk.Tensor): Promise<number[]> => Array.from(await t.data());
  writeFileSync(path, JSON.stringify({
    names: named.map(([name]) => name), shapes: named.map(([, t]) => t.shape),
    params: await Promise.all(named.map(([, t]) => arr(t))),
    x: await arr(x), z: await arr(z), t: Array.from(times), out: await arr(out),
  }));
  return { loss: await value.item(), gradNorm: await sk.globalNorm(grad).item() };
}

function runPeer(o: W6Options, parameterCount: number, checkPath: string | null): PeerOut {
  const args = [PEER, '--param-count', String(parameterCount), '--channels', String(o.channels), '--batches', o.batches.join(','),
    '--steps', String(o.peerSteps), '--reps', String(o.reps), '--threads', o.peerThreads.join(','), '--variants', o.peerVariants.join(','),
    '--conv-batch', String(o.convBatch), '--conv-reps', String(o.convReps), ...(o.conv ? [] : ['--no-conv']), ...(checkPath ? ['--check', checkPath] : [])];
  const r = spawnSync(PYTHON, args, { encoding: 'utf8', maxBuffer: 1 << 26, stdio: ['ignore', 'pipe', 'pipe'] });
  for (const l of (r.stderr || '').split('\n')) if (l.trim() && !/TracerWarning|^\s/.test(l)) o.log(`peer: ${l}`);
  if (r.status !== 0) throw new Error(`the PyTorch peer failed (exit ${r.status}): ${(r.stderr || '').trim().split('\n').slice(-3).join(' | ')}`);
  return JSON.parse(r.stdout) as PeerOut;
}

function trainRow(side: string, kind: 'scorekit' | 'torch', impl: string, dtype: string, threads: number | undefined, batch: number, stepsPerRep: number,
  warmupSteps: number, warmupSeconds: number, secs: readonly number[], cpu: readonly number[], loss: number, flopsPerStep: number): TrainRow {
  const s = stat(secs.map((v) => v / stepsPerRep));
  return {
    side, kind, impl, dtype, ...(threads !== undefined ? { threads } : {}), batch, stepsPerRep, reps: secs.length, warmupSteps, warmupSeconds, secondsPerStep: s,
    stepsPerSecond: 1 / s.median, gflops: flopsPerStep / s.median / 1e9, cpuPerWall: median(secs.map((v, i) => cpu[i] / v)), lastLoss: loss,
  };
}

/** One scorekit (backend, batch) measurement, run in a child process of its own: a backend that fails
 * (tfjs:wasm's 4 GiB heap) cannot take the rest of the run with it, and every row starts from a fresh
 * heap, so its peak RSS is that row's. */
interface ChildJob { readonly spec: string; readonly batch: number; readonly channels: number; readonly steps: number; readonly reps: number }
interface ChildResult { warm: number; secs: number[]; cpu: number[]; loss: number; dtype: string; flopsPerSample: number; maxRssMiB: number }
const SELF = fileURLToPath(import.meta.url);
const CHILD_FLAG = '--w6-child';
const CHILD_OK = 'W6CHILD ';
const CHILD_ERR = 'W6CHILD-ERROR ';

async function childMain(job: ChildJob): Promise<void> {
  try {
    const be = await sk.getBackend(job.spec);
    const dtype = be.defaultFloat;
    const net = unetOf(job.channels, be, dtype);
    const data = sk.random.uniform(sk.random.key(1), [DATA_ROWS, D], { backend: be, dtype, minval: -1, maxval: 1 });
    const m = await scorekitTrain(net, be, data, job.batch, job);
    const res: ChildResult = { ...m, dtype, flopsPerSample: net.flopsPerSample, maxRssMiB: process.resourceUsage().maxRSS / 1024 };
    process.stdout.write(`${CHILD_OK}${JSON.stringify(res)}\n`);
  } catch (e) {
    process.stdout.write(`${CHILD_ERR}${(e as Error).message.split('\n')[0]}\n`);
    process.exitCode = 1;
  }
}

function runChild(job: ChildJob): ChildResult {
  const r = spawnSync(process.execPath, [SELF, CHILD_FLAG, JSON.stringify(job)], { encoding: 'utf8', maxBuffer: 1 << 26 });
  const lines = (r.stdout || '').split('\n');
  const ok = lines.find((l) => l.startsWith(CHILD_OK));
  if (r.status === 0 && ok) return JSON.parse(ok.slice(CHILD_OK.length)) as ChildResult;
  const err = lines.find((l) => l.startsWith(CHILD_ERR))?.slice(CHILD_ERR.length)
    ?? (r.stderr || '').split('\n').map((l) => l.trim()).filter((l) => /error|abort/i.test(l)).slice(-1)[0]
    ?? `exit status ${r.status}${r.signal ? `, signal ${r.signal}` : ''}`;
  const wasmHeap = job.spec === 'tfjs:wasm' && /out of bounds|abort/i.test(err)
    ? ' (tfjs-backend-wasm has a 32-bit heap: every live tensor together must fit in 4 GiB, and the intermediates the step keeps for its backward pass grow with the batch)' : '';
  throw new Error(`${err}${wasmHeap}`);
}

async function webgpuDevice(): Promise<string | undefined> {
  try {
    const { ensureWebGpu } = await import('../platform/webgpu.js');
    const p = await ensureWebGpu();
    return `${p.backend} (${p.featureLevel}): ${p.description}`;
  } catch {
    return undefined;
  }
}

async function scorekitConv(spec: string, o: W6Options, flops: number): Promise<ConvRow> {
  const be = await sk.getBackend(spec);
  const dtype = be.defaultFloat;
  const x = sk.random.normal(sk.random.key(11), [o.convBatch, SIDE, SIDE, CONV_C], { backend: be, dtype });
  const w = sk.random.normal(sk.random.key(12), [3, 3, CONV_C, CONV_C], { backend: be, dtype, scale: 1 / Math.sqrt(9 * CONV_C) });
  const once = async (): Promise<void> => {
    const y = sk.tidy(() => sk.conv2d(x, w, { padding: 1 }));
    await y.data();
    y.dispose();
  };
  await once();
  const secs: number[] = [];
  const cpu: number[] = [];
  for (let r = 0; r < o.convReps; r++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    await once();
    const wall = (performance.now() - t0) / 1000;
    const cu = process.cpuUsage(c0);
    secs.push(wall);
    cpu.push((cu.user + cu.system) / 1e6 / wall);
  }
  x.dispose();
  w.dispose();
  const device = spec.endsWith(':webgpu') ? await webgpuDevice() : undefined;
  const s = stat(secs);
  return {
    side: `scorekit ${spec}`, dtype, batch: o.convBatch, reps: secs.length, seconds: s,
    gflops: { min: flops / s.max / 1e9, median: flops / s.median / 1e9, max: flops / s.min / 1e9 }, cpuPerWall: median(cpu), ...(device ? { device } : {}),
  };
}

/** The whole bench: scorekit's steps, the peer (when /usr/bin/python3 has torch) and the convolutions. */
export async function runW6(o: W6Options): Promise<W6Result> {
  const t0 = performance.now();
  const date = new Date().toISOString();
  const skipped: { side: string; reason: string }[] = [];
  const train: TrainRow[] = [];
  const probe = unetOf(o.channels, await sk.getBackend('cpu:float32'), 'float32');
  const net: W6Result['network'] = {
    kind: 'unet', height: SIDE, width: SIDE, channels: 1, baseChannels: o.channels, channelMults: [...MULTS], groups: GROUPS,
    parameters: probe.parameterCount, forwardFlopsPerSample: probe.flopsPerSample,
  };
  for (const spec of o.backends) {
    for (const batch of o.batches) {
      let m: ChildResult;
      try {
        m = runChild({ spec, batch, channels: o.channels, steps: o.steps, reps: o.reps });
      } catch (e) {
        const reason = (e as Error).message;
        skipped.push({ side: `scorekit ${spec} batch ${batch}`, reason });
        o.log(`scorekit ${spec} batch ${batch}: failed (${reason})`);
        continue;
      }
      const row = trainRow(`scorekit ${spec}`, 'scorekit', spec, m.dtype, undefined, batch, o.steps, 1, m.warm, m.secs, m.cpu, m.loss, 3 * m.flopsPerSample * batch);
      train.push({ ...row, peakRssMiB: m.maxRssMiB });
      o.log(`scorekit ${spec} batch ${batch}: warm-up ${m.warm.toFixed(2)} s; ${m.secs.map((v) => (v / o.steps).toFixed(2)).join(' ')} s/step; peak RSS ${m.maxRssMiB.toFixed(0)} MiB`);
    }
  }

  const convFlops = 2 * o.convBatch * SIDE * SIDE * CONV_C * CONV_C * 9;
  const conv: ConvRow[] = [];
  if (o.conv) {
    for (const spec of o.convBackends === 'all' ? sk.listBackendSpecs() : o.convBackends) {
      try {
        const row = await scorekitConv(spec, o, convFlops);
        conv.push(row);
        o.log(`conv ${row.side}: ${row.gflops.median.toFixed(2)} GFLOP/s (${row.gflops.min.toFixed(2)}–${row.gflops.max.toFixed(2)})`);
      } catch (e) {
        const reason = (e as Error).message.split('\n')[0];
        skipped.push({ side: `conv scorekit ${spec}`, reason });
        o.log(`conv scorekit ${spec}: skipped (${reason})`);
      }
    }
  }

  let torch = 'not run';
  let check: Record<string, unknown> | null = null;
  if (!o.peer) skipped.push({ side: 'torch', reason: '--no-peer' });
  else {
    const info = torchInfo();
    if (!info) {
      skipped.push({ side: 'torch', reason: TORCH_MISSING });
      o.log(`PyTorch peer skipped: ${TORCH_MISSING}`);
    } else {
      torch = info.version;
      const dir = mkdtempSync(join(tmpdir(), 'sk-w6-'));
      try {
        let ours: Record<string, number> | null = null;
        const checkPath = join(dir, 'check.json');
        if (o.check) ours = await checkFile(o.channels, checkPath);
        const p = runPeer(o, net.parameters, ours ? checkPath : null);
        if (p.check && ours) {
          const c = p.check as Record<string, number | boolean>;
          const rel = (a: number, b: number): number => Math.abs(a - b) / Math.max(Math.abs(a), Math.abs(b), 1e-300);
          check = {
            parameterCount: { scorekit: net.parameters, torch: p.parameterCount, equal: net.parameters === p.parameterCount },
            ...c,
            ...(c.structure ? {
              forwardRelDiff: (c.forwardMaxAbsDiff as number) / (c.forwardMaxAbs as number),
              lossScorekit: ours.loss, lossTorch: c.loss, lossRelDiff: rel(ours.loss, c.loss as number),
              gradNormScorekit: ours.gradNorm, gradNormTorch: c.gradNorm, gradNormRelDiff: rel(ours.gradNorm, c.gradNorm as number),
            } : {}),
          };
          delete check.loss;
          delete check.gradNorm;
        } else check = { parameterCount: { scorekit: net.parameters, torch: p.parameterCount, equal: net.parameters === p.parameterCount } };
        for (const r of p.train) {
          train.push(trainRow(`torch ${r.variant} ${r.threads}t`, 'torch', r.variant, 'float32', r.threads, r.batch, r.stepsPerRep, r.warmupSteps, r.warmupSeconds, r.seconds, r.cpuSeconds, r.loss, 3 * net.forwardFlopsPerSample * r.batch));
        }
        for (const s of p.skipped) skipped.push({ side: `torch ${s.variant}`, reason: s.reason });
        for (const r of p.conv) {
          const s = stat(r.seconds);
          const label = ({ eager: 'NCHW', 'no-mkldnn': 'NCHW, mkldnn off' } as Record<string, string>)[r.variant] ?? r.variant;
          conv.push({ side: `torch ${label} ${r.threads}t`, dtype: 'float32', threads: r.threads, batch: r.batch, reps: r.seconds.length, seconds: s,
            gflops: { min: convFlops / s.max / 1e9, median: convFlops / s.median / 1e9, max: convFlops / s.min / 1e9 }, cpuPerWall: median(r.seconds.map((v, i) => r.cpuSeconds[i] / v)) });
        }
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }
  }

  const ratios: RatioRow[] = [];
  for (const batch of o.batches) {
    const peers = train.filter((r) => r.kind === 'torch' && r.batch === batch).sort((a, b) => a.secondsPerStep.median - b.secondsPerStep.median);
    const peers1 = peers.filter((r) => r.threads === 1);
    if (!peers.length) continue;
    for (const r of train.filter((q) => q.kind === 'scorekit' && q.batch === batch)) {
      ratios.push({
        batch, side: r.side, fastestPeer: peers[0].side, ratio: r.secondsPerStep.median / peers[0].secondsPerStep.median,
        fastestPeer1t: peers1[0]?.side ?? '', ratio1t: peers1.length ? r.secondsPerStep.median / peers1[0].secondsPerStep.median : NaN,
      });
    }
  }
  const cpu = cpus();
  return {
    date, command: '', host: { cpus: cpu.length, cpuModel: cpu[0]?.model ?? 'unknown', node: process.version }, torch, network: net,
    step: `DSM (VP SDE, t ~ U(1e-5, 1), reduceMean, output ÷ σ(t)) + Adam (lr ${LR}, global-norm clip ${CLIP}) on 28×28×1 inputs uniform in [-1, 1]`,
    check, train, ratios, conv, convFlops, skipped, seconds: (performance.now() - t0) / 1000,
  };
}

export function formatW6(r: W6Result): string {
  const f = (s: Stat, d = 3): string => `${s.median.toPrecision(d)} (${s.min.toPrecision(d)}–${s.max.toPrecision(d)})`;
  const n = r.network;
  const lines = [
    `# W6: U-Net DSM training step (${r.date})`, '',
    `\`${r.command}\`; ${r.host.cpus} × ${r.host.cpuModel}, Node ${r.host.node}; PyTorch ${r.torch}. Whole run ${r.seconds.toFixed(0)} s.`,
    `U-Net ${n.height}×${n.width}×${n.channels}, base channels ${n.baseChannels}, multipliers [${n.channelMults.join(', ')}], ${n.groups} groups: ${n.parameters} parameters, ${(n.forwardFlopsPerSample / 1e6).toFixed(1)} MFLOP forward per sample (convolutions and matrix products).`,
    `Step: ${r.step}.`,
    'Seconds per step, median (min–max) over the repetitions after a warm-up; GFLOP/s = 3 × forward FLOPs per sample × batch ÷ median (the usual forward + backward estimate);',
    'CPU/wall = process CPU time ÷ wall time (scorekit runs on one JS thread; the rest is GC and runtime helpers). Each scorekit row runs in a child process of its own (peak RSS is that process\'s).',
    'Ratio = scorekit median ÷ fastest peer median (> 1: scorekit slower).', '',
  ];
  if (r.check) {
    const c = r.check as Record<string, unknown>;
    const pc = c.parameterCount as { scorekit: number; torch: number; equal: boolean };
    lines.push(`Check: parameter count scorekit ${pc.scorekit}, torch ${pc.torch} (${pc.equal ? 'equal' : 'DIFFERENT'}).`);
    if (c.structure === true) {
      lines.push(`scorekit's float64 parameters loaded into the torch modules by name (${c.tensors} tensors, every name and shape matched); batch 2, t = 0.3, 0.8: ` +
        `forward max |Δ| ${(c.forwardMaxAbsDiff as number).toExponential(2)} (${(c.forwardRelDiff as number).toExponential(2)} of max |out| = ${(c.forwardMaxAbs as number).toPrecision(3)}), ` +
        `DSM loss ${(c.lossScorekit as number).toPrecision(8)} vs ${(c.lossTorch as number).toPrecision(8)} (rel. ${(c.lossRelDiff as number).toExponential(2)}), ` +
        `gradient norm ${(c.gradNormScorekit as number).toPrecision(8)} vs ${(c.gradNormTorch as number).toPrecision(8)} (rel. ${(c.gradNormRelDiff as number).toExponential(2)}).`);
    } else if (c.structure === false) lines.push(`Structure check FAILED: ${JSON.stringify(c)}`);
    lines.push('');
  }
  lines.push('| batch | side | dtype | steps × reps | s / step | steps/s | GFLOP/s | CPU/wall | warm-up s (steps) | peak RSS MiB |', '|---:|---|---|---:|---:|---:|---:|---:|---:|---:|');
  const batches = [...new Set(r.train.map((t) => t.batch))];
  for (const b of batches) {
    for (const t of r.train.filter((q) => q.batch === b)) {
      lines.push(`| ${b} | ${t.side} | ${t.dtype} | ${t.stepsPerRep} × ${t.reps} | ${f(t.secondsPerStep)} | ${t.stepsPerSecond.toFixed(2)} | ${t.gflops.toFixed(2)} | ${t.cpuPerWall.toFixed(2)} | ${t.warmupSeconds.toFixed(2)} (${t.warmupSteps}) | ${t.peakRssMiB !== undefined ? t.peakRssMiB.toFixed(0) : '–'} |`);
    }
  }
  if (r.ratios.length) {
    lines.push('', '| batch | scorekit side | fastest peer | ratio | fastest 1-thread peer | ratio (1 thread) |', '|---:|---|---|---:|---|---:|');
    for (const q of r.ratios) lines.push(`| ${q.batch} | ${q.side} | ${q.fastestPeer} | ${q.ratio.toFixed(2)}× | ${q.fastestPeer1t || '–'} | ${Number.isFinite(q.ratio1t) ? q.ratio1t.toFixed(2) + '×' : '–'} |`);
  }
  if (r.conv.length) {
    lines.push('', `Convolution: 3×3, ${CONV_C} → ${CONV_C}, padding 1, batch ${r.conv[0].batch}, 28×28, forward only: ${(r.convFlops / 1e9).toFixed(3)} GFLOP (2·N·H·W·Cin·Cout·9); scorekit's time includes reading the result back.`, '',
      '| side | dtype | reps | ms | GFLOP/s | CPU/wall | device |', '|---|---|---:|---:|---:|---:|---|');
    for (const c of r.conv) {
      const ms = { min: c.seconds.min * 1e3, median: c.seconds.median * 1e3, max: c.seconds.max * 1e3 };
      lines.push(`| ${c.side} | ${c.dtype} | ${c.reps} | ${f(ms)} | ${f(c.gflops)} | ${c.cpuPerWall !== undefined ? c.cpuPerWall.toFixed(2) : '–'} | ${c.device ?? ''} |`);
    }
  }
  if (r.skipped.length) {
    lines.push('', 'Skipped:');
    for (const s of r.skipped) lines.push(`- ${s.side}: ${s.reason}`);
  }
  return lines.join('\n') + '\n';
}

export async function writeW6(r: W6Result, dir: string): Promise<void> {
  mkdirSync(dir, { recursive: true });
  await writeFileAtomic(join(dir, 'w6.json'), JSON.stringify(r, null, 2) + '\n');
  await writeFileAtomic(join(dir, 'w6.md'), formatW6(r));
}

async function main(o: W6Options, argv: readonly string[]): Promise<void> {
  const r = { ...(await runW6(o)), command: `node dist/bench/unet.js ${argv.join(' ')}`.trim() };
  await writeW6(r, o.out);
  process.stdout.write(formatW6(r));
}

runScript(import.meta.url, 'bench/unet', (argv) => parseW6Args(argv), main, (argv) => (argv[0] === CHILD_FLAG ? childMain(JSON.parse(argv[1]) as ChildJob) : undefined));
