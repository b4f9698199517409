/** The README's library example, compiled and run by tests/readme-example.test.ts so that it stays true. */
import * as sk from '../index.js';

export async function quickstart(trainSteps = 1500): Promise<{ nfe: number; exactMmd2: number; learnedMmd2: number; dW: sk.Tensor }> {
  const be = await sk.getBackend('cpu'); // registry: 'cpu' (float64) or 'cpu:float32'
  const key = sk.random.key(0); // explicit PRNG keys: split / foldIn, no global state
  const mix = sk.gmm({ weights: [0.3, 0.7], means: [[-2, 0], [2, 1]], covs: [[[0.3, 0], [0, 0.3]], [[0.4, 0.1], [0.1, 0.3]]] });

  // Sample CLD with SSCS and the exact velocity score of the mixture (no learning error).
  const cld = sk.cldSde(); // M = 0.25, Γ = 1, β = 4, γ = 0.04
  const exact = sk.exactScore(cld, mix);
  const { x, nfe } = sk.sample(sk.random.foldIn(key, 1), {
    sde: cld, stepper: sk.sscs(cld, exact), n: 2000, d: 2, steps: 49, backend: be,
    denoise: { kind: 'mean-step', score: exact },
  });
  const data = sk.gmmSample(mix, sk.random.foldIn(key, 2), 2000, { backend: be });
  const exactMmd2 = await sk.metrics.mmd2(cld.split(x).x, data);

  // Train a small velocity-score network with hybrid score matching (mixed score), then sample it.
  const net = sk.mlp({ inDim: 4, outDim: 2, width: 64, depth: 3, embedding: { kind: 'fourier', dim: 16, scale: 4 } }, key, { backend: be });
  const cfg = { optimizer: { lr: 2e-3 }, emaDecay: 0.99 };
  const { state } = await sk.train(sk.trainInit(net.init, cfg), sk.random.foldIn(key, 3), {
    ...cfg, steps: trainSteps,
    loss: (p, batch, k) => sk.cldLoss(cld, net.apply, p, batch, k, { objective: 'hsm' }),
    batch: (_step, k) => sk.gmmSample(mix, k, 256, { backend: be }),
  });
  const learned = sk.cldScoreFn(cld, net.apply, state.ema!);
  const y = sk.sample(sk.random.foldIn(key, 4), { sde: cld, stepper: sk.sscs(cld, learned), n: 2000, d: 2, steps: 49, backend: be });
  const learnedMmd2 = await sk.metrics.mmd2(cld.split(y.x).x, data);

  // Autodiff nests: the gradient in θ of vᵀ ∇ₓ s_θ(x) v (a JVP inside a gradient), as in sliced score matching.
  const pts = sk.sliceAxis(data, 0, 0, 100);
  const v = sk.random.rademacher(sk.random.foldIn(key, 5), [100, 2], { backend: be });
  const s = (W: sk.Tensor, z: sk.Tensor): sk.Tensor => sk.tanh(sk.matmul(z, W));
  const ssmTerm = (W: sk.Tensor): sk.Tensor => sk.mean(sk.sum(sk.mul(v, sk.jvp((z: sk.Tensor) => s(W, z), pts, v).tangent), -1));
  const dW = sk.grad(ssmTerm)(sk.eye(2, { backend: be }));
  return { nfe, exactMmd2, learnedMmd2, dW };
}
