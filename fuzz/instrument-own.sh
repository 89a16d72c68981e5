#!/bin/sh
# RUSTC_WRAPPER for fuzz builds: cargo-fuzz instruments every crate for
# coverage; this keeps the instrumentation on spleval and the fuzz targets
# only. Third-party crates (regex-automata above all) still run, so a panic
# or abort in them is still found, but their internals no longer count as
# coverage: the fuzzer spends its time on our code instead of exploring the
# regex compiler, and runs several times faster.
rustc="$1"
shift
own=no
prev=
for a in "$@"; do
  if [ "$prev" = "--crate-name" ]; then
    case "$a" in
      spleval | parse | eval | macros | json_diff | winxml) own=yes ;;
    esac
  fi
  prev="$a"
done
if [ "$own" = yes ]; then
  exec "$rustc" "$@"
fi
for a in "$@"; do
  shift
  case "$a" in
    -Cpasses=sancov-module | -Cllvm-args=-sanitizer-coverage-*) ;;
    *) set -- "$@" "$a" ;;
  esac
done
exec "$rustc" "$@"
