/*
 * peaks.c: the machine's measured peaks, the roof of bench/roofline.ts.
 * - FMA: independent accumulator chains acc ← acc·m + a, as GCC vector types of 256 and 512 bits
 *   (16 chains each, enough to cover the FMA latency on every FMA pipe), float32 and float64;
 *   2 FLOPs per lane per FMA. The faster width is the peak (some cores split 512-bit operations).
 * - STREAM-like triad a[i] = b[i] + s·c[i] over float64 arrays much larger than the last-level
 *   cache, counted as STREAM counts it (24 bytes an element: two loads, one store; the store's
 *   write-allocate read is not counted).
 * Each measurement is repeated --reps times; OpenMP runs --threads copies of the FMA loop (one per
 * thread) and splits the triad's elements. Build: gcc -O3 -march=native -fopenmp -std=gnu11
 * -ffp-contract=fast (the vector expressions must become FMAs).
 *
 * Usage: peaks [--threads T] [--reps R] [--triad-mib MiB per array] [--fma-iters N] [--triad-passes P]
 * Prints one JSON object.
 */
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define CHAINS 16

typedef float v8f __attribute__((vector_size(32)));
typedef float v16f __attribute__((vector_size(64)));
typedef double v4d __attribute__((vector_size(32)));
typedef double v8d __attribute__((vector_size(64)));

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + 1e-9 * ts.tv_nsec;
}

/* volatile sources, so the compiler can neither fold the chains nor hoist them */
static volatile float VM32 = 0.9999999f, VA32 = 1e-7f;
static volatile double VM64 = 0.9999999999, VA64 = 1e-10;
static volatile double SINK;

/* One kernel per (type, width): iters × CHAINS FMAs of width-W vectors. Returns a sum so the work is kept. */
#define FMA_KERNEL(NAME, VT, ST, VM, VA)                                              \
  static double NAME(long iters) {                                                    \
    const ST m0 = VM, a0 = VA;                                                        \
    VT m, a, acc[CHAINS];                                                             \
    for (unsigned l = 0; l < sizeof(VT) / sizeof(ST); l++) { m[l] = m0; a[l] = a0; } \
    for (int c = 0; c < CHAINS; c++) acc[c] = a * (ST)(c + 1);                        \
    for (long i = 0; i < iters; i++) {                                                \
      _Pragma("GCC unroll 16") for (int c = 0; c < CHAINS; c++) acc[c] = acc[c] * m + a; \
    }                                                                                 \
    VT s = acc[0];                                                                    \
    for (int c = 1; c < CHAINS; c++) s += acc[c];                                     \
    double out = 0;                                                                   \
    for (unsigned l = 0; l < sizeof(VT) / sizeof(ST); l++) out += s[l];               \
    return out;                                                                       \
  }
FMA_KERNEL(fma_f32_256, v8f, float, VM32, VA32)
FMA_KERNEL(fma_f32_512, v16f, float, VM32, VA32)
FMA_KERNEL(fma_f64_256, v4d, double, VM64, VA64)
FMA_KERNEL(fma_f64_512, v8d, double, VM64, VA64)

typedef double (*FmaFn)(long);

/* GFLOP/s of `threads` concurrent copies of the kernel, each `iters` iterations. */
static double fma_gflops(FmaFn f, int lanes, long iters, int threads) {
  double sink = 0;
  const double t0 = now();
#pragma omp parallel num_threads(threads) reduction(+ : sink)
  sink += f(iters);
  const double t = now() - t0;
  SINK = sink;
  return 2.0 * lanes * CHAINS * (double)iters * threads / t / 1e9;
}

