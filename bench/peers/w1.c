/*
 * w1.c: a plain-C (C11 + OpenMP) roofline peer of scorekit's W1 workload (bench/workloads.ts):
 * reverse-time CLD sampling of an 8-component 2-D Gaussian mixture with its exact velocity score,
 * by SSCS (Strang splitting: exact OU half-step, Euler score step, exact OU half-step) or by
 * Euler–Maruyama, on the uniform grid from T = 1 to eps = 1e-3.
 *
 * Same arithmetic as scorekit's cpu:float32 backend, operation for operation:
 * - state float32 ([n, 4] values: x then v; stored here as four float32 columns), every update
 *   computed in float64 and rounded once to float32 where scorekit stores a tensor (its fused
 *   kernels compute in float64 and round on the store; its binary ops by a scalar round the scalar
 *   to float32 first);
 * - the OU half-steps in closed form (core/sde/cld.ts kernelAt, core/integrators/sscs.ts), the
 *   score step v ← (1 + c/M)·v + c·s, EM as core/integrators/sde-steppers.ts;
 * - the exact score of the joint (x, v) marginal (core/sde/oracle.ts cldMarginal) by the two-pass
 *   softmax of backends/cpu/mixture-wasm.ts with its exp (core/wasm/exp.ts);
 * - the noise from Threefry-2x32-20 (core/random/threefry.ts), keyed as scorekit keys it
 *   (core/random/key.ts: foldIn; core/integrators/stepper.ts stepNoise), turned into normals as
 *   core/random/distributions.ts fillNormal does: 53-bit uniforms, Box–Muller with the bit-defined
 *   log (core/numerics/log.ts) and cos/sin 2πu (core/numerics/trig.ts), so the normals are the same
 *   bits as scorekit's random.normal(key, shape) (--normals prints them for the check).
 * Build with -ffp-contract=off (no fused multiply-adds): scorekit's JavaScript and WASM never fuse,
 * and the normals are defined by the unfused operation order.
 *
 * Per-step coefficients (OU kernels, score-step constants, the per-component mean, precision
 * factor U = L⁻ᵀ and log-normaliser of the marginal) are computed on the host once per step; the
 * inner loop over particles has no branches or calls, so gcc vectorises it. OpenMP splits the
 * particles into one slice per thread, each thread stepping its slice through all steps (particles
 * are independent: no barrier per step), as scorekit's sampleParallel splits rows across workers.
 *
 * Usage: w1 [--method sscs|em] [--n N] [--steps S] [--grid-steps G] [--reps R] [--warmup W]
 *           [--threads T] [--prior-seed A] [--noise-seed B] [--sample-key S] [--dump FILE]
 *        (keys: prior key(A), noise key(B), as bench/workloads.ts's single-thread runner; or with
 *        --sample-key S, prior and noise split(key(S), 2), as scorekit's sample/sampleParallel)
 *        w1 --normals COUNT [--seed S] [--offset O]   (the normal stream of key(S), one %.17g a line)
 * Prints one JSON object.
 */
#include <math.h>
#include <omp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

enum { D = 2, J = 2 * D, K = 8, NTRI = J * (J + 1) / 2 };

/* ---- Threefry-2x32-20 and keys (core/random/threefry.ts, key.ts) -------------------------------- */

static inline __attribute__((always_inline)) uint32_t rotl32(uint32_t x, int r) { return (x << r) | (x >> (32 - r)); }

#define INLINE static inline __attribute__((always_inline))

INLINE void threefry(uint32_t k0, uint32_t k1, uint32_t c0, uint32_t c1, uint32_t *o0, uint32_t *o1) {
  const uint32_t ks0 = k0, ks1 = k1, ks2 = 0x1bd11bdaU ^ k0 ^ k1;
  uint32_t x0 = c0 + ks0, x1 = c1 + ks1;
#define TF_R(r) x0 += x1; x1 = rotl32(x1, r) ^ x0;
  TF_R(13) TF_R(15) TF_R(26) TF_R(6) x0 += ks1; x1 += ks2 + 1U;
  TF_R(17) TF_R(29) TF_R(16) TF_R(24) x0 += ks2; x1 += ks0 + 2U;
  TF_R(13) TF_R(15) TF_R(26) TF_R(6) x0 += ks0; x1 += ks1 + 3U;
  TF_R(17) TF_R(29) TF_R(16) TF_R(24) x0 += ks1; x1 += ks2 + 4U;
  TF_R(13) TF_R(15) TF_R(26) TF_R(6) x0 += ks2; x1 += ks0 + 5U;
#undef TF_R
  *o0 = x0;
  *o1 = x1;
}

typedef struct { uint32_t k0, k1; } Key;

