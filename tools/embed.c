/* SPDX-License-Identifier: Apache-2.0 */
/* Build tool: writes C source holding the named files, joined as one YAML
 * stream ("---" between them), as a byte array. Used to compile the upstream
 * CRDs into the binary so it needs no files at run time.
 * usage: embed SYMBOL FILE... > out.c */
#include <stdio.h>

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: embed SYMBOL FILE...\n");
        return 2;
    }
    printf("#include <stddef.h>\nconst unsigned char %s[] = {\n", argv[1]);
    unsigned long n = 0;
    for (int i = 2; i < argc; i++) {
        FILE *f = fopen(argv[i], "rb");
        if (!f) {
            perror(argv[i]);
            return 1;
        }
        const char *sep = "\n---\n";
        for (const char *s = sep; i > 2 && *s; s++, n++)
            printf("%d,%s", *s, n % 20 == 19 ? "\n" : "");
        int c;
        while ((c = fgetc(f)) != EOF) {
            printf("%d,%s", c, n % 20 == 19 ? "\n" : "");
            n++;
        }
        fclose(f);
    }
    printf("0};\nconst size_t %s_len = %lu;\n", argv[1], n);
    return 0;
}
