#!/usr/bin/env bash
# Builds everything and runs every test (lit suite and unit tests) through
# ctest. Installs missing packages first (apt, as root or with sudo).
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

kf_build
kf_report_cuda
kf_install_reference_tokenizer
kf_log "running the test suite"
cd "$KF_BUILD"
ctest --output-on-failure -j "$(nproc)" "$@"
