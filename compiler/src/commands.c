/* The table of dpuc subcommands. A new command is one row here plus its cmd_*.c file
 */
#include "cmd_quant.h"
#include "dpuc.h"

const struct dpuc_cmd dpuc_commands[] = {
    {"asm", "assemble text into a raw instruction stream",
     "usage: dpuc asm FILE.s [-o FILE.bin]\n"
     "\n"
     "Assembles FILE.s (syntax: docs/assembly.md) into a raw instruction stream: the\n"
     "32-byte instructions concatenated, no header.\n"
     "\n"
     "  FILE.s               assembly text; - reads standard input\n"
     "  -o, --output FILE    output file (default: FILE.s with .s replaced by .bin;\n"
     "                       required when reading standard input); - writes standard\n"
     "                       output\n",
     dpuc_cmd_asm},
    {"disasm", "disassemble an instruction stream into canonical text",
     "usage: dpuc disasm FILE.bin [-o FILE.s] [--no-index]\n"
     "\n"
     "Validates and disassembles a raw instruction stream, one canonical line per\n"
     "instruction; `dpuc asm` turns the text back into the identical bytes.\n"
     "\n"
     "  FILE.bin             instruction stream; - reads standard input\n"
     "  -o, --output FILE    output file (default: standard output)\n"
     "  --no-index           omit the trailing `; #INDEX` comment on each line\n",
     dpuc_cmd_disasm},
    {"info", "summarize a model: inputs, outputs, nodes, parameters, MACs",
     "usage: dpuc info MODEL [--json]\n"
     "\n"
     "Prints what MODEL holds: graph name and kind, inputs and outputs with shapes and\n"
     "quantization, one row per node (op, output shape, parameters, MACs) and totals.\n"
     "MODEL is a model.q8 in binary or text form (docs/q8-format.md).\n"
     "\n"
     "  MODEL     model.q8 file; - reads standard input\n"
     "  --json    print the same summary as one JSON object\n",
     dpuc_cmd_info},
    {"compile", "lower a quantized model to a DPU program (ELF prog.bin)",
     "usage: dpuc compile MODEL -o prog.bin --arch PRESET [--no-cpu-fallback]\n"
     "                    [--dump-after PASS] [--pack-rows K] [--pack-pieces on|off]\n"
     "                    [--pack-pairs on|off]\n"
     "\n"
     "Compiles a quantized model (model.q8, or an already-quantized .onnx file, imported as\n"
     "dpuc import does) for one hardware preset (tiny, b512, b1024, b4096). Ops the\n"
     "accelerator cannot run become CPU steps executed by the runtime with the reference\n"
     "kernels; the compiler prints which nodes fell back and why.\n"
     "\n"
     "  -o, --output FILE    the program (ELF; see docs/program-format.md)\n"
     "  --arch PRESET        hardware preset the program is built for\n"
     "  --no-cpu-fallback    refuse to compile a node the accelerator cannot run (the float\n"
     "                       boundary Quantize/Dequantize steps excepted)\n"
     "  --dump-after PASS    print the IR after PASS (check, partition, layout, tile, ddr,\n"
     "                       isel, schedule, emit)\n"
     "  --pack-rows K        low-channel convolutions packed with up to K kernel rows per\n"
     "                       vector group instead of the count the cost estimate picks\n"
     "  --pack-pieces on|off\n"
     "                       low-channel convolutions gather their windows in pieces of\n"
     "                       stride_w columns wherever valid (on) or never (off) instead of\n"
     "                       as the cost estimate picks\n"
     "  --pack-pairs on|off  low-channel convolutions with at most half the array's columns\n"
     "                       of output channels compute two output pixels per array pass\n"
     "                       wherever valid (on) or never (off) instead of as the cost\n"
     "                       estimate picks\n",
     dpuc_cmd_compile},
    {"import", "import an ONNX model into model.q8",
     "usage: dpuc import MODEL.onnx [-o MODEL.q8] [--text] [--float | --quantized]\n"
     "\n"
     "Imports an ONNX model (docs/onnx-import.md): a float model becomes a float graph, a\n"
     "quantized one (QuantizeLinear/DequantizeLinear around float ops, or QLinearConv,\n"
     "QLinearMatMul, ...) an int8 graph. Unsupported ops and attributes are refused with a\n"
     "message naming the ONNX node.\n"
     "\n"
     "  MODEL.onnx           the model; - reads standard input\n"
     "  -o, --output FILE    output file (default: MODEL.q8, or MODEL.q8.txt with --text;\n"
     "                       required when reading standard input); - writes standard\n"
     "                       output\n"
     "  --text               write the text form of model.q8 (docs/q8-format.md)\n"
     "  --float              refuse quantization ops (import a float graph)\n"
     "  --quantized          refuse a model that is not fully quantized\n",
     dpuc_cmd_import},
    {"run", "run a model on the reference interpreter",
     "usage: dpuc run MODEL.(onnx|q8) --input X.npy [--input ...] -o Y.npy [-o ...]\n"
     "\n"
     "Runs the model on the reference interpreter (the results every executor must match\n"
     "byte for byte) and writes each graph output to its .npy file. Inputs and outputs go\n"
     "in graph order; a quantized graph takes float32 inputs (quantized as ONNX's\n"
     "QuantizeLinear would) or int8 ones. For an ONNX model with uint8 inputs or outputs,\n"
     "uint8 files are converted to and from the graph's int8 (values - 128).\n"
     "\n"
     "  MODEL                an ONNX model (imported first) or a model.q8 (either form)\n"
     "  -i, --input FILE     a .npy input, once per graph input, in order\n"
     "  -o, --output FILE    a .npy output, once per graph output, in order\n"
     "  --float, --quantized as for dpuc import (ONNX models only)\n",
     dpuc_cmd_run},
    {"export", "export a quantized model.q8 as a QDQ ONNX model",
     "usage: dpuc export MODEL.q8 [-o MODEL.onnx]\n"
     "\n"
     "Writes the quantized graph as an ONNX model in QDQ form (docs/export.md):\n"
     "QuantizeLinear/DequantizeLinear pairs around float ops, int8 weights per output\n"
     "channel, int32 biases. ONNX Runtime runs it; `dpuc import` gives back the same\n"
     "model.q8. Ops without a QDQ form are refused, naming the node.\n"
     "\n"
     "  MODEL.q8             a quantized model.q8 (binary or text form)\n"
     "  -o, --output FILE    output file (default: MODEL with .q8 replaced by .onnx);\n"
     "                       - writes standard output\n",
     dpuc_cmd_export},
    {"quantize", DPUC_QUANTIZE_SUMMARY, DPUC_QUANTIZE_USAGE, dpuc_cmd_quantize},
    {"eval", DPUC_EVAL_SUMMARY, DPUC_EVAL_USAGE, dpuc_cmd_eval},
};

const size_t dpuc_command_count = sizeof dpuc_commands / sizeof dpuc_commands[0];
