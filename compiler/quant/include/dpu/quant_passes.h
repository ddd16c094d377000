/* The pieces of dpu_quantize_graph one by one, for tests and for tools that want one step:
 * the float graph preparation passes, cross-layer equalization, the calibration histogram
 * and its range estimators, and the scale rules. docs/quantization.md gives the math.
 */
#ifndef DPU_QUANT_PASSES_H
#define DPU_QUANT_PASSES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dpu/err.h"
#include "dpu/graph.h"
#include "dpu/quant.h"

/* --- Float graph preparation. Each takes a verified float graph and leaves a verified one
 * (the function runs dpu_graph_verify before returning). --- */

/* Gemm -> FullyConnected: A [M, K] activation with transA = 0, B constant, C absent or a
 * constant broadcasting along rows; alpha folds into the weights, beta into the bias. Other
 * Gemms are refused naming the node (FullyConnected cannot express them). */
int dpu_qprep_gemm_to_fc(struct dpu_graph *g, struct dpu_diag *d);

/* BatchNorm after a Conv2D/FullyConnected whose output only it reads: the producer's weights
 * and bias absorb it (w' = w a, b' = (b - mean) a + beta, a = gamma / sqrt(var + eps),
 * in double, rounded to float once). A BatchNorm with nothing to fold into becomes
 * Mul(x, a) and Add(., b') with per-channel constants. */
int dpu_qprep_fold_batchnorm(struct dpu_graph *g, struct dpu_diag *d);

/* Nodes whose inputs are all constants are evaluated (float reference interpreter) and
 * replaced by their result, except those producing a graph output. */
int dpu_qprep_fold_constants(struct dpu_graph *g, struct dpu_diag *d);

/* Reshape/Flatten that do not change the shape are removed; chains of them collapse into one
 * Reshape with the final shape. Graph outputs keep their names. */
int dpu_qprep_remove_reshapes(struct dpu_graph *g, struct dpu_diag *d);

/* Cross-layer equalization of Conv2D pairs (conv1 -> [Relu | Relu6 with relu6] -> conv2,
 * conv1's output read only by the pair): per channel i of the link, conv1's output channel i
 * is divided by s_i = sqrt(r1_i / r2_i) and conv2's input channel i multiplied by it, so that
 * both weight ranges become sqrt(r1_i r2_i). Groups (depthwise) are followed channel by
 * channel. Iterated over all pairs up to `iterations` times or until no scale moves by more
 * than 1e-6. *pairs (may be NULL) receives the number of pairs equalized. */
int dpu_qpass_cle(struct dpu_graph *g, bool relu6, int iterations, size_t *pairs,
                  struct dpu_diag *d);
/* The same, and with calibration samples (calib non-NULL; the first calib_count, 0: all) and
 * relu6 false, also across Relu6 while respecting its clamp: the float graph runs once on the
 * samples, a channel whose Relu6 input reached 6 keeps its scale 1, and every other channel
 * is scaled no further than keeps its values below 6 (docs/quantization.md). */
int dpu_qpass_cle_data(struct dpu_graph *g, bool relu6, const struct dpu_calib_set *calib,
                       size_t calib_count, int iterations, size_t *pairs, struct dpu_diag *d);

/* --- Calibration statistics --- */

#define DPU_QHIST_BINS 2048

/* Running statistics of one tensor: exact min/max, and a histogram of |x| with separate
 * counts for positive and negative values over [0, width * DPU_QHIST_BINS). The width
 * doubles (merging bin pairs, exact) whenever a value beyond the range arrives; exact zeros
 * are counted apart (they are represented exactly whatever the range). */
struct dpu_qhist {
    double min, max;
    uint64_t count, zeros;
    double width; /* 0 until the first nonzero value */
    uint64_t pos[DPU_QHIST_BINS], neg[DPU_QHIST_BINS];
};

void dpu_qhist_init(struct dpu_qhist *h);
void dpu_qhist_add(struct dpu_qhist *h, const float *v, size_t n);

