/* dpuc quantize and dpuc eval (cmd_quantize.c, cmd_eval.c): their command-table texts, entry
 * points, and the helpers both use (quant_cli.c). A row of dpuc_commands[] reads
 *     {"quantize", DPUC_QUANTIZE_SUMMARY, DPUC_QUANTIZE_USAGE, dpuc_cmd_quantize},
 *     {"eval", DPUC_EVAL_SUMMARY, DPUC_EVAL_USAGE, dpuc_cmd_eval},
 */
#ifndef DPUC_CMD_QUANT_H
#define DPUC_CMD_QUANT_H

#include <stdbool.h>
#include <stdio.h>

#include "dpu/calib_data.h"
#include "dpu/graph.h"
#include "dpuc.h"

#define DPUC_DATA_OPTIONS_USAGE                                                                    \
    "data options (how images become model inputs: x = (raw * K - M) / S per channel):\n"          \
    "  --scale K            multiply raw values by K (default 1/255 for uint8 data, else 1)\n"     \
    "  --mean M             subtract M; one value or one per channel, comma-separated\n"           \
    "  --std S              then divide by S; one value or one per channel\n"                      \
    "  --raw-shape DIMS     headerless binary data: one sample's shape, e.g. 1x28x28\n"            \
    "  --raw-dtype T        its element type: uint8 (default), int8, int32, float32\n"             \
    "  DATA files are .npy [N, ...] (uint8, int8, int32, float32) or IDX (MNIST format,\n"         \
    "  gzipped or not); the first dimension counts samples.\n"

#define DPUC_QUANTIZE_SUMMARY "quantize a float model to int8 with calibration data"
#define DPUC_QUANTIZE_USAGE                                                                        \
    "usage: dpuc quantize MODEL --calib DATA [-o MODEL.q8] [options]\n"                            \
    "\n"                                                                                           \
    "Post-training quantization (docs/quantization.md): prepares the float graph (Gemm ->\n"       \
    "FullyConnected, BatchNorm folding, constant folding, Reshape clean-up, activation\n"          \
    "fusion), runs it on the calibration samples, chooses per-tensor int8 activation\n"            \
    "ranges and per-channel int8 weights, and writes a model.q8.\n"                                \
    "\n"                                                                                           \
    "  MODEL                float ONNX model (.onnx) or float model.q8\n"                          \
    "  --calib DATA         calibration samples (see data options)\n"                              \
    "  -o, --output FILE    model.q8 to write (default: MODEL with .onnx replaced by .q8);\n"      \
    "                       text form when FILE ends in .txt or with --text\n"                     \
    "  --text               write the text form\n"                                                 \
    "  --calib-method M     minmax (default), percentile, mse or entropy\n"                        \
    "  --percentile P       for percentile: clip |x| at this percentile (default 99.99)\n"         \
    "  --calib-count N      use the first N calibration samples (default: all)\n"                  \
    "  --calib-offset K     skip the data set's first K samples (then --calib-count applies)\n"    \
    "  --per-tensor         one weight scale per layer instead of one per output channel\n"        \
    "  --pof2               every scale a power of two (weights and activations)\n"                \
    "  --cle                cross-layer equalization of consecutive layers first (across\n"        \
    "                       Relu, and across Relu6 keeping its clamp exact on the samples)\n"      \
    "  --cle-relu6          let --cle cross Relu6 too, turning it into Relu (changes the\n"        \
    "                       float model where activations exceed 6)\n"                             \
    "  --adaround           choose each weight's rounding direction by the layer's output\n"       \
    "                       error on calibration samples (AdaRound)\n"                             \
    "  --adaround-iters N   its optimisation steps per output channel (default 1000)\n"            \
    "  --adaround-count N   its calibration samples: the first N (default 256)\n"                  \
    "                       (either implies --adaround)\n"                                         \
    "  --bias-correct       empirical bias correction on the calibration samples\n"                \
    "  --int8-inputs        graph inputs stay int8 (no Quantize node)\n"                           \
    "  --int8-outputs       graph outputs stay int8 (no Dequantize node)\n"                        \
    "  --dump-after PASS    print the IR after PASS (or 'all') to standard output; passes:\n"      \
    "                       gemm-to-fc fold-bn fold-constants remove-reshapes cle\n"               \
    "                       fuse-activations calibrate ranges emit adaround bias-correct\n"        \
    "  --progress, --quiet  force the progress line on or off (default: on a terminal)\n"          \
    "\n" DPUC_DATA_OPTIONS_USAGE

#define DPUC_EVAL_SUMMARY "measure top-1/top-5 accuracy, compare two models layer by layer"
#define DPUC_EVAL_USAGE                                                                            \
    "usage: dpuc eval MODEL --data DATA --labels LABELS [--compare OTHER] [options]\n"             \
    "\n"                                                                                           \
    "Runs MODEL (ONNX or model.q8, float or quantized) on the reference interpreter over\n"        \
    "the labelled samples and prints top-1 and top-5 accuracy. With --compare, runs OTHER\n"       \
    "too, prints both and the difference, and a per-layer SQNR table of OTHER's tensors\n"         \
    "against MODEL's tensors of the same name.\n"                                                  \
    "\n"                                                                                           \
    "  MODEL                .onnx or model.q8\n"                                                   \
    "  --data DATA          samples (see data options)\n"                                          \
    "  --labels LABELS      class labels: .npy [N] (uint8, int8, int32) or IDX\n"                  \
    "  --compare OTHER      a second model to measure and compare (e.g. the quantized one)\n"      \
    "  --count N            use the first N samples (default: all)\n"                              \
    "  --offset K           skip the data set's first K samples (and their labels)\n"              \
    "  --sqnr-count N       samples for the SQNR table (default 100; 0: all)\n"                    \
    "  --scores FILE        write MODEL's scores to FILE: .npy float32 [samples, classes]\n"       \
    "                       (int8 scores dequantized), for error analysis\n"                       \
    "  --compare-scores FILE  the same for OTHER\n"                                                \
    "  --json               print the results as one JSON object\n"                                \
    "  --progress, --quiet  force the progress line on or off (default: on a terminal)\n"          \
    "\n" DPUC_DATA_OPTIONS_USAGE

int dpuc_cmd_quantize(const struct dpuc_cmd *self, int argc, char **argv);
int dpuc_cmd_eval(const struct dpuc_cmd *self, int argc, char **argv);

/* Loads MODEL: an ONNX model when the name ends in .onnx (float_only: refusing quantized
 * ONNX), a model.q8 in either form otherwise. g is initialized here; the caller frees it. */
int dpuc_load_graph(const char *path, bool float_only, struct dpu_graph *g, struct dpu_diag *d);

/* Recognises a data option at argv[*i] (--scale, --mean, --std, --raw-shape, --raw-dtype)
 * and stores it in o: 1 when it matched, 0 when argv[*i] is something else, -1 after
 * printing a usage error. */
int dpuc_data_option(const struct dpuc_cmd *self, int argc, char **argv, int *i,
                     struct dpu_data_options *o);

/* Parses a count option's value ("100"); -1 after a usage error. */
int dpuc_parse_count(const struct dpuc_cmd *self, const char *opt, const char *text, size_t *n);

/* Writes s as a JSON string (quotes included). */
void dpuc_json_string(FILE *f, const char *s);

#endif
