#!/usr/bin/env bash
# A short fuzzing run of the watch stream splitter and event decoder
# (tests/fuzz/watch_stream_fuzz.c) under the sanitizers: the seed corpus,
# then a fixed number of repeatable mutations. Longer runs:
# make fuzz FUZZ_RUNS=10000000.
source "$(dirname "$0")/lib.bash"

fuzz=build/asan/watch_stream_fuzz
if ! out=$(make -s "$fuzz" 2>&1); then
    bad "the fuzz target builds" "$out"
    finish
    exit
fi
# the crash file, if any, goes to the temporary folder
corpus=$PWD/tests/fuzz/corpus/watch_stream
if out=$(cd "$tmp" && "$OLDPWD/$fuzz" -runs="${GG_FUZZ_RUNS:-50000}" -seed=1 "$corpus" 2>&1); then
    ok "watch stream: corpus and mutations, no crash (${out##*$'\n'})"
else
    bad "watch stream: corpus and mutations, no crash" "$out"
    cp "$tmp/crash-standalone" "$PWD/crash-watch-stream" 2>/dev/null &&
        echo "     input kept in crash-watch-stream"
fi
finish
