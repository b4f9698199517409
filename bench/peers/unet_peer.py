#!/usr/bin/python3
"""PyTorch peer of W6 (bench/unet.ts): the U-Net of core/models/unet.ts trained with continuous-time
DSM under the VP SDE and Adam, CPU, float32, plus a 3x3 convolution throughput probe.

The network is the same layer for layer (module names mirror scorekit's parameter tree, so a scorekit
parameter 'down.0.res.0.conv1.w' is this module's 'down.0.res.0.conv1.weight'): a 3x3 input conv; per
level `resBlocks` residual blocks (GroupNorm -> SiLU -> 3x3 conv, + a dense projection of SiLU(temb),
-> GroupNorm -> SiLU -> 3x3 conv, a 1x1 conv skip where the channel count changes, (h + skip)/sqrt 2),
single-head self-attention after each block of the attention level ((x + proj(attn(qkv(GN(x)))))/sqrt 2),
2x2 average pooling between levels; a middle block (res, attention, res); a decoder with resBlocks + 1
blocks per level on the concatenated skip activations, nearest x2 upsampling + 3x3 conv between levels;
GroupNorm -> SiLU -> 3x3 conv out. Time embedding: DDPM's sinusoidal features of 1000 t (frequencies
exp(-log(1e4) i / (B/2 - 1))) -> dense -> SiLU -> dense. Weights LeCun-normal, biases 0, GN scales 1.

Loss (scorekit's sdeDsmLoss with reduceMean, score_sde's get_sde_loss_fn): t ~ U(eps, 1), eps = 1e-5,
x_t = alpha(t) x0 + sigma(t) z, s = net(x_t, t) / sigma(t) (scaleOutput), loss = mean over batch and
features of (sigma s + z)^2. Step: zero_grad, backward, clip_grad_norm_(1), Adam(lr 2e-4), loss.item().

Variants: 'eager' (NCHW, the default), 'channels_last' (model and input in torch.channels_last),
'jit-trace' (torch.jit.trace of the network, trained through the traced graph; 3 warm-up steps for the
profiling executor), 'compile' (torch.compile; skipped, with the reason, where this torch lacks it or it
fails). Adam is torch.optim.Adam's default implementation (the per-parameter loop on torch 1.13).

Usage: unet_peer.py --param-count N [--channels 16] [--batches 64,128] [--steps 2] [--reps 3]
                    [--threads 1,2] [--variants eager,channels_last,jit-trace,compile]
                    [--conv-batch 64] [--conv-reps 5] [--no-conv] [--no-train] [--check FILE.json]
Prints one JSON object on stdout; progress on stderr. Exits non-zero (an AssertionError) when the
network's parameter count differs from --param-count.
"""
import argparse
import json
import math
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

SQRT1_2 = math.sqrt(0.5)
SIDE, IMG_C = 28, 1
MULTS = (1, 2)
GROUPS = 4
RES_BLOCKS = 1
TIME_SCALE = 1000.0
BETA_MIN, BETA_MAX, EPS_T = 0.1, 20.0, 1e-5
LR, CLIP = 2e-4, 1.0


def lecun_(m):
    for mod in m.modules():
        if isinstance(mod, (nn.Conv2d, nn.Linear)):
            fan_in = mod.weight[0].numel()
            nn.init.normal_(mod.weight, 0.0, 1.0 / math.sqrt(fan_in))
            nn.init.zeros_(mod.bias)


class ResBlock(nn.Module):
    def __init__(self, cin, cout, emb, groups):
        super().__init__()
        self.norm1 = nn.GroupNorm(groups, cin, eps=1e-5)
        self.conv1 = nn.Conv2d(cin, cout, 3, padding=1)
        self.temb = nn.Linear(emb, cout)
        self.norm2 = nn.GroupNorm(groups, cout, eps=1e-5)
        self.conv2 = nn.Conv2d(cout, cout, 3, padding=1)
        self.skip = nn.ModuleList([nn.Conv2d(cin, cout, 1)] if cin != cout else [])

    def forward(self, x, emb):
        h = self.conv1(F.silu(self.norm1(x)))
        h = h + self.temb(F.silu(emb))[:, :, None, None]
        h = self.conv2(F.silu(self.norm2(h)))
        s = self.skip[0](x) if len(self.skip) else x
        return (h + s) * SQRT1_2


