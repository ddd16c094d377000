/* What the driver needs to know about a test's model.onnx without importing it: the names of
 * the graph inputs that a test feeds (ONNX's runner numbers input_K.pb over the graph inputs
 * that are not initializers), the graph output names (output_K.pb), and the nodes' op types
 * (for --audit). Read with the protobuf-c bindings that compiler/onnx generates. */
#ifndef CONF_MODEL_INFO_H
#define CONF_MODEL_INFO_H

#include <stddef.h>

struct conf_model_info {
    size_t ninputs, noutputs, nops;
    char **inputs;  /* fed inputs, in input_K.pb order */
    char **outputs; /* in output_K.pb order */
    char **ops;     /* op type of every node, in node order ("domain:Op" outside ONNX's) */
    long opset;     /* the default domain's opset, 0 if not stated */
};

/* Reads path; on failure returns -1 with the reason in err. Free with conf_model_info_free
 * (also after a failure). */
int conf_model_info_read(const char *path, struct conf_model_info *mi, char *err, size_t cap);
void conf_model_info_free(struct conf_model_info *mi);

/* Position of name among the fed inputs / outputs, or -1. */
int conf_model_input_index(const struct conf_model_info *mi, const char *name);
int conf_model_output_index(const struct conf_model_info *mi, const char *name);

#endif