static Key key_of_seed(uint64_t seed) { return (Key){ (uint32_t)(seed >> 32), (uint32_t)seed }; }
static Key fold_in(Key k, uint32_t data) {
  Key o;
  threefry(k.k0, k.k1, 0xC0000000U, data, &o.k0, &o.k1);
  return o;
}

/* split(k, 2)[i] (key.ts split): how scorekit's sample()/sampleParallel derive the prior and noise keys */
static Key split_key(Key k, uint32_t i) {
  Key o;
  threefry(k.k0, k.k1, 0x80000000U, i, &o.k0, &o.k1);
  return o;
}

/* ---- normals (core/random/distributions.ts, core/numerics/log.ts, trig.ts) ---------------------- */

static double COS_T[257], SIN_T[257];
static const double COS_OCTANT[33] = {
  1, 0.9996988186962042, 0.9987954562051724, 0.9972904566786902, 0.9951847266721969, 0.99247953459871,
  0.989176509964781, 0.9852776423889412, 0.9807852804032304, 0.9757021300385286, 0.970031253194544, 0.9637760657954398,
  0.9569403357322088, 0.9495281805930367, 0.9415440651830208, 0.932992798834739, 0.9238795325112867, 0.9142097557035307,
  0.9039892931234433, 0.8932243011955153, 0.881921264348355, 0.8700869911087115, 0.8577286100002721, 0.8448535652497071,
  0.8314696123025452, 0.8175848131515837, 0.8032075314806449, 0.7883464276266063, 0.773010453362737, 0.7572088465064846,
  0.7409511253549592, 0.724247082951467, 0.7071067811865476,
};
static const double SIN_OCTANT[33] = {
  0, 0.024541228522912288, 0.049067674327418015, 0.07356456359966743, 0.0980171403295606, 0.1224106751992162,
  0.14673047445536175, 0.17096188876030122, 0.19509032201612825, 0.2191012401568698, 0.24298017990326387, 0.26671275747489837,
  0.29028467725446233, 0.3136817403988915, 0.33688985339222005, 0.3598950365349881, 0.3826834323650898, 0.40524131400498986,
  0.4275550934302821, 0.44961132965460654, 0.47139673682599764, 0.49289819222978404, 0.5141027441932217, 0.5349976198870972,
  0.5555702330196022, 0.5758081914178453, 0.5956993044924334, 0.6152315905806268, 0.6343932841636455, 0.6531728429537768,
  0.6715589548470183, 0.6895405447370668, 0.7071067811865475,
};

static void init_tables(void) {
  for (int j = 0; j <= 32; j++) { COS_T[j] = COS_OCTANT[j]; SIN_T[j] = SIN_OCTANT[j]; }
  for (int j = 33; j <= 64; j++) { COS_T[j] = SIN_T[64 - j]; SIN_T[j] = COS_T[64 - j]; }
  for (int j = 65; j <= 256; j++) { COS_T[j] = -SIN_T[j - 64]; SIN_T[j] = COS_T[j - 64]; }
}

INLINE double bits_to_f64(uint64_t b) { double d; memcpy(&d, &b, 8); return d; }
INLINE uint64_t f64_to_bits(double d) { uint64_t b; memcpy(&b, &d, 8); return b; }

#define LN2 0.6931471805599453
#define SQRT2 1.4142135623730951
#define TRIG_P ((2 * 3.141592653589793) / 256)
#define TRIG_S3 (-0.000002464157476448998)
#define TRIG_S5 7.421954185344934e-11
#define TRIG_S7 (-1.0645076452689606e-15)
#define TRIG_C2 (-0.0003011964233730883)
#define TRIG_C4 1.511988090879011e-8
#define TRIG_C6 (-3.0360360343697477e-13)

/*
 * Values 2p and 2p + 1 of key k's normal stream: Threefry blocks 2p (u1) and 2p + 1 (u2),
 * z = √(−2 log(1 − u1))·(cos 2πu2, sin 2πu2). block = 2p must be below 2^32 - 1 (the counter's
 * high word is 0). 67 FLOPs: 6 for the uniforms, 34 log and radius, 27 cos/sin and products.
 */
