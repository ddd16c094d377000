/* A main() for fuzz targets built without libFuzzer (any compiler): feeds every file named
 * on the command line, and every regular file inside each directory named, to
 * LLVMFuzzerTestOneInput once. A violated property aborts, which fails the ctest; so the
 * seed corpora are replayed on every build, sanitizers or not. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "dpu/fileio.h"
#include "fuzz_target.h"

/* Larger seeds are not expected; libFuzzer's own default limit is far below this. */
#define MAX_SEED_BYTES ((size_t)16 << 20)

static int replay_file(const char *path)
{
    uint8_t *data;
    size_t len;
    struct dpu_diag d;
    dpu_diag_clear(&d);
    if (dpu_read_file(path, MAX_SEED_BYTES, &data, &len, &d) != DPU_OK) {
        fprintf(stderr, "%s\n", dpu_diag_message(&d));
        return -1;
    }
    LLVMFuzzerTestOneInput(data, len);
    free(data);
    return 1;
}

/* Returns the number of inputs replayed, or -1 on an unreadable path. */
static long replay(const char *path)
{
    struct stat st;
    if (stat(path, &st) != 0) {
        fprintf(stderr, "%s: cannot stat\n", path);
        return -1;
    }
    if (!S_ISDIR(st.st_mode))
        return replay_file(path);
    DIR *dir = opendir(path);
    if (!dir) {
        fprintf(stderr, "%s: cannot open directory\n", path);
        return -1;
    }
    long count = 0;
    for (struct dirent *e; (e = readdir(dir)) != NULL;) {
        if (e->d_name[0] == '.')
            continue;
        size_t n = strlen(path) + strlen(e->d_name) + 2;
        char *child = malloc(n);
        if (!child) {
            closedir(dir);
            return -1;
        }
        snprintf(child, n, "%s/%s", path, e->d_name);
        if (stat(child, &st) == 0 && S_ISREG(st.st_mode)) {
            if (replay_file(child) < 0) {
                free(child);
                closedir(dir);
                return -1;
            }
            count++;
        }
        free(child);
    }
    closedir(dir);
    return count;
}

int main(int argc, char **argv)
{
    long total = 0;
    for (int i = 1; i < argc; i++) {
        long n = replay(argv[i]);
        if (n < 0)
            return 1;
        total += n;
    }
    printf("replayed %ld inputs\n", total);
    /* An empty run proves nothing: treat a missing corpus as a failure. */
    return total > 0 ? 0 : 1;
}
