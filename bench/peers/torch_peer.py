#!/usr/bin/python3
"""PyTorch peer of scorekit's benchmark (bench/run.ts): the same workloads, written the way the
reference repositories write them (eager PyTorch, CPU, float32): CLD-SGM's SSCS and Euler-Maruyama
steps, score_sde's continuous-time DSM, QCSGM's Hutchinson asymmetry regulariser (double-backward JVP),
sliced score matching (one VJP per projection).

The scorekit runner writes a plan (JSON): sizes, step counts, and the per-step scalar coefficients of
the CLD kernels and the exact-score Gaussian mixtures, so both sides run the same algorithm on the same
schedule. The tensor work per step is what PyTorch eager does. Prints one JSON object per line.

Usage: torch_peer.py PLAN.json --threads N [--only ID,...] [--budget SECONDS]
       torch_peer.py PLAN.json --threads N --memory STEPS     (W4: peak RSS of one run)
"""
import argparse
import json
import math
import resource
import sys
import time

import torch

torch.set_grad_enabled(False)
DT = torch.float32


def rss_mib():
    """Current resident set size in MiB (Linux)."""
    with open('/proc/self/statm') as f:
        return int(f.read().split()[1]) * resource.getpagesize() / 2**20


def peak_rss_mib():
    # VmHWM is this process image's own high-water mark; ru_maxrss survives exec on Linux, so a
    # child of a large parent would report the parent's peak
    try:
        with open('/proc/self/status') as f:
            for line in f:
                if line.startswith('VmHWM:'):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def t(a):
    return torch.tensor(a, dtype=DT)


class Mixture:
    """Exact score of a Gaussian mixture in two idiomatic forms: vectorised over components (bmm on
    [K, n, D] tensors) and a loop over components with one dense [n, D] x [D, D] product each."""

    def __init__(self, m, variant='vectorised'):
        self.means = t(m['means'])                        # [K, D]
        self.cinvT = t(m['cholInvT'])                     # [K, D, D]  (L^-T)
        self.cinv = self.cinvT.transpose(1, 2).contiguous()
        self.lognorm = t(m['logNorm'])                    # [K]
        self.score = self.score_vectorised if variant == 'vectorised' else self.score_loop

    def score_loop(self, x):
        logits, comps = [], []
        for k in range(self.means.shape[0]):
            z = (x - self.means[k]) @ self.cinvT[k]
            logits.append(-0.5 * (z * z).sum(-1) + self.lognorm[k])
            comps.append(z @ self.cinv[k])
        r = torch.softmax(torch.stack(logits, 0), 0)
        out = -r[0, :, None] * comps[0]
        for k in range(1, len(comps)):
            out -= r[k, :, None] * comps[k]
        return out

    def score_vectorised(self, x):
        diff = x.unsqueeze(0) - self.means.unsqueeze(1)   # [K, n, D]
        z = torch.bmm(diff, self.cinvT)                   # whitened residuals
        logits = -0.5 * (z * z).sum(-1) + self.lognorm[:, None]
        r = torch.softmax(logits, 0)                      # responsibilities [K, n]
        comp = -torch.bmm(z, self.cinv)                   # -S_k^-1 (x - mu_k)
        return (r.unsqueeze(-1) * comp).sum(0)


def ou_half(u, k, zx, zv, d):
    """CLD-SGM's exact linear (OU) half step of SSCS: mean map and Cholesky factor applied to noise."""
    x, v = u[:, :d], u[:, d:]
    if zx is None:
        return torch.cat([k['mxx'] * x - k['mxv'] * v, -k['mvx'] * x + k['mvv'] * v], -1)
    return torch.cat([k['mxx'] * x - k['mxv'] * v + k['L11'] * zx,
                      -k['mvx'] * x + k['mvv'] * v - k['L21'] * zx + k['L22'] * zv], -1)


