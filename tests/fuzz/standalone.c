/* SPDX-License-Identifier: Apache-2.0 */
/* A stand-in for libFuzzer's driver where clang is not at hand: runs
 * LLVMFuzzerTestOneInput on every file named (folders: every file in them),
 * then, with -runs=N, on N mutations of those inputs (bit flips, inserted
 * bytes including '\n', '\r' and NUL, deleted and repeated ranges, splices).
 * -seed=N makes the mutations repeatable. Crashes abort as under libFuzzer;
 * the input that caused one is written to ./crash-standalone on the way. */
#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define INPUT_MAX 65536

struct input {
    uint8_t *data;
    size_t len;
};

static struct input *inputs;
static size_t ninputs;

static void add_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        perror(path);
        exit(2);
    }
    uint8_t *buf = malloc(INPUT_MAX);
    size_t n = fread(buf, 1, INPUT_MAX, f);
    fclose(f);
    inputs = realloc(inputs, (ninputs + 1) * sizeof(*inputs));
    inputs[ninputs].data = buf;
    inputs[ninputs].len = n;
    ninputs++;
}

static void add_path(const char *path)
{
    struct stat st;
    if (stat(path, &st) != 0) {
        perror(path);
        exit(2);
    }
    if (!S_ISDIR(st.st_mode)) {
        add_file(path);
        return;
    }
    DIR *d = opendir(path);
    struct dirent *de;
    while (d && (de = readdir(d))) {
        if (de->d_name[0] == '.')
            continue;
        char full[4096];
        snprintf(full, sizeof(full), "%s/%s", path, de->d_name);
        add_file(full);
    }
    if (d)
        closedir(d);
}

static uint64_t state;

static uint64_t next(void)
{
    /* xorshift64*: enough spread for mutations, and repeatable */
    state ^= state >> 12;
    state ^= state << 25;
    state ^= state >> 27;
    return state * 2685821657736338717ull;
}

static size_t mutate(uint8_t *buf, size_t len, size_t cap)
{
    static const uint8_t special[] = {'\n', '\r', '\0', '{', '}', '"', ' ', 0xff};
    int steps = 1 + (int)(next() % 4);
    for (int i = 0; i < steps; i++) {
        size_t at = len ? next() % len : 0;
        switch (next() % 6) {
        case 0: /* flip a bit */
            if (len)
                buf[at] ^= (uint8_t)(1u << (next() % 8));
            break;
        case 1: /* insert a byte that matters to the splitter */
        case 2:
            if (len < cap) {
                memmove(buf + at + 1, buf + at, len - at);
                buf[at] = next() % 2 ? special[next() % sizeof(special)] : (uint8_t)next();
                len++;
            }
            break;
        case 3: /* delete a range */
            if (len) {
                size_t n = 1 + next() % (len - at);
                memmove(buf + at, buf + at + n, len - at - n);
                len -= n;
            }
            break;
        case 4: { /* repeat a range */
            size_t n = len ? 1 + next() % (len - at) : 0;
            if (n && len + n <= cap) {
                memmove(buf + at + n, buf + at, len - at);
                len += n;
            }
            break;
        }
        case 5: { /* splice in part of another input */
            const struct input *o = &inputs[next() % ninputs];
            size_t n = o->len ? next() % o->len : 0;
            if (n && len + n <= cap) {
                memmove(buf + at + n, buf + at, len - at);
                memcpy(buf + at, o->data, n);
                len += n;
            }
            break;
        }
        }
    }
    return len;
}

/* The input being run, for the crash file. */
static const uint8_t *current;
static size_t current_len;

/* Async-signal-safe: open, write and close only. */
static void save_current(void)
{
    int fd = open("crash-standalone", O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0)
        return;
    if (write(fd, current, current_len) < 0)
        current_len = 0;
    close(fd);
}

static void on_signal(int sig)
{
    save_current();
    signal(sig, SIG_DFL);
    raise(sig);
}

/* The sanitizers exit through their own path, not a signal; they call this
 * first when the runtime is linked in. */
extern void __sanitizer_set_death_callback(void (*cb)(void)) __attribute__((weak));

static void run_one(const uint8_t *data, size_t len)
{
    current = data;
    current_len = len;
    LLVMFuzzerTestOneInput(data, len);
}

int main(int argc, char **argv)
{
    unsigned long runs = 0;
    state = 0x9e3779b97f4a7c15ull;
    for (int i = 1; i < argc; i++) {
        if (strncmp(argv[i], "-runs=", 6) == 0)
            runs = strtoul(argv[i] + 6, NULL, 10);
        else if (strncmp(argv[i], "-seed=", 6) == 0)
            state = strtoull(argv[i] + 6, NULL, 10) | 1;
        else if (argv[i][0] == '-')
            continue; /* other libFuzzer flags mean nothing here */
        else
            add_path(argv[i]);
    }
    if (__sanitizer_set_death_callback)
        __sanitizer_set_death_callback(save_current);
    signal(SIGABRT, on_signal);
    signal(SIGSEGV, on_signal);
    signal(SIGBUS, on_signal);
    if (!ninputs) {
        fprintf(stderr, "usage: %s [-runs=N] [-seed=N] CORPUS...\n", argv[0]);
        return 2;
    }
    for (size_t i = 0; i < ninputs; i++)
        run_one(inputs[i].data, inputs[i].len);
    uint8_t *buf = malloc(2 * INPUT_MAX);
    for (unsigned long r = 0; r < runs; r++) {
        const struct input *in = &inputs[next() % ninputs];
        memcpy(buf, in->data, in->len);
        size_t len = mutate(buf, in->len, 2 * INPUT_MAX);
        run_one(buf, len);
    }
    printf("%zu inputs, %lu mutations: no crash\n", ninputs, runs);
    free(buf);
    for (size_t i = 0; i < ninputs; i++)
        free(inputs[i].data);
    free(inputs);
    return 0;
}
