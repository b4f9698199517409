#!/usr/bin/python3
"""PyTorch peers of W5, the dimension sweep (bench/dimension-sweep.ts): CLD SSCS and VP Euler-Maruyama
with the exact score of a K-component full-covariance Gaussian mixture, eager PyTorch, CPU, float32,
one thread. Both peers use one eigendecomposition per run, S_k = Q_k diag(lam_k) Q_k^T (float64, then
float32), so every step is a rotation plus elementwise work as on the scorekit side:
- 'torch-vectorised': all components at once with bmm on [K, n, D] tensors;
- 'torch-loop': a loop over components with one [n, D] x [D, D] product per rotation.
For VP the component covariance at time t is a^2 S_k + s^2 I; for CLD the joint (x, v) covariance is one
2x2 block per eigenvalue. The plan (JSON) gives sizes, the mixture and the per-step scalars.

Usage: dimension_sweep.py PLAN.json   (prints one JSON object per case and peer)
"""
import json
import math
import sys
import time

import torch

sys.path.insert(0, __file__.rsplit('/', 1)[0])
from torch_peer import ou_half  # noqa: E402  (CLD-SGM's exact OU half step)

torch.set_grad_enabled(False)
torch.set_num_threads(1)
DT = torch.float32
LOG2PI = math.log(2 * math.pi)


class Spectrum:
    def __init__(self, case):
        covs = torch.tensor(case['covs'], dtype=torch.float64)
        lam, Q = torch.linalg.eigh(covs)                  # [K, D], [K, D, D]
        self.lam64 = lam
        self.Q = Q.to(DT).contiguous()
        self.QT = Q.transpose(1, 2).to(DT).contiguous()
        self.means = torch.tensor(case['means'], dtype=DT)
        self.logw = torch.log(torch.tensor(case['weights'], dtype=torch.float64))


def vp_coeffs(sp, a, s2):
    c = a * a * sp.lam64 + s2                                # [K, D]
    lognorm = sp.logw - 0.5 * torch.log(c).sum(-1) - 0.5 * c.shape[1] * LOG2PI
    return (1 / c).to(DT), lognorm.to(DT)


def vp_score_vec(sp, x, a, s2):
    inv, lognorm = vp_coeffs(sp, a, s2)
    y = torch.bmm(x.unsqueeze(0) - a * sp.means.unsqueeze(1), sp.Q)    # [K, n, D]
    w = y * inv.unsqueeze(1)
    r = torch.softmax(lognorm[:, None] - 0.5 * (y * w).sum(-1), 0)
    return -(r.unsqueeze(-1) * torch.bmm(w, sp.QT)).sum(0)


def combine_loop(logits, terms):
    """-sum_k r_k terms_k with r = softmax_k(logits), accumulated in place."""
    r = torch.softmax(torch.stack(logits), 0)
    out = r[0].unsqueeze(-1) * terms[0]
    for k in range(1, len(terms)):
        out += r[k].unsqueeze(-1) * terms[k]
    return -out


def vp_score_loop(sp, x, a, s2):
    inv, lognorm = vp_coeffs(sp, a, s2)
    logits, terms = [], []
    for k in range(sp.Q.shape[0]):
        y = (x - a * sp.means[k]) @ sp.Q[k]
        w = y * inv[k]
        logits.append(lognorm[k] - 0.5 * (y * w).sum(-1))
        terms.append(w @ sp.QT[k])
    return combine_loop(logits, terms)


def cld_coeffs(sp, m):
    lam = sp.lam64
    A = m['mxx'] ** 2 * lam + m['Sxx']
    B = m['mxx'] * m['mvx'] * lam + m['Sxv']
    C = m['mvx'] ** 2 * lam + m['Svv']
    det = A * C - B * B
    lognorm = sp.logw - 0.5 * torch.log(det).sum(-1) - lam.shape[1] * LOG2PI
    return (C / det).to(DT), (-B / det).to(DT), (A / det).to(DT), lognorm.to(DT)


def cld_score_vec(sp, u, m, d):
    P, R, Qd, lognorm = cld_coeffs(sp, m)
    x, v = u[:, :d], u[:, d:]
    yx = torch.bmm(x.unsqueeze(0) - m['mxx'] * sp.means.unsqueeze(1), sp.Q)
    yv = torch.bmm(v.unsqueeze(0) - m['mvx'] * sp.means.unsqueeze(1), sp.Q)
    R_, Q_ = R.unsqueeze(1), Qd.unsqueeze(1)
    wv = yx * R_ + yv * Q_
    wx = yx * P.unsqueeze(1) + yv * R_
    r = torch.softmax(lognorm[:, None] - 0.5 * (yx * wx + yv * wv).sum(-1), 0)
    return -(r.unsqueeze(-1) * torch.bmm(wv, sp.QT)).sum(0)


def cld_score_loop(sp, u, m, d):
    P, R, Qd, lognorm = cld_coeffs(sp, m)
    x, v = u[:, :d], u[:, d:]
    logits, terms = [], []
    for k in range(sp.Q.shape[0]):
        yx = (x - m['mxx'] * sp.means[k]) @ sp.Q[k]
        yv = (v - m['mvx'] * sp.means[k]) @ sp.Q[k]
        wv = yx * R[k] + yv * Qd[k]
        wx = yx * P[k] + yv * R[k]
        logits.append(lognorm[k] - 0.5 * (yx * wx + yv * wv).sum(-1))
        terms.append(wv @ sp.QT[k])
    return combine_loop(logits, terms)


def runner(case, side):
    sp = Spectrum(case)
    d, n = case['D'], case['n']
    if case['method'] == 'vp-em':
        score = vp_score_vec if side == 'torch-vectorised' else vp_score_loop

        def run():
            x = torch.randn(n, d)
            for s in case['schedule']:
                # x - h(f - g^2 s) + sqrt(h) g z with f = -beta x / 2, g^2 = beta
                sc = score(sp, x, s['a'], s['s2'])
                x = x + s['h'] * (0.5 * s['beta'] * x + s['beta'] * sc) + math.sqrt(s['h'] * s['beta']) * torch.randn_like(x)
            return float(x.abs().mean())
        return run
    score = cld_score_vec if side == 'torch-vectorised' else cld_score_loop
    M = case['prior']['M']

    def run():
        z = torch.randn(n, 2 * d)
        u = torch.cat([z[:, :d], math.sqrt(M) * z[:, d:]], -1)
        for s in case['schedule']:
            zz = torch.randn_like(u)
            a = ou_half(u, s['k1'], zz[:, :d], zz[:, d:], d)
            x, v = a[:, :d], a[:, d:]
            v = (1 + s['c'] / s['M']) * v + s['c'] * score(sp, a, s['score'], d)
            zz = torch.randn_like(u)
            u = ou_half(torch.cat([x, v], -1), s['k2'], zz[:, :d], zz[:, d:], d)
        return float(u.abs().mean())
    return run


def main():
    with open(sys.argv[1]) as f:
        plan = json.load(f)
    torch.manual_seed(0)
    for case in plan:
        for side in ('torch-vectorised', 'torch-loop'):
            run = runner(case, side)
            check = run()  # warm-up
            secs = []
            for _ in range(case['reps']):
                t0 = time.perf_counter()
                run()
                secs.append(time.perf_counter() - t0)
            print(json.dumps({'method': case['method'], 'D': case['D'], 'side': side, 'seconds': secs, 'check': check}), flush=True)


if __name__ == '__main__':
    main()
