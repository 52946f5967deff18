/* SPDX-License-Identifier: Apache-2.0 */
/* Where the Kubernetes API is and how to prove who we are: from the pod's
 * service account (in-cluster) or from a kubeconfig file, as client-go's
 * clientcmd reads them. Only the settings a read-only watcher needs are
 * understood; credential plugins are refused with a message that says so.
 * Talking to the server is client.c's business. */
#ifndef GG_KUBE_CONFIG_H
#define GG_KUBE_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>
#include <time.h>

/* The service account folder of a pod. */
#define GG_KUBE_SA_DIR "/var/run/secrets/kubernetes.io/serviceaccount"
/* An environment variable that overrides GG_KUBE_SA_DIR (for tests). */
#define GG_KUBE_SA_DIR_ENV "GATEGUARD_SERVICEACCOUNT_DIR"
/* Bytes read at most from a token or PEM file. */
#define GG_KUBE_MAX_CRED_FILE (1u << 20)

/* Every pointer is owned, NULL when unset. A PEM setting is either a file
 * or the bytes themselves (the kubeconfig's *-data fields), never both. */
struct gg_kube_config {
    char *server;  /* "https://host:port[/prefix]", without a trailing '/' */
    char *ca_file; /* certificate-authority */
    char *ca_pem;  /* certificate-authority-data, decoded */
    size_t ca_pem_len;
    char *cert_file; /* client-certificate */
    char *cert_pem;  /* client-certificate-data, decoded */
    size_t cert_pem_len;
    char *key_file; /* client-key */
    char *key_pem;  /* client-key-data, decoded */
    size_t key_pem_len;
    char *token;      /* a bearer token fixed for the process */
    char *token_file; /* a bearer token read again when the file changes */
    bool is_insecure; /* insecure-skip-tls-verify: no server certificate check */
    char *origin;     /* for messages: "in-cluster" or "FILE (context NAME)" */
};

void gg_kube_config_init(struct gg_kube_config *cfg);
/* Frees every field, not the struct itself. */
void gg_kube_config_clear(struct gg_kube_config *cfg);
/* Deep-copies <src> into <dst> (initialised by this call). */
void gg_kube_config_copy(struct gg_kube_config *dst, const struct gg_kube_config *src);

/* The configuration inside a pod: KUBERNETES_SERVICE_HOST and _PORT, the
 * token and ca.crt of <sa_dir> (NULL: $GATEGUARD_SERVICEACCOUNT_DIR, else
 * GG_KUBE_SA_DIR). The token is kept as a file to re-read, because the
 * kubelet rotates it. Returns 0, or -1 with a message naming what is
 * missing in <err> (<errlen> bytes); <cfg> is left initialised. */
int gg_kube_config_incluster(struct gg_kube_config *cfg, const char *sa_dir, char *err,
                             size_t errlen);

/* The configuration of <context> (NULL: the current-context) from the
 * kubeconfig files in <paths>, separated by ':' as in KUBECONFIG and merged
 * as kubectl merges them (the first file to name a context, cluster, user or
 * current-context wins; missing files are skipped when there are several).
 * Relative file paths are taken from the file that names them. Returns 0, or
 * -1 with a message naming the file, the entry and the missing field. */
int gg_kube_config_kubeconfig(struct gg_kube_config *cfg, const char *paths, const char *context,
                              char *err, size_t errlen);

/* What the command line asks for, in controller-runtime's order: the
 * --kubeconfig file <kubeconfig> if given, else $KUBECONFIG, else in-cluster
 * when KUBERNETES_SERVICE_HOST is set, else ~/.kube/config. */
int gg_kube_config_load(struct gg_kube_config *cfg, const char *kubeconfig, char *err,
                        size_t errlen);

/* The bearer token of a configuration, re-read from its file only when the
 * file changed (another inode, size or modification time). */
struct gg_kube_token {
    char *value; /* owned; NULL before the first read */
    dev_t dev;
    ino_t ino;
    off_t size;
    struct timespec mtime;
};

void gg_kube_token_init(struct gg_kube_token *t);
void gg_kube_token_clear(struct gg_kube_token *t);

/* Sets *<out> to the token to send (borrowed from <cfg> or <t>, valid until
 * the next call), or NULL when <cfg> has none. When the file cannot be read
 * and a token was read before, that one is kept (the server will say if it
 * is stale). Returns 0, or -1 with a message when there is no token at all
 * or the file holds something that is not one. Not thread-safe per <t>. */
int gg_kube_token_get(const struct gg_kube_config *cfg, struct gg_kube_token *t, const char **out,
                      char *err, size_t errlen);

#endif