def sscs_step(u, s, score_fn, d):
    a = ou_half(u, s['k1'], *noise_xv(u, d), d)
    x, v = a[:, :d], a[:, d:]
    v = (1 + s['c'] / s['M']) * v + s['c'] * score_fn(a, s)
    return ou_half(torch.cat([x, v], -1), s['k2'], *noise_xv(u, d), d)


def noise_xv(u, d):
    z = torch.randn_like(u)
    return z[:, :d], z[:, d:]


def em_step(u, s, score_fn, d):
    """Euler-Maruyama on the reverse CLD SDE: u - h (f - G G^T s) + sqrt(h) G z."""
    x, v = u[:, :d], u[:, d:]
    b, h = s['beta'], s['h']
    fx = s['Minv'] * b * v
    fv = -b * x - s['Gamma'] * s['Minv'] * b * v - 2 * s['Gamma'] * b * score_fn(u, s)
    zv = torch.randn_like(v)
    return torch.cat([x - h * fx, v - h * fv + math.sqrt(h) * math.sqrt(2 * s['Gamma'] * b) * zv], -1)


class Mlp(torch.nn.Module):
    """concat(x, Fourier(t)) -> depth x (Linear + SiLU) -> Linear, as scorekit's mlp()."""

    def __init__(self, cfg):
        super().__init__()
        self.register_buffer('W', t(cfg['fourierW']))     # [1, F/2]
        dims = [cfg['inDim'] + 2 * len(cfg['fourierW'][0])] + [cfg['width']] * cfg['depth'] + [cfg['outDim']]
        layers = []
        for i in range(len(dims) - 1):
            layers.append(torch.nn.Linear(dims[i], dims[i + 1]))
            if i < len(dims) - 2:
                layers.append(torch.nn.SiLU())
        self.net = torch.nn.Sequential(*layers)

    def forward(self, x, tt):
        a = 2 * math.pi * tt[:, None] * self.W
        return self.net(torch.cat([x, torch.sin(a), torch.cos(a)], -1))


VARIANTS = ('vectorised', 'loop')


def sampler(plan, w, variant='vectorised'):
    d, n = plan['d'], w['n']
    mix = [Mixture(m, variant) for m in w.get('mixtures', [])]
    if w['score'] == 'exact':
        def score_fn(u, s):
            return mix[s['mix']].score(u)[:, d:]
    else:
        net = Mlp(plan['mlp_cld'])

        def score_fn(u, s):
            out = net(u, torch.full((u.shape[0],), s['t'], dtype=DT))
            return -s['ell'] * out - u[:, d:] / s['Svv']
    step = sscs_step if w['method'] == 'sscs' else em_step
    prior = plan['prior']

    def run(steps):
        z = torch.randn(n, 2 * d)
        u = torch.cat([z[:, :d], math.sqrt(prior['M']) * z[:, d:]], -1)
        for s in w['schedule'][:steps]:
            u = step(u, s, score_fn, d)
        return float(u.abs().mean())
    return run


