/* SPDX-License-Identifier: Apache-2.0 */
/* Fuzz target: bytes as a kubeconfig file, read as `--kubeconfig` reads it,
 * for the current context and for a named one. Any input must end in a
 * configuration or an error message, never a crash, a leak or a hang. The
 * file is an in-memory one, so nothing touches the disk. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "kube/config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    int fd = memfd_create("kubeconfig", 0);
    if (fd < 0)
        abort();
    for (size_t off = 0; off < size;) {
        ssize_t n = write(fd, data + off, size - off);
        if (n <= 0)
            abort();
        off += (size_t)n;
    }
    char path[64];
    snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
    static const char *const contexts[] = {NULL, "test", ""};
    for (size_t i = 0; i < sizeof(contexts) / sizeof(contexts[0]); i++) {
        struct gg_kube_config cfg;
        gg_kube_config_init(&cfg);
        char err[512];
        gg_kube_config_kubeconfig(&cfg, path, contexts[i], err, sizeof(err));
        gg_kube_config_clear(&cfg);
    }
    close(fd);
    return 0;
}