class AttnBlock(nn.Module):
    def __init__(self, c, groups):
        super().__init__()
        self.norm = nn.GroupNorm(groups, c, eps=1e-5)
        self.qkv = nn.Linear(c, 3 * c)
        self.proj = nn.Linear(c, c)
        self.scale = 1.0 / math.sqrt(c)

    def forward(self, x):
        n, c, hh, ww = x.shape
        h = self.norm(x).flatten(2).transpose(1, 2)                  # [N, HW, C]
        q, k, v = self.qkv(h).chunk(3, dim=-1)
        a = torch.softmax(torch.bmm(q, k.transpose(1, 2)) * self.scale, dim=-1)
        o = self.proj(torch.bmm(a, v))
        return (x + o.transpose(1, 2).reshape(n, c, hh, ww)) * SQRT1_2


class Level(nn.Module):
    def __init__(self, res, attn, up_conv=None):
        super().__init__()
        self.res = nn.ModuleList(res)
        self.attn = nn.ModuleList(attn)
        if up_conv is not None:
            self.upConv = nn.ModuleList(up_conv)


class Mid(nn.Module):
    def __init__(self, ch, emb, groups):
        super().__init__()
        self.res1 = ResBlock(ch, ch, emb, groups)
        self.attn = AttnBlock(ch, groups)
        self.res2 = ResBlock(ch, ch, emb, groups)


class UNet(nn.Module):
    def __init__(self, base, mults=MULTS, res_blocks=RES_BLOCKS, groups=GROUPS, channels=IMG_C, attention_level=None):
        super().__init__()
        L = len(mults)
        att = L - 1 if attention_level is None else attention_level
        E = 4 * base
        self.L = L
        chans = [base]
        ch = base
        down = []
        for lvl in range(L):
            out = base * mults[lvl]
            res, attn = [], []
            for _ in range(res_blocks):
                res.append(ResBlock(ch, out, E, groups))
                ch = out
                if lvl == att:
                    attn.append(AttnBlock(ch, groups))
                chans.append(ch)
            if lvl < L - 1:
                chans.append(ch)
            down.append(Level(res, attn))
        self.down = nn.ModuleList(down)
        self.mid = Mid(ch, E, groups)
        up = []
        for lvl in range(L - 1, -1, -1):
            out = base * mults[lvl]
            res, attn = [], []
            for _ in range(res_blocks + 1):
                res.append(ResBlock(ch + chans.pop(), out, E, groups))
                ch = out
                if lvl == att:
                    attn.append(AttnBlock(ch, groups))
            up.append(Level(res, attn, [nn.Conv2d(ch, ch, 3, padding=1)] if lvl > 0 else []))
        self.up = nn.ModuleList(up)
        self.temb1 = nn.Linear(base, E)
        self.temb2 = nn.Linear(E, E)
        self.convIn = nn.Conv2d(channels, base, 3, padding=1)
        self.normOut = nn.GroupNorm(groups, ch, eps=1e-5)
        self.convOut = nn.Conv2d(ch, channels, 3, padding=1)
        half = base // 2
        self.freqs64 = [math.exp(-math.log(10000) * i / max(1, half - 1)) for i in range(half)]   # as scorekit: float64, then the dtype
        self.register_buffer('freqs', torch.tensor(self.freqs64), persistent=False)
        lecun_(self)

    def forward(self, x, t):
        a = (t[:, None] * TIME_SCALE) * self.freqs[None, :]
        emb = self.temb2(F.silu(self.temb1(torch.cat([torch.sin(a), torch.cos(a)], 1))))
        h = self.convIn(x)
        hs = [h]
        for lvl, lv in enumerate(self.down):
            for r, rb in enumerate(lv.res):
                h = rb(h, emb)
                if len(lv.attn):
                    h = lv.attn[r](h)
                hs.append(h)
            if lvl < self.L - 1:
                h = F.avg_pool2d(h, 2)
                hs.append(h)
        h = self.mid.res2(self.mid.attn(self.mid.res1(h, emb)), emb)
        for lv in self.up:
            for r, rb in enumerate(lv.res):
                h = rb(torch.cat([h, hs.pop()], 1), emb)
                if len(lv.attn):
                    h = lv.attn[r](h)
            if len(lv.upConv):
                h = lv.upConv[0](F.interpolate(h, scale_factor=2, mode='nearest'))
        return self.convOut(F.silu(self.normOut(h)))


def vp_coeffs(t):
    bt = BETA_MIN * t + 0.5 * (BETA_MAX - BETA_MIN) * t * t
    return torch.exp(-0.5 * bt), torch.sqrt(-torch.expm1(-bt))


def dsm_loss(net, x0, t=None, z=None):
    """scorekit's sdeDsmLoss(vp, scaleOutput(net, sigma), ..., { reduceMean: true })."""
    n = x0.shape[0]
    if t is None:
        t = EPS_T + (1 - EPS_T) * torch.rand(n, dtype=x0.dtype)
    if z is None:
        z = torch.randn_like(x0)
    alpha, sigma = vp_coeffs(t)
    alpha, sigma = alpha.view(n, 1, 1, 1), sigma.view(n, 1, 1, 1)
    xt = alpha * x0 + sigma * z
    score = net(xt, t) / sigma
    return ((score * sigma + z) ** 2).mean()


