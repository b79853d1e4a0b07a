#!/usr/bin/env bash
# Builds everything and runs every test (lit suite and unit tests) through
# ctest. Installs missing packages first (apt, as root or with sudo).
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

kf_build
# The sanitizer build (ASan + UBSan, its own folder), built here with both
# cores rather than inside ctest; ctest's sanitize/* test runs it. Skipped
# (77) without clang-22's sanitizer runtime.
kf_log "building the sanitizer build ($KF_BUILD/sanitize)"
sanitize_start=$SECONDS
"$KF_ROOT/scripts/sanitize.sh" --build-only || [ $? -eq 77 ]
kf_log "sanitizer build: $((SECONDS - sanitize_start)) s"
kf_report_cuda
kf_install_reference_tokenizer
kf_log "running the test suite"
cd "$KF_BUILD"
set +e
ctest --output-on-failure -j "$(nproc)" "$@" 2>&1 | tee ctest.log
status=${PIPESTATUS[0]}
set -e
# The output of a failing test is printed above, but long; repeat the lines
# that say why, so they are in the last screenful too.
if [ "$status" -ne 0 ] && [ -s Testing/Temporary/LastTestsFailed.log ]; then
  while IFS=: read -r _ name; do
    echo "why $name failed:"
    awk -v t="Testing: $name" '$0 ~ t"$" {on = 1} on && /^Test Failed\./ {exit} on' \
      Testing/Temporary/LastTest.log \
      | grep -E 'error|not found|failed|FAIL|Assertion|Error' | grep -v 'Failed Tests' \
      | cut -c1-240 | awk '!seen[$0]++' | head -n 12 | sed 's/^/  /' || true
  done <Testing/Temporary/LastTestsFailed.log
fi
# One plain closing line. ctest counts a skipped test (lit: unsupported, e.g.
# no GPU) as run; it is listed under "did not run" and not counted as passed.
summary=$(grep -E '^[0-9]+% tests passed, [0-9]+ tests? failed out of [0-9]+' ctest.log | tail -1)
if [ -n "$summary" ]; then
  total=$(sed -E 's/.* out of ([0-9]+).*/\1/' <<<"$summary")
  failed=$(sed -E 's/.*passed, ([0-9]+) tests? failed.*/\1/' <<<"$summary")
  skipped=$(grep -cE '^[[:space:]]+[0-9]+ - .* \(Skipped\)$' ctest.log || true)
  if [ "$skipped" -gt 0 ]; then
    echo "$skipped skipped (a feature they need is missing here: see above)"
  fi
  echo "$((total - failed - skipped)) passed, $failed failed"
fi
exit "$status"