def trainer(plan, w):
    cfg = plan['train']
    n, d = cfg['batch'], plan['d']
    net = Mlp(plan['mlp_x'])
    opt = torch.optim.Adam(net.parameters(), lr=cfg['lr'])
    x0 = t(cfg['data'])
    b0, b1, eps, lam = cfg['betaMin'], cfg['betaMax'], cfg['eps'], cfg['lambda']

    def perturb():
        tt = torch.rand(n) * (1 - eps) + eps
        logm = -0.25 * tt ** 2 * (b1 - b0) - 0.5 * tt * b0      # score_sde's VPSDE.marginal_prob
        std = torch.sqrt(1 - torch.exp(2 * logm))
        z = torch.randn_like(x0)
        return tt, std, z, torch.exp(logm)[:, None] * x0 + std[:, None] * z

    def dsm():
        tt, std, z, xt = perturb()
        s = net(xt, tt)
        return torch.mean(0.5 * ((s * std[:, None] + z) ** 2).sum(-1))

    def qcsgm():
        tt, std, z, xt = perturb()
        xt.requires_grad_(True)
        s = net(xt, tt)
        v = torch.randint(0, 2, xt.shape, dtype=DT) * 2 - 1   # Rademacher probe
        # two VJPs through the one forward, as the official QCSGM code (REFERENCES.md):
        # v^T J J v = <J^T (J^T v), v>, the same estimator and gradient as <J^T v, J v> without a JVP
        JTv = torch.autograd.grad(s, xt, v, create_graph=True)[0]
        JTJTv = torch.autograd.grad(s, xt, JTv, create_graph=True)[0]
        asym = (JTv ** 2).sum(-1) - (JTJTv * v).sum(-1)
        return torch.mean(0.5 * ((s * std[:, None] + z) ** 2).sum(-1) + lam * std ** 2 * asym)

    def ssm():
        tt, std, z, xt = perturb()
        xt.requires_grad_(True)
        s = net(xt, tt)
        v = torch.randint(0, 2, xt.shape, dtype=DT) * 2 - 1
        sv = (s * v).sum(-1)
        gv = torch.autograd.grad(sv.sum(), xt, create_graph=True)[0]  # J^T v
        return torch.mean(((gv * v).sum(-1) + 0.5 * sv ** 2) * std ** 2)

    loss_fn = {'dsm': dsm, 'qcsgm': qcsgm, 'ssm': ssm}[w['loss']]

    def run(steps):
        last = 0.0
        with torch.enable_grad():
            for _ in range(steps):
                opt.zero_grad(set_to_none=True)
                loss = loss_fn()
                loss.backward()
                opt.step()
                last = loss.item()
        return last
    return run


def median(xs):
    s = sorted(xs)
    return s[len(s) // 2]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('plan')
    ap.add_argument('--threads', type=int, default=1)
    ap.add_argument('--only', default='')
    ap.add_argument('--memory', type=int, default=0)
    ap.add_argument('--budget', type=float, default=3.0)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    with open(a.plan) as f:
        plan = json.load(f)
    if a.memory:
        w = plan['memory']
        # warm-up as the scorekit side (bench/memory.ts): 16384 particles, 30 steps in all
        warm, k = sampler(plan, {**w, 'n': 16384}), len(w['schedule'])
        for _ in range(-(-30 // k)):
            warm(k)
        base = rss_mib()
        t0 = time.perf_counter()
        sampler(plan, w)(a.memory)
        print(json.dumps({'id': 'w4', 'steps': a.memory, 'baseMiB': base, 'peakMiB': peak_rss_mib(),
                          'seconds': time.perf_counter() - t0}), flush=True)
        return
    only = set(filter(None, a.only.split(',')))
    jobs = []
    for w in plan['workloads']:
        if only and w['id'] not in only:
            continue
        if w['kind'] == 'train':
            jobs.append((w, None, trainer(plan, w)))
        elif w['score'] == 'exact':
            jobs.extend((w, v, sampler(plan, w, v)) for v in VARIANTS)
        else:
            jobs.append((w, None, sampler(plan, w)))
    for w, variant, run in jobs:
        # the runner's rule: two warm-up runs, then the steps (at most the schedule's) and repetitions
        # (at most 3) that fit the time budget
        warm = w['warmup']
        run(warm)
        t0 = time.perf_counter()
        run(warm)
        per_step = (time.perf_counter() - t0) / warm
        steps = max(min(w['steps'], 2), min(w['steps'], int(a.budget / per_step)))
        reps = max(1, min(w['reps'], int(2 * a.budget / (per_step * steps))))
        ts = []
        check = 0.0
        for _ in range(reps):
            t0 = time.perf_counter()
            check = run(steps)
            ts.append(time.perf_counter() - t0)
        print(json.dumps({'id': w['id'], 'variant': variant, 'steps': steps, 'reps': reps, 'seconds': median(ts), 'times': ts, 'check': check}), flush=True)


if __name__ == '__main__':
    sys.exit(main())