def param_count(m):
    return sum(p.numel() for p in m.parameters())


def log(msg):
    sys.stderr.write(msg + '\n')
    sys.stderr.flush()


def build(variant, base, batch, data):
    """(callable net, module, optimiser, batch draw) for one variant; raises where it does not work here."""
    torch.manual_seed(0)
    model = UNet(base)
    mf = torch.channels_last if variant == 'channels_last' else torch.contiguous_format
    if variant == 'channels_last':
        model = model.to(memory_format=torch.channels_last)
        data = data.contiguous(memory_format=torch.channels_last)
    net = model
    if variant == 'jit-trace':
        ex = (torch.randn(batch, IMG_C, SIDE, SIDE), torch.rand(batch))
        net = torch.jit.trace(model, ex, check_trace=False)
    elif variant == 'compile':
        if not hasattr(torch, 'compile'):
            raise RuntimeError(f'torch {torch.__version__} has no torch.compile (added in PyTorch 2.0)')
        net = torch.compile(model)
    torch.manual_seed(1)                        # the same batches and noise in every variant
    opt = torch.optim.Adam(net.parameters(), lr=LR)

    def draw():
        return data[torch.randint(0, data.shape[0], (batch,))].contiguous(memory_format=mf)
    return net, model, opt, draw


def train_steps(net, model, opt, draw, steps):
    loss = float('nan')
    for _ in range(steps):
        opt.zero_grad(set_to_none=True)
        lo = dsm_loss(net, draw())
        lo.backward()
        torch.nn.utils.clip_grad_norm_(net.parameters(), CLIP)
        opt.step()
        loss = lo.item()
    return loss


def time_train(variant, base, batch, threads, steps, reps, data):
    torch.set_num_threads(threads)
    net, model, opt, draw = build(variant, base, batch, data)
    warm = 3 if variant in ('jit-trace', 'compile') else 1   # the profiling executor / compiler specialise on the first calls
    t0 = time.perf_counter()
    train_steps(net, model, opt, draw, warm)
    warm_s = time.perf_counter() - t0
    secs, cpu, loss = [], [], float('nan')
    for _ in range(reps):
        c0, t0 = time.process_time(), time.perf_counter()
        loss = train_steps(net, model, opt, draw, steps)
        secs.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
    return {'variant': variant, 'threads': threads, 'batch': batch, 'stepsPerRep': steps, 'warmupSteps': warm,
            'warmupSeconds': warm_s, 'seconds': secs, 'cpuSeconds': cpu, 'loss': loss}


def time_conv(layout, threads, batch, reps):
    """F.conv2d forward, 3x3, 32 -> 32, padding 1: 'eager' (NCHW, oneDNN where it applies), 'channels_last',
    'no-mkldnn' (NCHW with torch.backends.mkldnn disabled: ATen's own im2col + GEMM path)."""
    torch.set_num_threads(threads)
    torch.manual_seed(1)
    x = torch.randn(batch, 32, SIDE, SIDE)
    w = torch.randn(32, 32, 3, 3) / math.sqrt(9 * 32)
    if layout == 'channels_last':
        x = x.contiguous(memory_format=torch.channels_last)
        w = w.contiguous(memory_format=torch.channels_last)
    with torch.no_grad(), torch.backends.mkldnn.flags(enabled=layout != 'no-mkldnn'):
        F.conv2d(x, w, padding=1)
        secs, cpu = [], []
        for _ in range(reps):
            c0, t0 = time.process_time(), time.perf_counter()
            F.conv2d(x, w, padding=1)
            secs.append(time.perf_counter() - t0)
            cpu.append(time.process_time() - c0)
    return {'variant': layout, 'threads': threads, 'batch': batch, 'seconds': secs, 'cpuSeconds': cpu}


def torch_name(name):
    """scorekit leaf path -> this module's state_dict key, and the layout change."""
    head, _, leaf = name.rpartition('.')
    return f"{head}.{ {'w': 'weight', 'W': 'weight', 'b': 'bias', 'gamma': 'weight', 'beta': 'bias'}[leaf] }", leaf


