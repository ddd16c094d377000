#include "dpu/err.h"

#include <stdio.h>
#include <string.h>

const char *dpu_strerror(int err)
{
    switch (err) {
#define DPU_ERR_TEXT_(name, value, cls, text)                                                      \
    case value:                                                                                    \
        return text;
        DPU_ERR_TABLE(DPU_ERR_TEXT_)
#undef DPU_ERR_TEXT_
    default:
        return "unknown error";
    }
}

int dpu_exit_code(int err)
{
    switch (err) {
#define DPU_ERR_CLASS_(name, value, cls, text)                                                     \
    case value:                                                                                    \
        return cls;
        DPU_ERR_TABLE(DPU_ERR_CLASS_)
#undef DPU_ERR_CLASS_
    default:
        return 2;
    }
}

void dpu_diag_clear(struct dpu_diag *d)
{
    if (d) {
        d->err = DPU_OK;
        d->msg[0] = '\0';
    }
}

int dpu_diag_vset(struct dpu_diag *d, int err, const char *fmt, va_list ap)
{
    if (!d || d->err != DPU_OK)
        return err;
    d->err = err;
    vsnprintf(d->msg, sizeof d->msg, fmt, ap);
    return err;
}

int dpu_diag_set(struct dpu_diag *d, int err, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    dpu_diag_vset(d, err, fmt, ap);
    va_end(ap);
    return err;
}

const char *dpu_diag_message(const struct dpu_diag *d)
{
    if (!d)
        return "";
    if (d->msg[0])
        return d->msg;
    return dpu_strerror(d->err);
}