INLINE void normal_pair(uint32_t k0, uint32_t k1, uint32_t block, double *z0, double *z1) {
  uint32_t a0, a1, b0, b1;
  threefry(k0, k1, 0, block, &a0, &a1);
  threefry(k0, k1, 0, block + 1U, &b0, &b1);
  const double u1 = ((double)(a0 >> 5) * 67108864.0 + (double)(a1 >> 6)) * 0x1p-53;
  const double u2 = ((double)(b0 >> 5) * 67108864.0 + (double)(b1 >> 6)) * 0x1p-53;
  /* log x, x = 1 − u1 ∈ [2⁻⁵³, 1]: x = 2^e·m read off the bits (as the WASM kernel) */
  const double x = 1.0 - u1;
  const uint64_t xb = f64_to_bits(x);
  double e = bits_to_f64((xb >> 52) | 0x4330000000000000ULL) - (4503599627370496.0 + 1023.0);
  double m = bits_to_f64((xb & 0x000fffffffffffffULL) | 0x3ff0000000000000ULL);
  const int big = m > SQRT2;
  const double half = m * 0.5; /* both sides computed, then selected: no conditional arithmetic */
  m = big ? half : m;
  e = e + (big ? 1.0 : 0.0);
  const double f = m - 1.0;
  const double s = f / (2.0 + f);
  const double zz = s * s;
  double p = zz * (1.0 / 21);
  p = (p + 1.0 / 19) * zz; p = (p + 1.0 / 17) * zz; p = (p + 1.0 / 15) * zz; p = (p + 1.0 / 13) * zz;
  p = (p + 1.0 / 11) * zz; p = (p + 1.0 / 9) * zz; p = (p + 1.0 / 7) * zz; p = (p + 1.0 / 5) * zz;
  p = (p + 1.0 / 3) * zz;
  p = p + 1.0;
  const double r = sqrt(-2.0 * (e * LN2 + (s + s) * p));
  /* cos 2πu2, sin 2πu2: j = ⌊256u + ½⌋ (u ≥ 0: truncation is the floor), ρ = 256u − j */
  const double y = u2 * 256.0;
  const int j = (int)(y + 0.5);
  const double rr = y - (double)j;
  const double r2 = rr * rr;
  const double sn = (((r2 * TRIG_S7 + TRIG_S5) * r2 + TRIG_S3) * r2 + TRIG_P) * rr;
  const double w = ((r2 * TRIG_C6 + TRIG_C4) * r2 + TRIG_C2) * r2;
  const double c0 = COS_T[j], s0 = SIN_T[j];
  *z0 = r * (c0 + (c0 * w - s0 * sn));
  *z1 = r * (s0 + (s0 * w + c0 * sn));
}
#define FLOPS_NORMAL_PAIR 67

/* ---- e^x for x ≤ 0 (core/wasm/exp.ts) ----------------------------------------------------------- */

#define LN2_HI 0.6931467056274414
#define LN2_LO 4.7493250390316726e-7
#define INV_LN2 1.4426950408889634
static const double TAYLOR[14] = {
  1.0 / 1, 1.0 / 1, 1.0 / 2, 1.0 / 6, 1.0 / 24, 1.0 / 120, 1.0 / 720, 1.0 / 5040, 1.0 / 40320, 1.0 / 362880,
  1.0 / 3628800, 1.0 / 39916800, 1.0 / 479001600, 1.0 / 6227020800,
};

/* 35 FLOPs. */
INLINE double exp_nonpositive(double x) {
  x = x > -708.0 ? x : -708.0;
  const double t = x * INV_LN2;
  const double n = (t + 6755399441055744.0) - 6755399441055744.0; /* nearest, ties to even (|t| ≤ 1022) */
  const double r = (x - n * LN2_HI) - n * LN2_LO;
  double p = TAYLOR[13];
#pragma GCC unroll 13
  for (int k = 12; k >= 0; k--) p = p * r + TAYLOR[k];
  return p * bits_to_f64(f64_to_bits(n + (4503599627370496.0 + 1023.0)) << 52);
}

/* ---- the per-step coefficients (host, float64) -------------------------------------------------- */

/* CLD defaults (core/sde/cld.ts): M = 0.25, Γ = 2√M = 1, β(t) = 4, γ = 0.04; T = 1, eps = 1e-3 */
static const double CLD_M = 0.25, CLD_BETA0 = 4, CLD_BETA1 = 0, CLD_GAMMA_V = 0.04, GRID_T = 1, GRID_EPS = 1e-3;
static double cld_gamma(void) { return 2 * sqrt(CLD_M); }
static double beta_at(double t) { return CLD_BETA0 + CLD_BETA1 * t; }
static double B_at(double t) { return CLD_BETA0 * t + 0.5 * CLD_BETA1 * t * t; }

typedef struct { double mxx, mxv, mvx, mvv, Sxx, Sxv, Svv, L11, L21, L22; } Kern;

/* E_3(y) = e^y − 1 − y − y²/2 (core/numerics/series.ts expRemainder) */
static double exp_remainder3(double y) {
  if (fabs(y) >= 1) {
    double s = exp(y), term = 1;
    for (int k = 0; k < 3; k++) { s -= term; term *= y / (k + 1); }
    return s;
  }
  double term = 1;
  for (int k = 1; k <= 3; k++) term *= y / k;
  double s = 0;
  for (int k = 3; k < 43; k++) {
    s += term;
    if (fabs(term) <= 1e-18 * fabs(s)) break;
    term *= y / (k + 1);
  }
  return s;
}