def check(path, base):
    """Load scorekit's parameters (float64) and compare the forward pass, the loss and the gradient norm."""
    with open(path) as f:
        c = json.load(f)
    model = UNet(base).double()
    model.freqs = torch.tensor(model.freqs64, dtype=torch.float64)
    sd = model.state_dict()
    want = {}
    for name, shape, vals in zip(c['names'], c['shapes'], c['params']):
        key, leaf = torch_name(name)
        v = torch.tensor(vals, dtype=torch.float64).view(shape)
        if leaf == 'w':
            v = v.permute(3, 2, 0, 1)          # [kh, kw, cin, cout] -> [cout, cin, kh, kw]
        elif leaf == 'W':
            v = v.t()                          # [in, out] -> [out, in]
        want[key] = v.contiguous()
    missing = sorted(set(sd) - set(want))
    extra = sorted(set(want) - set(sd))
    bad = sorted(k for k in want if k in sd and tuple(sd[k].shape) != tuple(want[k].shape))
    if missing or extra or bad:
        return {'structure': False, 'missing': missing, 'extra': extra, 'shapeMismatch': bad}
    model.load_state_dict(want)
    n = len(c['t'])
    to_nchw = lambda a: torch.tensor(a, dtype=torch.float64).view(n, SIDE, SIDE, IMG_C).permute(0, 3, 1, 2)  # noqa: E731
    x, z, t = to_nchw(c['x']), to_nchw(c['z']), torch.tensor(c['t'], dtype=torch.float64)
    with torch.no_grad():
        out = model(x, t).permute(0, 2, 3, 1).reshape(n, -1)
    ref = torch.tensor(c['out'], dtype=torch.float64).view(n, -1)
    loss = dsm_loss(model, x, t, z)
    loss.backward()
    gnorm = math.sqrt(sum(float((p.grad ** 2).sum()) for p in model.parameters()))
    return {'structure': True, 'tensors': len(want),
            'forwardMaxAbsDiff': float((out - ref).abs().max()), 'forwardMaxAbs': float(ref.abs().max()),
            'loss': float(loss), 'gradNorm': gnorm}


def ints(s):
    return [int(v) for v in s.split(',') if v]


def main():
    ap = argparse.ArgumentParser(description='PyTorch peer of W6 (scorekit bench/unet.ts)')
    ap.add_argument('--param-count', type=int, required=True, help="scorekit's parameterCount for the same configuration")
    ap.add_argument('--channels', type=int, default=16)
    ap.add_argument('--batches', type=ints, default=[64, 128])
    ap.add_argument('--steps', type=int, default=2)
    ap.add_argument('--reps', type=int, default=3)
    ap.add_argument('--threads', type=ints, default=[1, 2])
    ap.add_argument('--variants', default='eager,channels_last,jit-trace,compile')
    ap.add_argument('--conv-batch', type=int, default=64)
    ap.add_argument('--conv-reps', type=int, default=5)
    ap.add_argument('--no-conv', action='store_true')
    ap.add_argument('--no-train', action='store_true')
    ap.add_argument('--check', help="a JSON file of scorekit's parameters, inputs and outputs (bench/unet.ts writes it)")
    a = ap.parse_args()
    count = param_count(UNet(a.channels))
    assert count == a.param_count, f'parameter count: torch U-Net has {count}, scorekit reports {a.param_count}'
    log(f'torch {torch.__version__}: U-Net with {count} parameters (= scorekit)')
    res = {'torch': torch.__version__, 'parameterCount': count, 'train': [], 'conv': [], 'skipped': []}
    if a.check:
        res['check'] = check(a.check, a.channels)
        log(f"check: {res['check']}")
    torch.manual_seed(3)
    data = torch.rand(256, IMG_C, SIDE, SIDE) * 2 - 1
    if not a.no_train:
        for variant in [v for v in a.variants.split(',') if v]:
            for threads in a.threads:
                for batch in a.batches:
                    try:
                        r = time_train(variant, a.channels, batch, threads, a.steps, a.reps, data)
                    except Exception as e:  # noqa: BLE001  (a variant that does not work here is reported, not fatal)
                        reason = f'{type(e).__name__}: {str(e).splitlines()[0] if str(e) else ""}'
                        res['skipped'].append({'variant': variant, 'reason': reason})
                        log(f'{variant}: skipped ({reason})')
                        break
                    res['train'].append(r)
                    log(f"{variant} {threads}t batch {batch}: {' '.join(f'{s / a.steps:.3f}' for s in r['seconds'])} s/step")
                else:
                    continue
                break
    if not a.no_conv:
        for layout in ('eager', 'channels_last', 'no-mkldnn'):
            for threads in a.threads:
                r = time_conv(layout, threads, a.conv_batch, a.conv_reps)
                res['conv'].append(r)
                log(f"conv {layout} {threads}t: {' '.join(f'{s * 1e3:.1f}' for s in r['seconds'])} ms")
    print(json.dumps(res))


if __name__ == '__main__':
    main()