static int cmp_d(const void *a, const void *b) {
  const double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

static void stats(const double *v, int n, double out[3]) {
  double *s = malloc(sizeof(double) * n);
  memcpy(s, v, sizeof(double) * n);
  qsort(s, n, sizeof(double), cmp_d);
  out[0] = s[0];
  out[1] = n % 2 ? s[n / 2] : 0.5 * (s[n / 2 - 1] + s[n / 2]);
  out[2] = s[n - 1];
  free(s);
}

static void print_stat(const char *name, const double *v, int n, int last) {
  double s[3];
  stats(v, n, s);
  printf("\"%s\":{\"min\":%.6g,\"median\":%.6g,\"max\":%.6g,\"values\":[", name, s[0], s[1], s[2]);
  for (int i = 0; i < n; i++) printf("%s%.6g", i ? "," : "", v[i]);
  printf("]}%s", last ? "" : ",");
}

static void usage_exit(const char *msg, const char *arg) {
  fprintf(stderr, "peaks: %s%s%s (usage: peaks [--threads T] [--reps R] [--triad-mib M] [--fma-iters N] [--triad-passes P])\n", msg, arg ? ": " : "", arg ? arg : "");
  exit(2);
}

static long parse_long(const char *s, const char *name, long lo, long hi) {
  char *end;
  if (!s) usage_exit("missing value for", name);
  const long v = strtol(s, &end, 10);
  if (*s == '\0' || *end != '\0' || v < lo || v > hi) usage_exit("bad value for", name);
  return v;
}

int main(int argc, char **argv) {
  long threads = 1, reps = 3, triad_mib = 256, fma_iters = 50000000, passes = 5;
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
    if (!strcmp(a, "--threads")) threads = parse_long(v, a, 1, 1024);
    else if (!strcmp(a, "--reps")) reps = parse_long(v, a, 1, 1000);
    else if (!strcmp(a, "--triad-mib")) triad_mib = parse_long(v, a, 1, 1L << 20);
    else if (!strcmp(a, "--fma-iters")) fma_iters = parse_long(v, a, 1, 1L << 40);
    else if (!strcmp(a, "--triad-passes")) passes = parse_long(v, a, 1, 1000);
    else usage_exit("unknown option", a);
    i++;
  }
  const int T = (int)threads, R = (int)reps;
  struct { const char *name; FmaFn f; int lanes; } K[4] = {
    { "f32x8", fma_f32_256, 8 }, { "f32x16", fma_f32_512, 16 }, { "f64x4", fma_f64_256, 4 }, { "f64x8", fma_f64_512, 8 },
  };
  double *g = malloc(sizeof(double) * 4 * R);
  for (int k = 0; k < 4; k++) fma_gflops(K[k].f, K[k].lanes, fma_iters / 10 + 1, T); /* warm-up (clocks, pages) */
  for (int r = 0; r < R; r++)
    for (int k = 0; k < 4; k++) g[k * R + r] = fma_gflops(K[k].f, K[k].lanes, fma_iters, T);

  /* triad over three arrays of triad_mib MiB each, first touched by the threads that use them */
  const long n = triad_mib * (1L << 20) / (long)sizeof(double);
  double *A = malloc(sizeof(double) * n), *B = malloc(sizeof(double) * n), *C = malloc(sizeof(double) * n);
  if (!A || !B || !C) { fprintf(stderr, "peaks: cannot allocate 3 × %ld MiB\n", triad_mib); return 1; }
  volatile double vs = 3.0;
  const double s = vs;
#pragma omp parallel for num_threads(T) schedule(static)
  for (long i = 0; i < n; i++) { A[i] = 0; B[i] = 1; C[i] = 2; }
  double *bw = malloc(sizeof(double) * R);
  for (int r = -1; r < R; r++) {
    const double t0 = now();
    for (long p = 0; p < passes; p++) {
#pragma omp parallel for num_threads(T) schedule(static)
      for (long i = 0; i < n; i++) A[i] = B[i] + s * C[i];
    }
    const double t = now() - t0;
    if (r >= 0) bw[r] = 24.0 * (double)n * passes / t / 1e9; /* r = −1: warm-up */
  }
  SINK = A[n / 2];
  printf("{\"threads\":%d,\"reps\":%d,\"fmaChains\":%d,\"fmaIters\":%ld,\"triadMiBPerArray\":%ld,\"triadPasses\":%ld,\"fmaGflops\":{", T, R, CHAINS, fma_iters, triad_mib, passes);
  for (int k = 0; k < 4; k++) print_stat(K[k].name, g + k * R, R, k == 3);
  printf("},\"triadGBs\":{");
  print_stat("f64", bw, R, 1);
  printf("}}\n");
  free(A); free(B); free(C); free(g); free(bw);
  return 0;
}