/* The CLD kernel over β-integral b from diag(S0xx, S0vv) (cld.ts kernelAt, ε = 0). */
static Kern kernel_at(double b, double S0xx, double S0vv) {
  const double G = cld_gamma(), G2 = G * G;
  const double y = (4 * b) / G;
  const double eh = exp(-y / 2);
  const double e = eh * eh;
  Kern k;
  k.Sxx = e * (exp_remainder3(y) + S0xx * (1 + y + (y * y) / 4) + (y * y * S0vv) / G2);
  k.Sxv = e * (-b * S0xx + (4 * b * S0vv) / G2 - (2 * b * b * (S0xx - 2)) / G - (8 * b * b * S0vv) / (G2 * G));
  k.Svv = e * ((G2 / 4) * (expm1(y) + y - (y * y) / 2) + S0vv * ((1 - y / 2) * (1 - y / 2)) + b * b * S0xx);
  k.L11 = sqrt(k.Sxx);
  k.L21 = k.Sxv / k.L11;
  k.L22 = sqrt(k.Svv - k.L21 * k.L21);
  k.mxx = eh * (1 + y / 2);
  k.mxv = (eh * 4 * b) / G2;
  k.mvx = -eh * b;
  k.mvv = eh * (1 - y / 2);
  return k;
}

/* The OU half-step's coefficients as scorekit passes them to linearCombination. */
typedef struct { double xx, xv, xz, vx, vv, vzv, vzx; } Flow;
static Flow flow_of(double b) {
  const Kern k = kernel_at(b, 0, 0);
  return (Flow){ k.mxx, -k.mxv, k.L11, -k.mvx, k.mvv, k.L22, -k.L21 };
}

/* The joint marginal p_t(x, v) as the fused score kernel's parameters (oracle.ts cldMarginal, gmm.ts). */
typedef struct { double mu[K][J]; double U[K][NTRI]; double logNorm[K]; } Mix;

static void marginal_at(double t, Mix *out) {
  const Kern k = kernel_at(B_at(t), 0, CLD_GAMMA_V * CLD_M);
  for (int c = 0; c < K; c++) {
    const double mu0 = 2 * cos((c * 3.141592653589793) / 4), mu1 = 2 * sin((c * 3.141592653589793) / 4);
    const double S[2][2] = { { 0.01, 0 }, { 0, 0.01 } };
    double C[J][J];
    for (int a = 0; a < D; a++) {
      for (int b = 0; b < D; b++) {
        C[a][b] = k.mxx * k.mxx * S[a][b];
        C[a][D + b] = k.mxx * k.mvx * S[a][b];
        C[D + a][b] = k.mvx * k.mxx * S[a][b];
        C[D + a][D + b] = k.mvx * k.mvx * S[a][b];
      }
      C[a][a] += k.Sxx;
      C[a][D + a] += k.Sxv;
      C[D + a][a] += k.Sxv;
      C[D + a][D + a] += k.Svv;
    }
    const double mu[J] = { k.mxx * mu0, k.mxx * mu1, k.mvx * mu0, k.mvx * mu1 };
    double L[J][J] = { { 0 } }, X[J][J] = { { 0 } };
    for (int i = 0; i < J; i++) {
      for (int j = 0; j <= i; j++) {
        double s = C[i][j];
        for (int q = 0; q < j; q++) s -= L[i][q] * L[j][q];
        if (i == j) L[i][i] = sqrt(s);
        else L[i][j] = s / L[j][j];
      }
    }
    for (int j = 0; j < J; j++) {
      X[j][j] = 1 / L[j][j];
      for (int i = j + 1; i < J; i++) {
        double s = 0;
        for (int q = j; q < i; q++) s -= L[i][q] * X[q][j];
        X[i][j] = s / L[i][i];
      }
    }
    double ld = 0;
    for (int i = 0; i < J; i++) ld += log(L[i][i]);
    out->logNorm[c] = log(1.0 / 8) - 0.5 * (2 * ld) - (J / 2.0) * log(2 * 3.141592653589793);
    for (int a = 0; a < J; a++) out->mu[c][a] = mu[a];
    int q = 0;
    for (int a = 0; a < J; a++) for (int j = a; j < J; j++) out->U[c][q++] = X[j][a]; /* U = L⁻ᵀ, U[a][j] = X[j][a] */
  }
}

