#!/usr/bin/env bash
# The provider agent on a real Slurm, alone (issue 17): installs what is
# missing (Slurm, slurmdbd, munge, MariaDB among them), builds the binary
# and the test, and runs tests/integration/agent_slurm_test.cc, which
# starts its own Slurm with scripts/slurm-local.sh, runs 22 placements as
# Slurm jobs while killing the agent -9 at random moments, and compares the
# bill with sacct. Its last line:
#   RESULT agent jobs=<n> submitted_twice=<n> usage_diff_card_s=<n> restarts=<n> ok=<true|false>
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh
cmake --preset dev >/dev/null
cmake --build --preset dev --target baygrid agent_slurm_test
build/dev/tests/integration/agent_slurm_test