/* Clipping thresholds T on |x| (a real value > 0; 0 for an empty or all-zero histogram). */
double dpu_qhist_percentile(const struct dpu_qhist *h, double percentile);
double dpu_qhist_mse(const struct dpu_qhist *h);
double dpu_qhist_entropy(const struct dpu_qhist *h);

/* The real range [*lo, *hi] for a method: minmax gives [min, max]; the others clip it to
 * [-T, T]. The result always contains 0. */
void dpu_qhist_range(const struct dpu_qhist *h, enum dpu_calib_method m, double percentile,
                     double *lo, double *hi);

/* --- Scale rules --- */

/* The smallest power of two >= s (s > 0 finite). */
float dpu_qpof2(float s);

/* Asymmetric int8 parameters for the real range [lo, hi] (lo <= 0 <= hi after nudging):
 * scale = (hi - lo) / 255 (or its pof2), zp = round(-128 - lo / scale) in [-128, 127], so real
 * 0 is exactly q = zp. An empty range (hi == lo) gets scale 1/255, zp -128. */
void dpu_qact_params(double lo, double hi, bool pof2, float *scale, int32_t *zp);

/* Symmetric int8 weights [-127, 127]: m rows (output channels) of k values each, one scale
 * per row (or one for all with per_tensor): s = max|w| / 127 (pof2: rounded up to a power of
 * two), q = round_half_even(w / s). A row of zeros takes the largest scale of the others (1
 * if all are zero). scales has m entries (all equal with per_tensor). */
void dpu_qweights(const float *w, int64_t m, int64_t k, bool per_tensor, bool pof2, float *scales,
                  int8_t *q);

/* Bias int32 = round_half_even(b / (s_x * s_w)), computed in double; DPU_E_RANGE naming the
 * node and channel when it does not fit int32. */
int dpu_qbias(const struct dpu_gnode *n, const float *b, int64_t m, float s_x, const float *s_w,
              int32_t *q, struct dpu_diag *d);

/* --- AdaRound (Nagel et al. 2020, "Up or Down? Adaptive Rounding for Post-Training
 * Quantization") --- */

struct dpu_adaround_params {
    size_t iterations; /* Adam steps (default 1000) */
    double reg;        /* weight of the rounding regulariser (default 0.01) */
    double beta_start; /* its annealed exponent: from beta_start ... (default 20) */
    double beta_end;   /* ... down to beta_end (default 2) */
    double warmup;     /* fraction of the iterations without the regulariser (default 0.2) */
    double lr;         /* Adam learning rate (default 0.01) */
};
void dpu_adaround_params_init(struct dpu_adaround_params *p);

/* The layer-output error of one output channel with int8 weights q at scale s, up to a
 * constant: (s q)^T H (s q) - 2 (s q)^T g, with H [k][k] = E[x x^T] over the calibration
 * rows (x the channel's input patch as the quantized model computes it) and g [k] = E[x t]
 * (t the float model's output less the bias). */
double dpu_adaround_loss(const float *H, const float *g, size_t k, float s, const int8_t *q);

/* Chooses for each weight w[c][j] of nc output channels sharing one H (one group of a layer;
 * g, w and q are [nc][k], s [nc]) rounding down or up, floor(w/s) or floor(w/s) + 1 within
 * [-127, 127], minimising dpu_adaround_loss plus the annealed regulariser: soft rounding
 * h(V) = clamp(sigmoid(V) (zeta - gamma) + gamma, 0, 1), zeta = 1.1, gamma = -0.1, V
 * initialised so that h(V) is the fractional part, Adam on V, and in the end up where
 * V >= 0 (h >= 1/2). On entry q holds the nearest rounding; a channel's q is replaced only
 * when the result's loss is lower, so the loss never rises. A channel whose scale is not
 * positive and finite keeps q. Deterministic. DPU_E_NOMEM or DPU_OK. */
int dpu_adaround_channels(const float *H, const float *g, size_t k, size_t nc, const float *w,
                          const float *s, const struct dpu_adaround_params *p, int8_t *q);

#endif