typedef struct {
  Flow k1, k2;        /* SSCS: the two OU half-steps */
  double cv, c;       /* SSCS score step: v ← cv·v + c·s */
  float fx, fnb, fvv, fs, fg; /* EM: the float32 scalars of the reverse drift and the diffusion */
  double mh, sh;      /* EM: −h and √h */
  Key kz0, kz1;       /* the step's noise keys */
  Mix mix;            /* the score's marginal at the score time */
} Step;

static void time_grid(int steps, double *g) {
  for (int i = 0; i <= steps; i++) g[i] = GRID_T - (GRID_T - GRID_EPS) * ((double)i / steps);
  g[steps] = GRID_EPS;
}

static void step_params(int em, int i, double t, double tn, Key noise, Step *s) {
  const double h = t - tn, G = cld_gamma(), Minv = 1 / CLD_M;
  if (em) {
    const double bt = beta_at(t);
    s->fx = (float)(Minv * bt);
    s->fnb = (float)(-bt);
    s->fvv = (float)(G * Minv * bt);
    s->fs = (float)(2 * G * bt * 1);
    s->fg = (float)sqrt(2 * G * bt);
    s->mh = -h;
    s->sh = sqrt(fabs(h));
    s->kz0 = fold_in(noise, (uint32_t)i);
    marginal_at(t, &s->mix);
  } else {
    const double mid = t - h / 2;
    s->k1 = flow_of(B_at(t) - B_at(mid));
    s->k2 = flow_of(B_at(mid) - B_at(tn));
    s->c = 2 * G * beta_at(mid) * h;
    s->cv = 1 + s->c / CLD_M;
    const Key ki = fold_in(noise, (uint32_t)i);
    s->kz0 = fold_in(ki, 0);
    s->kz1 = fold_in(ki, 1);
    marginal_at(mid, &s->mix);
  }
}

/* ---- the particle kernels ------------------------------------------------------------------------ */

/*
 * ∇_v log p(u) of the joint mixture for one point (mixture-wasm.ts: pass 1 logits and columns,
 * pass 2 softmax-weighted sum). 618 FLOPs: per component 36 (pass 1) + 41 (pass 2), and 2 divisions.
 */
INLINE void score_v(const Mix *restrict mx, double u0, double u1, double u2, double u3, float *s2, float *s3) {
  double lg[K], c2[K], c3[K], top = -INFINITY;
#pragma GCC unroll 8
  for (int c = 0; c < K; c++) {
    const double *U = mx->U[c], *mu = mx->mu[c];
    const double d0 = u0 - mu[0], d1 = u1 - mu[1], d2 = u2 - mu[2], d3 = u3 - mu[3];
    /* U's upper triangle in storage order: (0,0) (0,1) (0,2) (0,3) (1,1) (1,2) (1,3) (2,2) (2,3) (3,3) */
    const double z0 = d0 * U[0];
    const double z1 = d0 * U[1] + d1 * U[4];
    const double z2 = (d0 * U[2] + d1 * U[5]) + d2 * U[7];
    const double z3 = ((d0 * U[3] + d1 * U[6]) + d2 * U[8]) + d3 * U[9];
    const double l = mx->logNorm[c] - 0.5 * (((z0 * z0 + z1 * z1) + z2 * z2) + z3 * z3);
    lg[c] = l;
    c2[c] = (0.0 - z2 * U[7]) - z3 * U[8];
    c3[c] = 0.0 - z3 * U[9];
    top = top > l ? top : l;
  }
  double s = 0, a2 = 0, a3 = 0;
#pragma GCC unroll 8
  for (int c = 0; c < K; c++) {
    const double w = exp_nonpositive(lg[c] - top);
    s = w + s;
    a2 = a2 + w * c2[c];
    a3 = a3 + w * c3[c];
  }
  *s2 = (float)(a2 / s);
  *s3 = (float)(a3 / s);
}
#define FLOPS_SCORE 618

/* One OU half-step (sscsLinearFlow): 12 FLOPs. */
INLINE void ou_flow(const Flow *restrict k, float *x0, float *x1, float *v0, float *v1, double zx0, double zx1, double zv0, double zv1) {
  const double a0 = *x0, a1 = *x1, b0 = *v0, b1 = *v1;
  const float fzx0 = (float)zx0, fzx1 = (float)zx1, fzv0 = (float)zv0, fzv1 = (float)zv1;
  *x0 = (float)((k->xx * a0 + k->xv * b0) + k->xz * fzx0);
  *x1 = (float)((k->xx * a1 + k->xv * b1) + k->xz * fzx1);
  *v0 = (float)(((k->vx * a0 + k->vv * b0) + k->vzv * fzv0) + k->vzx * fzx0);
  *v1 = (float)(((k->vx * a1 + k->vv * b1) + k->vzv * fzv1) + k->vzx * fzx1);
}

