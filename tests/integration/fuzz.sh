#!/usr/bin/env bash
# Short fuzzing runs of the manifest pipeline (loader, schema, CEL, cross
# checks), the AdmissionReview decoder, the proxy's routing table (build
# and request planning) and the kubeconfig reader under the sanitizers:
# each seed corpus, then a fixed number of repeatable mutations. Longer runs:
# make fuzz FUZZ_RUNS=10000000.
source "$(dirname "$0")/lib.bash"

for target in manifest admission route_table kubeconfig; do
    fuzz=build/asan/${target}_fuzz
    if ! out=$(make -s "$fuzz" 2>&1); then
        bad "$target: the fuzz target builds" "$out"
        continue
    fi
    corpus=$PWD/tests/fuzz/corpus/$target
    if out=$(cd "$tmp" && "$OLDPWD/$fuzz" -runs="${GG_FUZZ_RUNS:-30000}" -seed=1 "$corpus" 2>&1); then
        ok "$target: corpus and mutations, no crash (${out##*$'\n'})"
    else
        bad "$target: corpus and mutations, no crash" "$out"
        cp "$tmp/crash-standalone" "$PWD/crash-$target" 2>/dev/null &&
            echo "     input kept in crash-$target"
    fi
done
finish
