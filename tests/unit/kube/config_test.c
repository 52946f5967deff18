/* SPDX-License-Identifier: Apache-2.0 */
/* kubeconfig and in-cluster settings, from files written to a temporary
 * folder: what is read, how lists merge, and what each mistake says. */
#include <criterion/criterion.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kube/config.h"

static char dir[64];

static void setup(void)
{
    snprintf(dir, sizeof(dir), "/tmp/gg-config-test-XXXXXX");
    cr_assert(mkdtemp(dir));
    unsetenv("KUBECONFIG");
    unsetenv("KUBERNETES_SERVICE_HOST");
    unsetenv("KUBERNETES_SERVICE_PORT");
    unsetenv(GG_KUBE_SA_DIR_ENV);
}

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    return remove(path);
}

static void teardown(void)
{
    nftw(dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

TestSuite(kubeconfig, .init = setup, .fini = teardown);
TestSuite(incluster, .init = setup, .fini = teardown);
TestSuite(kube_token, .init = setup, .fini = teardown);

/* Writes <text> to <dir>/<name>; returns the path (static storage, one of 4). */
static const char *put(const char *name, const char *text)
{
    static char paths[4][160];
    static int next;
    char *p = paths[next++ % 4];
    snprintf(p, 160, "%s/%s", dir, name);
    FILE *f = fopen(p, "w");
    cr_assert(f);
    fputs(text, f);
    fclose(f);
    return p;
}

static const char ctx_head[] = "apiVersion: v1\n"
                               "kind: Config\n"
                               "current-context: dev\n"
                               "contexts:\n"
                               "- name: dev\n"
                               "  context: {cluster: c1, user: u1}\n"
                               "- name: other\n"
                               "  context: {cluster: c2, user: u2}\n";

Test(kubeconfig, reads_the_current_context_with_token_and_ca_data)
{
    char text[1024];
    /* "-----BEGIN X-----\n" in base64, folded over two lines as YAML allows */
    snprintf(text, sizeof(text),
             "%sclusters:\n"
             "- name: c1\n"
             "  cluster:\n"
             "    server: https://127.0.0.1:6443/\n"
             "    certificate-authority-data: LS0tLS1CRUdJTiBYLS0t\n"
             "      LS0K\n"
             "users:\n"
             "- name: u1\n"
             "  user: {token: \"abc.def\"}\n",
             ctx_head);
    const char *path = put("config", text);
    struct gg_kube_config cfg;
    char err[512];
    cr_assert_eq(gg_kube_config_kubeconfig(&cfg, path, NULL, err, sizeof(err)), 0, "%s", err);
    cr_expect_str_eq(cfg.server, "https://127.0.0.1:6443");
    cr_assert(cfg.ca_pem);
    cr_expect_eq(cfg.ca_pem_len, 18);
    cr_expect_str_eq(cfg.ca_pem, "-----BEGIN X-----\n");
    cr_expect_null(cfg.ca_file);
    cr_expect_str_eq(cfg.token, "abc.def");
    cr_expect_null(cfg.cert_file);
    cr_expect_not(cfg.is_insecure);
    char origin[256];
    snprintf(origin, sizeof(origin), "%s (context dev)", path);
    cr_expect_str_eq(cfg.origin, origin);

    struct gg_kube_config copy;
    gg_kube_config_copy(&copy, &cfg);
    gg_kube_config_clear(&cfg);
    cr_expect_str_eq(copy.ca_pem, "-----BEGIN X-----\n");
    cr_expect_str_eq(copy.token, "abc.def");
    gg_kube_config_clear(&copy);
}

Test(kubeconfig, resolves_relative_files_against_the_kubeconfig_and_names_a_context)
{
    put("ca.crt", "ca\n");
    put("admin.crt", "cert\n");
    put("admin.key", "key\n");
    char text[1024];
    snprintf(text, sizeof(text),
             "%sclusters:\n"
             "- name: c2\n"
             "  cluster: {server: \"https://k:6443\", certificate-authority: ca.crt,\n"
             "            insecure-skip-tls-verify: true}\n"
             "users:\n"
             "- name: u2\n"
             "  user: {client-certificate: admin.crt, client-key: %s/admin.key}\n",
             ctx_head, dir);
    const char *path = put("config", text);
    struct gg_kube_config cfg;
    char err[512], want[256];
    cr_assert_eq(gg_kube_config_kubeconfig(&cfg, path, "other", err, sizeof(err)), 0, "%s", err);
    snprintf(want, sizeof(want), "%s/ca.crt", dir);
    cr_expect_str_eq(cfg.ca_file, want);
    snprintf(want, sizeof(want), "%s/admin.crt", dir);
    cr_expect_str_eq(cfg.cert_file, want);
    snprintf(want, sizeof(want), "%s/admin.key", dir);
    cr_expect_str_eq(cfg.key_file, want);
    cr_expect(cfg.is_insecure);
    cr_expect_null(cfg.token);
    gg_kube_config_clear(&cfg);
}

/* Loads <text> as the only kubeconfig and returns the error with every
 * mention of the folder replaced by "D". */
static const char *fails_with(const char *text, const char *context)
{
    static char msg[512];
    char err[512] = "";
    const char *path = put("config", text);
    struct gg_kube_config cfg;
    cr_assert_eq(gg_kube_config_kubeconfig(&cfg, path, context, err, sizeof(err)), -1);
    cr_expect_null(cfg.server, "cleared on failure");
    size_t o = 0;
    for (const char *p = err; *p && o + 1 < sizeof(msg);) {
        if (strncmp(p, dir, strlen(dir)) == 0) {
            msg[o++] = 'D';
            p += strlen(dir);
        } else {
            msg[o++] = *p++;
        }
    }
    msg[o] = '\0';
    return msg;
}

Test(kubeconfig, names_the_file_line_entry_and_missing_field)
{
    char text[1024];
    snprintf(text, sizeof(text), "%sclusters:\n- name: c1\n  cluster: {}\n", ctx_head);
    cr_expect_str_eq(fails_with(text, NULL), "D/config:10: cluster \"c1\": missing field server");
    cr_expect_str_eq(fails_with(ctx_head, NULL),
                     "D/config:5: context \"dev\": cluster \"c1\" not found");
    cr_expect_str_eq(fails_with(ctx_head, "prod"),
                     "kubeconfig D/config: context \"prod\" not found");
    cr_expect_str_eq(fails_with("apiVersion: v1\nkind: Config\n", NULL),
                     "kubeconfig D/config: current-context is not set; name a context");
    cr_expect_str_eq(fails_with("current-context: x\ncontexts:\n- name: x\n  context: {}\n", NULL),
                     "D/config:3: context \"x\": missing field cluster");
    snprintf(text, sizeof(text),
             "%sclusters:\n- name: c1\n  cluster: {server: \"https://k\"}\n"
             "users:\n- name: u1\n  user:\n    client-certificate-data: eA==\n",
             ctx_head);
    cr_expect_str_eq(fails_with(text, NULL),
                     "D/config:13: user \"u1\": missing field client-key (or client-key-data)");
}

Test(kubeconfig, refuses_plugins_bad_base64_and_doubled_settings)
{
    char text[1024];
    const char *cluster = "clusters:\n- name: c1\n  cluster: {server: \"https://k\"}\n";
    snprintf(text, sizeof(text), "%s%susers:\n- name: u1\n  user:\n    exec: {command: aws}\n",
             ctx_head, cluster);
    cr_expect_str_eq(fails_with(text, NULL),
                     "D/config:13: user \"u1\": exec is not supported; use a token, tokenFile "
                     "or a client certificate");
    snprintf(text, sizeof(text),
             "%sclusters:\n- name: c1\n  cluster: {server: \"https://k\", "
             "certificate-authority-data: \"!!\"}\n",
             ctx_head);
    cr_expect_str_eq(fails_with(text, NULL),
                     "D/config:10: cluster \"c1\": certificate-authority-data is not base64");
    snprintf(text, sizeof(text),
             "%sclusters:\n- name: c1\n  cluster: {server: \"https://k\", "
             "certificate-authority: a, certificate-authority-data: eA==}\n",
             ctx_head);
    cr_expect_str_eq(fails_with(text, NULL),
                     "D/config:10: cluster \"c1\": both certificate-authority and "
                     "certificate-authority-data are set; keep one");
    snprintf(text, sizeof(text), "%sclusters:\n- name: c1\n  cluster: {server: k8s:6443}\n",
             ctx_head);
    cr_expect_str_eq(fails_with(text, NULL),
                     "D/config:10: cluster \"c1\": server \"k8s:6443\" is not an http(s) URL");
    snprintf(text, sizeof(text),
             "%s%susers:\n- name: u1\n  user: {client-certificate: nope.crt, client-key: k}\n",
             ctx_head, cluster);
    cr_expect_str_eq(fails_with(text, NULL),
                     "D/config:13: user \"u1\": client-certificate: D/nope.crt: No such file or "
                     "directory");
}

Test(kubeconfig, merges_a_list_the_first_file_winning_and_skips_missing_files)
{
    put("a", "current-context: dev\n"
             "clusters:\n- name: c1\n  cluster: {server: \"https://first\"}\n");
    put("b", "current-context: other\n"
             "contexts:\n- name: dev\n  context: {cluster: c1, user: u1}\n"
             "clusters:\n- name: c1\n  cluster: {server: \"https://second\"}\n"
             "users:\n- name: u1\n  user: {token: t}\n");
    char list[512], err[512];
    snprintf(list, sizeof(list), "%s/a:%s/missing:%s/b", dir, dir, dir);
    struct gg_kube_config cfg;
    cr_assert_eq(gg_kube_config_kubeconfig(&cfg, list, NULL, err, sizeof(err)), 0, "%s", err);
    cr_expect_str_eq(cfg.server, "https://first");
    cr_expect_str_eq(cfg.token, "t");
    gg_kube_config_clear(&cfg);

    snprintf(list, sizeof(list), "%s/missing", dir);
    cr_expect_eq(gg_kube_config_kubeconfig(&cfg, list, NULL, err, sizeof(err)), -1);
    cr_expect(strstr(err, "missing: No such file or directory"), "%s", err);
}

Test(kubeconfig, load_prefers_the_flag_then_kubeconfig_then_in_cluster)
{
    put("a", "current-context: x\ncontexts:\n- name: x\n  context: {cluster: c}\n"
             "clusters:\n- name: c\n  cluster: {server: \"https://flag\"}\n");
    put("b", "current-context: x\ncontexts:\n- name: x\n  context: {cluster: c}\n"
             "clusters:\n- name: c\n  cluster: {server: \"https://env\"}\n");
    char a[160], b[160], err[512];
    snprintf(a, sizeof(a), "%s/a", dir);
    snprintf(b, sizeof(b), "%s/b", dir);
    setenv("KUBECONFIG", b, 1);
    setenv("KUBERNETES_SERVICE_HOST", "10.0.0.1", 1);
    struct gg_kube_config cfg;
    cr_assert_eq(gg_kube_config_load(&cfg, a, err, sizeof(err)), 0, "%s", err);
    cr_expect_str_eq(cfg.server, "https://flag");
    gg_kube_config_clear(&cfg);
    cr_assert_eq(gg_kube_config_load(&cfg, NULL, err, sizeof(err)), 0, "%s", err);
    cr_expect_str_eq(cfg.server, "https://env");
    gg_kube_config_clear(&cfg);
    unsetenv("KUBECONFIG");
    cr_assert_eq(gg_kube_config_load(&cfg, NULL, err, sizeof(err)), -1);
    cr_expect(strstr(err, "in-cluster configuration: KUBERNETES_SERVICE_HOST and "
                          "KUBERNETES_SERVICE_PORT must be set"),
              "%s", err);
    unsetenv("KUBERNETES_SERVICE_HOST");
    setenv("HOME", dir, 1);
    cr_assert_eq(gg_kube_config_load(&cfg, NULL, err, sizeof(err)), -1);
    cr_expect(strstr(err, "no Kubernetes configuration"), "%s", err);
}

Test(incluster, reads_the_service_account_folder)
{
    put("token", "tok-1\n");
    put("ca.crt", "ca\n");
    setenv("KUBERNETES_SERVICE_HOST", "10.96.0.1", 1);
    setenv("KUBERNETES_SERVICE_PORT", "443", 1);
    setenv(GG_KUBE_SA_DIR_ENV, dir, 1);
    struct gg_kube_config cfg;
    char err[512], want[160];
    cr_assert_eq(gg_kube_config_incluster(&cfg, NULL, err, sizeof(err)), 0, "%s", err);
    cr_expect_str_eq(cfg.server, "https://10.96.0.1:443");
    snprintf(want, sizeof(want), "%s/token", dir);
    cr_expect_str_eq(cfg.token_file, want);
    snprintf(want, sizeof(want), "%s/ca.crt", dir);
    cr_expect_str_eq(cfg.ca_file, want);
    cr_expect_null(cfg.token, "kept as a file: the kubelet rotates it");
    cr_expect_str_eq(cfg.origin, "in-cluster");
    gg_kube_config_clear(&cfg);

    setenv("KUBERNETES_SERVICE_HOST", "fd00::1", 1);
    cr_assert_eq(gg_kube_config_incluster(&cfg, dir, err, sizeof(err)), 0, "%s", err);
    cr_expect_str_eq(cfg.server, "https://[fd00::1]:443");
    gg_kube_config_clear(&cfg);
}

Test(incluster, names_the_missing_file)
{
    put("ca.crt", "ca\n");
    setenv("KUBERNETES_SERVICE_HOST", "10.96.0.1", 1);
    setenv("KUBERNETES_SERVICE_PORT", "443", 1);
    struct gg_kube_config cfg;
    char err[512], want[256];
    cr_assert_eq(gg_kube_config_incluster(&cfg, dir, err, sizeof(err)), -1);
    snprintf(want, sizeof(want), "in-cluster configuration: %s/token: No such file or directory",
             dir);
    cr_expect_str_eq(err, want);
}

Test(kube_token, is_read_again_only_when_the_file_changes)
{
    const char *path = put("token", "  first\n");
    struct gg_kube_config cfg;
    gg_kube_config_init(&cfg);
    cfg.token_file = strdup(path);
    struct gg_kube_token t;
    gg_kube_token_init(&t);
    const char *tok;
    char err[256];
    cr_assert_eq(gg_kube_token_get(&cfg, &t, &tok, err, sizeof(err)), 0, "%s", err);
    cr_expect_str_eq(tok, "first");
    const char *again;
    cr_assert_eq(gg_kube_token_get(&cfg, &t, &again, err, sizeof(err)), 0);
    cr_expect_eq(again, tok, "unchanged file: the same string, not a new read");

    /* rotated as the kubelet does: a new file renamed over the old one */
    put("token.new", "second\n");
    char from[160];
    snprintf(from, sizeof(from), "%s/token.new", dir);
    cr_assert_eq(rename(from, path), 0);
    cr_assert_eq(gg_kube_token_get(&cfg, &t, &tok, err, sizeof(err)), 0);
    cr_expect_str_eq(tok, "second");

    /* gone or garbled: the last good token stays */
    unlink(path);
    cr_assert_eq(gg_kube_token_get(&cfg, &t, &tok, err, sizeof(err)), 0);
    cr_expect_str_eq(tok, "second");
    put("token", "two words\n");
    cr_assert_eq(gg_kube_token_get(&cfg, &t, &tok, err, sizeof(err)), 0);
    cr_expect_str_eq(tok, "second");

    gg_kube_token_clear(&t);
    cr_expect_eq(gg_kube_token_get(&cfg, &t, &tok, err, sizeof(err)), -1);
    cr_expect(strstr(err, "not a bearer token"), "%s", err);
    gg_kube_config_clear(&cfg);
    gg_kube_token_clear(&t);
}

Test(kube_token, a_fixed_token_or_none)
{
    struct gg_kube_config cfg;
    gg_kube_config_init(&cfg);
    struct gg_kube_token t;
    gg_kube_token_init(&t);
    const char *tok = "x";
    char err[64];
    cr_expect_eq(gg_kube_token_get(&cfg, &t, &tok, err, sizeof(err)), 0);
    cr_expect_null(tok);
    cfg.token = strdup("fixed");
    cr_expect_eq(gg_kube_token_get(&cfg, &t, &tok, err, sizeof(err)), 0);
    cr_expect_str_eq(tok, "fixed");
    gg_kube_config_clear(&cfg);
}