/* SSCS over rows [lo, hi): 4·67 (normals) + 2·12 (OU) + 618 (score) + 6 (score step) = 916 FLOPs a particle. */
static void sscs_rows(const Step *restrict st, float *restrict X0, float *restrict X1, float *restrict V0, float *restrict V1, long lo, long hi) {
  const uint32_t a0 = st->kz0.k0, a1 = st->kz0.k1, b0 = st->kz1.k0, b1 = st->kz1.k1;
  for (long r = lo; r < hi; r++) {
    float x0 = X0[r], x1 = X1[r], v0 = V0[r], v1 = V1[r];
    double p, q, zx0, zx1, zv0, zv1;
    const uint32_t blk = 4U * (uint32_t)r; /* row r of an [n, 4] draw: values 4r … 4r + 3 */
    normal_pair(a0, a1, blk, &zx0, &zx1);
    normal_pair(a0, a1, blk + 2U, &zv0, &zv1);
    ou_flow(&st->k1, &x0, &x1, &v0, &v1, zx0, zx1, zv0, zv1);
    float s2, s3;
    score_v(&st->mix, x0, x1, v0, v1, &s2, &s3);
    v0 = (float)(st->cv * (double)v0 + st->c * (double)s2);
    v1 = (float)(st->cv * (double)v1 + st->c * (double)s3);
    normal_pair(b0, b1, blk, &p, &q);
    normal_pair(b0, b1, blk + 2U, &zv0, &zv1);
    ou_flow(&st->k2, &x0, &x1, &v0, &v1, p, q, zv0, zv1);
    X0[r] = x0; X1[r] = x1; V0[r] = v0; V1[r] = v1;
  }
}
#define FLOPS_SSCS (4 * FLOPS_NORMAL_PAIR + 2 * 12 + FLOPS_SCORE + 6)

/*
 * Euler–Maruyama over rows [lo, hi) (eulerMaruyama with cld.reverseDrift and applyDiffusion). The
 * step's draw is [n, 4] but only its v columns enter (G is zero on x), so only values 4r + 2 and
 * 4r + 3 are generated: 67 (normals) + 618 (score) + 2·(1 + 3 + 2) (drift) + 2 (G z) + 4·5 (update) = 719.
 */
static void em_rows(const Step *restrict st, float *restrict X0, float *restrict X1, float *restrict V0, float *restrict V1, long lo, long hi) {
  const uint32_t a0 = st->kz0.k0, a1 = st->kz0.k1;
  const double fx = st->fx, fnb = st->fnb, fvv = st->fvv, fs = st->fs, fg = st->fg, mh = st->mh, sh = st->sh;
  for (long r = lo; r < hi; r++) {
    const float x0 = X0[r], x1 = X1[r], v0 = V0[r], v1 = V1[r];
    double zv0, zv1;
    normal_pair(a0, a1, 4U * (uint32_t)r + 2U, &zv0, &zv1);
    float s2, s3;
    score_v(&st->mix, x0, x1, v0, v1, &s2, &s3);
    const float fx0 = (float)(v0 * fx), fx1 = (float)(v1 * fx);
    const float fv0 = (float)((double)(float)(x0 * fnb) - (double)(float)(v0 * fvv));
    const float fv1 = (float)((double)(float)(x1 * fnb) - (double)(float)(v1 * fvv));
    const float gv0 = (float)(fv0 - (double)(float)(s2 * fs)), gv1 = (float)(fv1 - (double)(float)(s3 * fs));
    const float g0 = (float)((double)(float)zv0 * fg), g1 = (float)((double)(float)zv1 * fg);
    X0[r] = (float)((1.0 * x0 + mh * fx0) + sh * 0.0);
    X1[r] = (float)((1.0 * x1 + mh * fx1) + sh * 0.0);
    V0[r] = (float)((1.0 * v0 + mh * gv0) + sh * g0);
    V1[r] = (float)((1.0 * v1 + mh * gv1) + sh * g1);
  }
}
#define FLOPS_EM (FLOPS_NORMAL_PAIR + FLOPS_SCORE + 2 * (1 + 3 + 2) + 2 + 4 * 5)

/* The prior (cld.priorSample): u = (z_x, √M·z_v), z = normal(key, [n, 4]) in float32. */
static void prior_rows(Key k, float *restrict X0, float *restrict X1, float *restrict V0, float *restrict V1, long lo, long hi) {
  for (long r = lo; r < hi; r++) {
    double z0, z1, z2, z3;
    normal_pair(k.k0, k.k1, 4U * (uint32_t)r, &z0, &z1);
    normal_pair(k.k0, k.k1, 4U * (uint32_t)r + 2U, &z2, &z3);
    X0[r] = (float)z0;
    X1[r] = (float)z1;
    V0[r] = (float)((double)(float)z2 * 0.5);
    V1[r] = (float)((double)(float)z3 * 0.5);
  }
}

/* ---- the driver ---------------------------------------------------------------------------------- */

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + 1e-9 * ts.tv_nsec;
}

static int cmp_d(const void *a, const void *b) {
  const double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

static void usage_exit(const char *msg, const char *arg) {
  fprintf(stderr, "w1: %s%s%s (usage: w1 [--method sscs|em] [--n N] [--steps S] [--grid-steps G] [--reps R] [--warmup W] [--threads T] [--prior-seed A] [--noise-seed B] [--sample-key S] [--dump FILE] | --normals COUNT [--seed S] [--offset O])\n",
          msg, arg ? ": " : "", arg ? arg : "");
  exit(2);
}

static long parse_long(const char *s, const char *name, long lo, long hi) {
  char *end;
  if (!s) usage_exit("missing value for", name);
  const long v = strtol(s, &end, 10);
  if (*s == '\0' || *end != '\0' || v < lo || v > hi) usage_exit("bad value for", name);
  return v;
}

typedef struct { float *X0, *X1, *V0, *V1; } State;

/* One timed run: the prior, the steps, and the check value mean |u| (scorekit's runner reads it back). */
static double run_once(int em, long n, int steps, int grid_steps, int threads, Key prior, Key noise, State S, double *check) {
  const double t0 = now();
  double *g = malloc(sizeof(double) * (grid_steps + 1));
  Step *st = malloc(sizeof(Step) * (steps > 0 ? steps : 1));
  time_grid(grid_steps, g);
  for (int i = 0; i < steps; i++) step_params(em, i, g[i], g[i + 1], noise, &st[i]);
  double acc = 0;
#pragma omp parallel num_threads(threads) reduction(+ : acc)
  {
    const int tid = omp_get_thread_num(), nt = omp_get_num_threads();
    const long lo = (n * tid) / nt, hi = (n * (tid + 1)) / nt;
    prior_rows(prior, S.X0, S.X1, S.V0, S.V1, lo, hi);
    for (int i = 0; i < steps; i++) {
      if (em) em_rows(&st[i], S.X0, S.X1, S.V0, S.V1, lo, hi);
      else sscs_rows(&st[i], S.X0, S.X1, S.V0, S.V1, lo, hi);
    }
    for (long r = lo; r < hi; r++) acc += (double)fabsf(S.X0[r]) + fabsf(S.X1[r]) + fabsf(S.V0[r]) + fabsf(S.V1[r]);
  }
  *check = acc / (4.0 * n);
  free(st);
  free(g);
  return now() - t0;
}

int main(int argc, char **argv) {
  init_tables();
  const char *method = "sscs", *dump = NULL;
  long n = 100000, steps = 100, grid_steps = -1, reps = 3, warmup = 1, threads = 1, prior_seed = 1, noise_seed = 2;
  long normals = -1, seed = 0, offset = 0, sample_key = -1;
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
    if (!strcmp(a, "--method")) {
      if (!v || (strcmp(v, "sscs") && strcmp(v, "em"))) usage_exit("--method must be sscs or em, got", v ? v : "nothing");
      method = v; i++;
    } else if (!strcmp(a, "--n")) { n = parse_long(v, a, 1, 1L << 28); i++; }
    else if (!strcmp(a, "--steps")) { steps = parse_long(v, a, 1, 1000000); i++; }
    else if (!strcmp(a, "--grid-steps")) { grid_steps = parse_long(v, a, 1, 1000000); i++; }
    else if (!strcmp(a, "--reps")) { reps = parse_long(v, a, 1, 1000); i++; }
    else if (!strcmp(a, "--warmup")) { warmup = parse_long(v, a, 0, 1000); i++; }
    else if (!strcmp(a, "--threads")) { threads = parse_long(v, a, 1, 1024); i++; }
    else if (!strcmp(a, "--prior-seed")) { prior_seed = parse_long(v, a, 0, (1L << 53) - 1); i++; }
    else if (!strcmp(a, "--noise-seed")) { noise_seed = parse_long(v, a, 0, (1L << 53) - 1); i++; }
    else if (!strcmp(a, "--sample-key")) { sample_key = parse_long(v, a, 0, (1L << 53) - 1); i++; }
    else if (!strcmp(a, "--dump")) { if (!v) usage_exit("missing value for", a); dump = v; i++; }
    else if (!strcmp(a, "--normals")) { normals = parse_long(v, a, 1, 1L << 28); i++; }
    else if (!strcmp(a, "--seed")) { seed = parse_long(v, a, 0, (1L << 53) - 1); i++; }
    else if (!strcmp(a, "--offset")) { offset = parse_long(v, a, 0, 1L << 30); i++; }
    else usage_exit("unknown option", a);
  }
  if (normals > 0) {
    /* values offset … offset + normals − 1 of key(seed)'s stream */
    const Key k = key_of_seed((uint64_t)seed);
    for (long j = offset - (offset & 1); j < offset + normals; j += 2) {
      double z0, z1;
      normal_pair(k.k0, k.k1, (uint32_t)j, &z0, &z1);
      if (j >= offset) printf("%.17g\n", z0);
      if (j + 1 < offset + normals) printf("%.17g\n", z1);
    }
    return 0;
  }
  if (grid_steps < 0) grid_steps = steps;
  if (steps > grid_steps) usage_exit("--steps must not exceed --grid-steps", NULL);
  const int em = !strcmp(method, "em");
  State S = { malloc(sizeof(float) * n), malloc(sizeof(float) * n), malloc(sizeof(float) * n), malloc(sizeof(float) * n) };
  /* bench/workloads.ts's single-thread runner: prior key(A), noise key(B); its sampleParallel runner
     (--sample-key S): prior and noise = split(key(S), 2), as core/integrators/sample.ts */
  const Key prior = sample_key >= 0 ? split_key(key_of_seed((uint64_t)sample_key), 0) : key_of_seed((uint64_t)prior_seed);
  const Key noise = sample_key >= 0 ? split_key(key_of_seed((uint64_t)sample_key), 1) : key_of_seed((uint64_t)noise_seed);
  double check = 0;
  for (long w = 0; w < warmup; w++) run_once(em, n, (int)steps, (int)grid_steps, (int)threads, prior, noise, S, &check);
  double *secs = malloc(sizeof(double) * reps), *sorted = malloc(sizeof(double) * reps);
  for (long r = 0; r < reps; r++) secs[r] = run_once(em, n, (int)steps, (int)grid_steps, (int)threads, prior, noise, S, &check);
  memcpy(sorted, secs, sizeof(double) * reps);
  qsort(sorted, reps, sizeof(double), cmp_d);
  const double med = reps % 2 ? sorted[reps / 2] : 0.5 * (sorted[reps / 2 - 1] + sorted[reps / 2]);
  /* moments of the final x (float64 sums, unbiased covariance) */
  double m0 = 0, m1 = 0, c00 = 0, c01 = 0, c11 = 0;
  for (long r = 0; r < n; r++) { m0 += S.X0[r]; m1 += S.X1[r]; }
  m0 /= n; m1 /= n;
  for (long r = 0; r < n; r++) {
    const double a = S.X0[r] - m0, b = S.X1[r] - m1;
    c00 += a * a; c01 += a * b; c11 += b * b;
  }
  const double dn = n > 1 ? (double)(n - 1) : 1.0;
  c00 /= dn; c01 /= dn; c11 /= dn;
  if (dump) {
    /* the final state as scorekit holds it: [n, 4] float32 rows, little-endian */
    FILE *f = fopen(dump, "wb");
    if (!f) { fprintf(stderr, "w1: cannot write %s\n", dump); return 1; }
    for (long r = 0; r < n; r++) {
      const float row[4] = { S.X0[r], S.X1[r], S.V0[r], S.V1[r] };
      fwrite(row, sizeof(float), 4, f);
    }
    fclose(f);
  }
  const double items = (double)n * steps;
  printf("{\"method\":\"%s\",\"n\":%ld,\"steps\":%ld,\"gridSteps\":%ld,\"threads\":%ld,\"reps\":%ld,\"warmup\":%ld,\"seconds\":[", method, n, steps, grid_steps, threads, reps, warmup);
  for (long r = 0; r < reps; r++) printf("%s%.6g", r ? "," : "", secs[r]);
  printf("],\"throughput\":{\"min\":%.6g,\"median\":%.6g,\"max\":%.6g},", items / sorted[reps - 1], items / med, items / sorted[0]);
  printf("\"flopsPerParticleStep\":%d,\"threefryBlocksPerParticleStep\":%d,\"stateBytesPerParticleStep\":%d,",
         em ? FLOPS_EM : FLOPS_SSCS, em ? 2 : 8, 2 * 4 * J);
  printf("\"check\":%.9g,\"mean\":[%.9g,%.9g],\"cov\":[[%.9g,%.9g],[%.9g,%.9g]],", check, m0, m1, c00, c01, c01, c11);
  if (sample_key >= 0) printf("\"sampleKey\":%ld}\n", sample_key);
  else printf("\"priorSeed\":%ld,\"noiseSeed\":%ld}\n", prior_seed, noise_seed);
  free(secs); free(sorted);
  free(S.X0); free(S.X1); free(S.V0); free(S.V1);
  return 0;
}
